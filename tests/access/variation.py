"""Variation routes: the commissioner's questions to ask (gaming signals) and their CSV.

The run is built inside the test's transaction, as in tests/access/scoring.py: a published
framework owned by the test ICB, one measurement on trust A, and `score_period`.
"""

from __future__ import annotations

import json

from route import Route

from qframe.extensions import db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.models import Measurement
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

COMMISSIONER = ("admin", "commissioner")


def run(t):  # type: ignore[no-untyped-def]
    """A provisional run with trust A's exception counts on one provider indicator."""
    if getattr(t, "questions_run", None) is None:
        data = {
            "code": "ACCESS-VQ", "title": "Access test framework", "year": "2025/26",
            "setting": "acute", "payment": {"model": "contract_share", "stake_percent": "1.25"},
            "domains": [{"code": "SAF", "title": "Safety"}],
            "indicators": [{
                "code": "VQ1", "domain": "SAF", "title": "Indicator VQ1", "measure": "proportion",
                "polarity": "higher_is_better", "level": "provider",
                "scoring": {"method": "threshold", "max_points": "10", "lower": "50",
                            "upper": "90"},
            }],
        }  # fmt: skip
        framework = publish_framework(
            None, import_framework(None, parse_framework(json.dumps(data)), t.icb)
        )
        period = get_or_create_period("2025/26 Q4")
        db.session.add(
            Measurement(
                framework_id=framework.id, organisation_id=t.trust_a.id,
                indicator_id=framework.indicators[0].id, period_id=period.id, numerator=7,
                denominator=10, exclusions=2, source="form",
            )
        )  # fmt: skip
        db.session.flush()
        t.questions_run = score_period(None, framework, period)
    return t.questions_run


ROUTES = {
    "variation.questions": Route(
        lambda t: f"/variation/runs/{run(t).id}/questions", allowed=COMMISSIONER
    ),
    "variation.questions_csv": Route(
        lambda t: f"/variation/runs/{run(t).id}/questions.csv", allowed=COMMISSIONER
    ),
}
