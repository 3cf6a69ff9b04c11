"""Builders shared by the escalation, commitments and publication tests and their access tables.

Score runs are written directly (scoring's own tests cover how they are computed), so each test
states exactly which flags, breaches and results a provider had in which period.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.orgs.models import Organisation
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ProviderScore, Score, ScoreRun


def _indicator(code: str, domain: str, title: str, **extra: Any) -> dict[str, Any]:
    base = {
        "code": code, "domain": domain, "title": title, "measure": "proportion",
        "polarity": "higher_is_better", "level": "provider",
        "scoring": {"method": "threshold", "max_points": "10", "lower": "50", "upper": "90"},
        "minimum_standard": None, "min_denominator": None,
    }  # fmt: skip
    base.update(extra)
    return base


FRAMEWORK: dict[str, Any] = {
    "code": "LQF",
    "title": "Ladder test framework",
    "year": "2025/26",
    "setting": "mixed",
    "payment": {"model": "contract_share", "stake_percent": "1.25"},
    "domains": [{"code": "SAF", "title": "Safety"}, {"code": "EXP", "title": "Experience"}],
    "indicators": [
        _indicator("S1", "SAF", "VTE risk assessment", minimum_standard="95"),
        _indicator(
            "S2", "SAF", "Inpatient falls", measure="rate", multiplier="1000",
            polarity="lower_is_better", unit="per 1,000 occupied bed days",
            scoring={"method": "threshold", "max_points": "10", "lower": "8", "upper": "4"},
        ),
        _indicator("E1", "EXP", "A&E four-hour standard", minimum_standard="78"),
        _indicator("E2", "EXP", "Complaints answered on time"),
    ],
}  # fmt: skip


def make_framework(owner: Organisation, code: str = "LQF") -> Framework:
    """Import and publish the test framework through the frameworks services."""
    data = {**FRAMEWORK, "code": code}
    framework = import_framework(None, parse_framework(json.dumps(data)), owner)
    return publish_framework(None, framework)


def score(
    framework: Framework,
    period: str,
    results: dict[Organisation, dict[str, dict[str, Any]]],
    status: str = "final",
) -> ScoreRun:
    """Store a run: per organisation and indicator code, the fields that differ from a clean
    result (achievement 96, full points, no breach, within the funnel)."""
    per = get_or_create_period(period)
    version = db.session.scalar(
        select(func.max(ScoreRun.version)).where(
            ScoreRun.framework_id == framework.id, ScoreRun.period_id == per.id
        )
    )
    run = ScoreRun(
        framework_id=framework.id, period_id=per.id, version=(version or 0) + 1,
        status="provisional", counts={}, stats={},
    )  # fmt: skip
    db.session.add(run)
    db.session.flush()
    codes = {i.code: i for i in framework.indicators}
    for org, by_code in results.items():
        totals = {"points": 0.0, "max": 0.0, "breaches": 0, "alerts": 0, "alarms": 0}
        for code, indicator in codes.items():
            if code not in by_code and org.kind in ("service_line", "ward"):
                continue
            row = {"achievement": 96.0, "points": 10.0, "breach": False, "flag": "within"}
            row.update(by_code.get(code, {}))
            db.session.add(
                Score(
                    run_id=run.id, organisation_id=org.id, indicator_id=indicator.id,
                    achievement=row["achievement"], points=row["points"], max_points=10.0,
                    status=row.get("status", "scored"), breach=row["breach"],
                    funnel_flag=row["flag"], rolled_up=False,
                    numerator=row.get("numerator"), denominator=row.get("denominator"),
                )
            )  # fmt: skip
            totals["points"] += row["points"]
            totals["max"] += 10.0
            totals["breaches"] += int(row["breach"])
            totals["alerts"] += int(row["flag"] == "alert")
            totals["alarms"] += int(row["flag"] == "alarm")
        if org.is_provider:
            db.session.add(
                ProviderScore(
                    run_id=run.id, organisation_id=org.id, points=totals["points"],
                    max_points=totals["max"], breaches=totals["breaches"],
                    alerts=totals["alerts"], alarms=totals["alarms"],
                )
            )  # fmt: skip
    db.session.flush()
    if status == "final":
        run.status = "final"
        db.session.flush()
    return run


def scored(t: Any) -> tuple[Framework, ScoreRun]:
    """For the access tables: a framework of t.icb with one final quarter for trusts A and B."""
    if not hasattr(t, "scored"):
        framework = make_framework(t.icb)
        run = score(framework, "2025/26 Q1", {t.trust_a: {"S1": {"flag": "alarm"}}, t.trust_b: {}})
        t.scored = (framework, run)
    return t.scored
