"""Scoring routes: scorecards, ward charts, the commissioner's overview, funnels, calibration.

URLs that need a run build one inside the test's transaction: a published framework owned by
the test ICB, a few measurements on trust A's service line and ward, and `score_period`.
"""

from __future__ import annotations

import json

from route import EVERY_ROLE, Route

from qframe.extensions import db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.models import Measurement
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

SCORECARD = ("admin", "commissioner", "provider_lead", "clinical_director")
WARD = ("admin", "commissioner", "provider_lead", "clinical_director", "nurse_manager")
COMMISSIONER = ("admin", "commissioner")


def _indicator(code: str, level: str) -> dict:  # type: ignore[type-arg]
    return {
        "code": code, "domain": "SAF", "title": f"Indicator {code}", "measure": "proportion",
        "polarity": "higher_is_better", "level": level,
        "scoring": {"method": "threshold", "max_points": "10", "lower": "50", "upper": "90"},
    }  # fmt: skip


def _framework(t, code: str):  # type: ignore[no-untyped-def]
    data = {
        "code": code, "title": "Access test framework", "year": "2025/26", "setting": "acute",
        "payment": {"model": "contract_share", "stake_percent": "1.25"},
        "domains": [{"code": "SAF", "title": "Safety"}],
        "indicators": [_indicator("AP1", "provider"), _indicator("AS1", "service_line"),
                       _indicator("AW1", "ward")],
    }  # fmt: skip
    return import_framework(None, parse_framework(json.dumps(data)), t.icb)


def run(t):  # type: ignore[no-untyped-def]
    """A provisional run of a published framework with rows for trust A and its units."""
    if getattr(t, "scoring_run", None) is None:
        framework = publish_framework(None, _framework(t, "ACCESS-SC"))
        period = get_or_create_period("2025/26")
        codes = {i.code: i.id for i in framework.indicators}
        for org, code in ((t.trust_a, "AP1"), (t.line_a, "AS1"), (t.ward_a, "AW1")):
            db.session.add(
                Measurement(
                    framework_id=framework.id, organisation_id=org.id, indicator_id=codes[code],
                    period_id=period.id, numerator=7, denominator=10, source="form",
                )
            )  # fmt: skip
        db.session.flush()
        t.scoring_run = score_period(None, framework, period)
    return t.scoring_run


def _indicator_id(t) -> int:  # type: ignore[no-untyped-def]
    return next(i.id for i in run(t).framework.indicators if i.code == "AP1")


def _draft(t) -> int:  # type: ignore[no-untyped-def]
    return _framework(t, "ACCESS-DRAFT").id


ROUTES = {
    "scoring.index": Route(lambda t: "/scoring/", allowed=EVERY_ROLE),
    "scoring.scorecard_page": Route(
        lambda t: f"/scoring/runs/{run(t).id}/orgs/{t.line_a.id}", allowed=SCORECARD
    ),
    "scoring.scorecard_csv": Route(
        lambda t: f"/scoring/runs/{run(t).id}/orgs/{t.line_a.id}/scores.csv", allowed=SCORECARD
    ),
    "scoring.ward_page": Route(lambda t: f"/scoring/wards/{t.ward_a.id}", allowed=WARD),
    "scoring_manage.index": Route(lambda t: "/scoring/manage/", allowed=COMMISSIONER),
    "scoring_manage.score": Route(
        lambda t: "/scoring/manage/score", method="POST", allowed=COMMISSIONER
    ),
    "scoring_manage.finalise": Route(
        lambda t: f"/scoring/manage/runs/{run(t).id}/finalise", method="POST", allowed=COMMISSIONER
    ),
    "scoring_manage.overview": Route(
        lambda t: f"/scoring/manage/runs/{run(t).id}", allowed=COMMISSIONER
    ),
    "scoring_manage.export": Route(
        lambda t: f"/scoring/manage/runs/{run(t).id}/scores.csv",
        allowed=("admin", "commissioner", "finance"),
    ),
    "scoring_manage.funnel": Route(
        lambda t: f"/scoring/manage/runs/{run(t).id}/indicators/{_indicator_id(t)}",
        allowed=COMMISSIONER,
    ),
    "scoring_manage.calibration": Route(
        lambda t: f"/scoring/manage/calibrate/{_draft(t)}", allowed=COMMISSIONER
    ),
}
