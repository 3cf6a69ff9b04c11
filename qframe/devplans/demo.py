"""Demo development plan for the demo acute trust: a sign-off action and an indicator action."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from qframe.extensions import db
from qframe.frameworks.models import Framework

from .services import import_plan, sign_off

if TYPE_CHECKING:
    from qframe.demo import DemoContext


def load(ctx: DemoContext) -> None:
    lead = ctx.shared.get("users", {}).get("provider.lead@demo.qframe.test")
    if lead is None or not ctx.shared.get("acute"):
        return
    trust = ctx.shared["acute"][0]
    framework = db.session.scalar(
        select(Framework)
        .where(Framework.owner_id == trust.parent_id, Framework.status == "published")
        .order_by(Framework.code)
    )
    today = date.today()
    start, end = date(2025, 4, 1), today + timedelta(days=365)
    rows = [
        [
            "Clinical audit training",
            "Head of nursing",
            "All ward sisters trained",
            today - timedelta(days=40),
            "",
            "",
            "",
        ],
        [
            "Clinical audit training",
            "Head of nursing",
            "Re-audit of falls on Ward 7",
            today - timedelta(days=5),
            "",
            "",
            "",
        ],
        [
            "Electronic observations",
            "Chief information officer",
            "Live on surgical wards",
            today + timedelta(days=60),
            "",
            "",
            "",
        ],
    ]
    indicator = framework.indicators[0] if framework and framework.indicators else None
    if indicator is not None:
        higher = indicator.polarity == "higher_is_better"
        rows.append(
            ["Safer care", "Medical director", f"{indicator.title} improved", end,
             indicator.code, "80", "90" if higher else "70"]
        )  # fmt: skip
    header = "action,owner,milestone,due_on,indicator,baseline,target\n"
    data = header + "".join(",".join(str(c) for c in r) + "\n" for r in rows)
    plan = import_plan(lead, trust, "Quality development plan 2025-26", start, end, data.encode())
    sign_off(
        lead,
        plan.actions[0].milestones[0],
        "Jo Bloggs, Director of Nursing",
        "Training register, 42 of 42 sisters",
    )
    ctx.report.append(
        f"Development plan: {trust.name}, {len(rows)} milestones; /devplans/{plan.id}"
    )
