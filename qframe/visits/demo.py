"""Demo governance visits: one done three years ago with a recommendation, one planned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from qframe.devplans.models import DevelopmentPlan
from qframe.extensions import db

from .services import recommend, record_visit, schedule_visit

if TYPE_CHECKING:
    from qframe.demo import DemoContext


def load(ctx: DemoContext) -> None:
    user = ctx.shared.get("users", {}).get("commissioner@demo.qframe.test")
    icb = ctx.shared.get("commissioner")
    if user is None or icb is None or not ctx.shared.get("acute"):
        return
    today = date.today()
    back = today - timedelta(days=3 * 365 - 30)
    visit = schedule_visit(user, icb, back, back)
    record_visit(user, visit, back, "Audit cycles rarely closed; risk registers current.", back)
    trust = ctx.shared["acute"][0]
    plan = db.session.scalar(
        select(DevelopmentPlan).where(DevelopmentPlan.organisation_id == trust.id)
    )
    if plan is not None:
        recommend(
            user,
            visit,
            trust,
            "Close the loop on every clinical audit",
            "Medical director",
            min(plan.ends_on, today + timedelta(days=120)),
        )
    schedule_visit(user, icb, today + timedelta(days=45), today)
    ctx.report.append(f"Governance visits: {icb.name} visited {back}, next planned; /visits/")
