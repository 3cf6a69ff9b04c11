"""Daily reminders: an assessment due within 14 days, and one overdue, each sent once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from qframe.auth.models import User, UserScope
from qframe.auth.permissions import roles_with
from qframe.extensions import db
from qframe.notifications.services import notify

from .models import Assessment, AssessmentReminder

SOON = timedelta(days=14)


def _leads(org_ids: set[int]) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(UserScope.organisation_id, User.id)
        .join(User, User.id == UserScope.user_id)
        .where(
            UserScope.organisation_id.in_(org_ids),
            User.role.in_(roles_with("complete_assessments")),
            User.active,
        )
    ).all()
    out: dict[int, list[int]] = {}
    for org_id, user_id in rows:
        out.setdefault(org_id, []).append(user_id)
    return out


def send_reminders(today: date) -> str:
    """Remind each open assessment's provider leads once when due soon and once when overdue."""
    open_ones = list(
        db.session.scalars(
            select(Assessment).where(
                Assessment.status.in_(("draft", "returned")), Assessment.due_on <= today + SOON
            )
        )
    )
    sent = {(r.assessment_id, r.kind) for r in db.session.scalars(select(AssessmentReminder))}
    leads = _leads({a.organisation_id for a in open_ones})
    count = 0
    for a in open_ones:
        kind = "overdue" if a.due_on < today else "due_soon"
        if (a.id, kind) in sent:
            continue
        words = "is overdue" if kind == "overdue" else f"is due on {a.due_on:%-d %B %Y}"
        notify(
            leads.get(a.organisation_id, []),
            f"Baseline assessment {a.year} {words}",
            f"{a.organisation.name}'s baseline assessment for {a.year} {words}.",
            f"/assessment/{a.id}",
        )
        db.session.add(AssessmentReminder(assessment_id=a.id, kind=kind))
        count += 1
    db.session.flush()
    return f"{count} assessment reminder(s) sent"


def send_assessment_reminders(as_of: datetime) -> str:
    """The scheduler's entry point (commits are the job runner's)."""
    return send_reminders(as_of.date())
