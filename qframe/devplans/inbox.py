"""Inbox source: development-plan milestones past their due date and not signed off.

Only sign-off milestones wait for someone: an indicator-linked milestone's status comes from
the scored data. The provider lead who writes the plan opens it at the milestone to sign off.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.extensions import db
from qframe.inbox.registry import InboxItem, source

from .models import DevelopmentPlan, Milestone, PlanAction

LIMIT = 50


@source("Development-plan milestones overdue", capability="write_development_plans")
def overdue_milestones(user: Any, today: date) -> list[InboxItem]:
    rows = db.session.execute(
        select(Milestone, PlanAction, DevelopmentPlan)
        .join(PlanAction, PlanAction.id == Milestone.action_id)
        .join(DevelopmentPlan, DevelopmentPlan.id == PlanAction.plan_id)
        .where(
            Milestone.due_on < today,
            Milestone.signed_off_at.is_(None),
            Milestone.indicator_id.is_(None),
            in_scope_clause(DevelopmentPlan.organisation_id, user),
        )
        .order_by(Milestone.due_on, Milestone.id)
        .limit(LIMIT)
    )
    items = []
    for milestone, action, plan in rows:
        days = (today - milestone.due_on).days
        items.append(
            InboxItem(
                f"{plan.organisation.name}: {milestone.title}",
                f"Was due {milestone.due_on:%-d %b %Y} ({days} day{'s' if days != 1 else ''} "
                f"ago) in {plan.title}; action owner {action.owner}",
                url_for("devplans.show", plan_id=plan.id, _anchor=f"milestone-{milestone.id}"),
                "Sign off with evidence",
                milestone.due_on,
            )
        )
    return items
