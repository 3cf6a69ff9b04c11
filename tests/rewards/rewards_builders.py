"""Builders shared by the rewards tests and the access table: a framework, final scores, a run.

Score runs are written directly (the scoring feature's own tests cover how they are computed)
and finalised through scoring's service, so rewards see exactly what a real final run holds.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.orgs.models import Organisation
from qframe.periods.models import get_or_create_period
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run
from qframe.scoring.models import ProviderScore, Score, ScoreRun
from qframe.scoring.runs import finalise_run

FRAMEWORK: dict[str, Any] = {
    "code": "RQF",
    "title": "Reward test framework",
    "year": "2025/26",
    "setting": "mixed",
    "payment": {"model": "contract_share", "stake_percent": "1.25"},
    "domains": [{"code": "SAF", "title": "Safety"}],
    "indicators": [
        {
            "code": "P1", "domain": "SAF", "title": "Provider proportion",
            "measure": "proportion", "polarity": "higher_is_better", "level": "provider",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "50", "upper": "90"},
            "minimum_standard": "60", "min_denominator": None,
        },
        {
            "code": "S1", "domain": "SAF", "title": "Service-line proportion",
            "measure": "proportion", "polarity": "higher_is_better", "level": "service_line",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "40", "upper": "80"},
            "minimum_standard": None, "min_denominator": None,
        },
    ],
}  # fmt: skip


def make_framework(owner: Organisation | None, code: str = "RQF") -> Framework:
    """A published two-indicator framework owned by the commissioner."""
    data = copy.deepcopy(FRAMEWORK)
    data["code"] = code
    return publish_framework(None, import_framework(None, parse_framework(json.dumps(data)), owner))


def make_scores(
    framework: Framework,
    providers: list[tuple[Organisation, dict[str, Any]]],
    lines: list[tuple[Organisation, float]] = (),  # type: ignore[assignment]
    period: str = "2025/26",
    final: bool = True,
) -> ScoreRun:
    """A score run: provider totals (points, max_points, entitlement_pence, breaches) and
    service-line points on S1; finalised unless final=False."""
    found = get_or_create_period(period)
    latest = db.session.scalar(
        select(func.max(ScoreRun.version)).where(
            ScoreRun.framework_id == framework.id, ScoreRun.period_id == found.id
        )
    )
    run = ScoreRun(
        framework_id=framework.id, period_id=found.id, version=(latest or 0) + 1,
        status="provisional", counts={}, stats={},
    )  # fmt: skip
    db.session.add(run)
    db.session.flush()
    for org, facts in providers:
        db.session.add(
            ProviderScore(
                run_id=run.id, organisation_id=org.id, points=facts.get("points", 10.0),
                max_points=facts.get("max_points", 20.0),
                entitlement_pence=facts.get("entitlement_pence"),
                entitlement_note=facts.get("note"), breaches=facts.get("breaches", 0),
                alerts=0, alarms=0,
            )
        )  # fmt: skip
    s1 = next(i for i in framework.indicators if i.code == "S1")
    for org, points in lines:
        db.session.add(
            Score(
                run_id=run.id, organisation_id=org.id, indicator_id=s1.id, points=points,
                max_points=10.0, status="scored", breach=False, rolled_up=False,
            )
        )  # fmt: skip
    db.session.flush()
    return finalise_run(None, run) if final else run


def standard_scores(tree: Any, framework: Framework, **kwargs: Any) -> ScoreRun:
    """Trust A (£100m contract, £1.25m entitlement) and trust B (£40m, £300k, one breach)."""
    return make_scores(
        framework,
        [
            (tree.trust_a, {"points": 16.0, "entitlement_pence": 1_250_000_00}),
            (tree.trust_b, {"points": 6.0, "entitlement_pence": 300_000_00, "breaches": 1}),
        ],
        [(tree.line_a, 7.5), (tree.line_a2, 2.5), (tree.line_b, 4.0)],
        **kwargs,
    )


def make_run(tree: Any, actor: Any = None, pot: str = "1000000", **policy: Any) -> Any:
    """A proposed run on fresh final scores (framework, period and scores made here)."""
    framework = db.session.scalar(select(Framework).where(Framework.code == "RQF"))
    if framework is None:
        framework = make_framework(tree.icb)
        standard_scores(tree, framework)
    from qframe.scoring.lookup import find_period

    return propose_run(
        actor, framework, find_period("2025/26"), int(Decimal(pot) * 100), parse_policy(policy)
    ).run
