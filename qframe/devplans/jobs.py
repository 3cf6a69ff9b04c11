"""Daily: overdue sign-off milestones reach the provider leads' inbox (once each)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from qframe.auth.models import User, UserScope
from qframe.auth.permissions import roles_with
from qframe.extensions import db
from qframe.notifications.services import notify

from .models import DevelopmentPlan, Milestone, PlanAction


def notify_overdue(today: date) -> str:
    """Notify each overdue, unsigned milestone once to its provider's leads."""
    rows = db.session.execute(
        select(Milestone, DevelopmentPlan)
        .join(PlanAction, PlanAction.id == Milestone.action_id)
        .join(DevelopmentPlan, DevelopmentPlan.id == PlanAction.plan_id)
        .where(
            Milestone.due_on < today,
            Milestone.signed_off_at.is_(None),
            Milestone.indicator_id.is_(None),
            Milestone.overdue_notified.is_(False),
        )
    ).all()
    for milestone, plan in rows:
        leads = db.session.scalars(
            select(User.id)
            .join(UserScope, UserScope.user_id == User.id)
            .where(UserScope.organisation_id == plan.organisation_id, User.active)
            .where(User.role.in_(roles_with("write_development_plans")))
        )
        notify(
            list(leads),
            f"Milestone overdue: {milestone.title}",
            f"Due {milestone.due_on:%-d %B %Y} in {plan.title} (owner {milestone.action.owner}).",
            f"/devplans/{plan.id}",
        )
        milestone.overdue_notified = True
    db.session.flush()
    return f"{len(rows)} overdue milestone(s) notified"


def notify_overdue_milestones(as_of: datetime) -> str:
    """The scheduler's entry point."""
    return notify_overdue(as_of.date())
