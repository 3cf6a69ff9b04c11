"""A small health improvement plan for the test tree's ICB (the worked example's shape)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qframe.auth.services import create_user
from qframe.improvement.importer import import_plan
from qframe.improvement.models import ImprovementPlan, PlanRun
from qframe.improvement.runs import propose_run

YEARS = b"year,budget,staff_days\n2026/27,100000,100\n2027/28,100000,100\n2028/29,60000,100\n"
HEADER = (
    "project,title,provider,gain,gain_low,gain_high,cost_per_year,duration_years,staff_days,"
    "prerequisites,earliest_start\n"
)


def projects_csv(a: str, b: str) -> bytes:
    """The worked example of tests/optimiser/test_portfolio.py, A-B at `a`, the rest at `b`."""
    rows = [
        f"A,Audit training,{a},6,4,8,60000,2,40,,",
        f"B,Electronic observations,{a},5,3,7,50000,1,30,A,",
        f"C,Falls programme,{b},4,2,5,40000,2,50,,",
        f"D,Discharge team,{b},3,3,3,70000,1,20,,",
        f"E,New ward,{b},1,1,1,90000,3,10,,",
        f"F,Staff-heavy review,{b},2,2,2,10000,1,90,,2026/27",
        f"G,Follow-up,{b},3,3,3,10000,1,5,D,",
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


def make_plan(t: Any, user: Any = None) -> ImprovementPlan:
    return import_plan(
        user or proposer(t), t.icb, "Test plan", YEARS, projects_csv(t.trust_a.code, t.trust_b.code)
    )


def proposer(t: Any) -> Any:
    if not hasattr(t, "improvement_proposer"):
        t.improvement_proposer = create_user(
            None,
            email="hip.proposer@test.qframe",
            role="commissioner",
            password="correct horse battery staple",
            name="Proposer",
            org_codes=[t.icb.code],
        )
    return t.improvement_proposer


def make_run(t: Any) -> tuple[ImprovementPlan, PlanRun]:
    plan = make_plan(t)
    return plan, propose_run(proposer(t), plan, Decimal(0), 0)
