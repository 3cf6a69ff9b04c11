"""Appraisal and revalidation reminders: at 90 and 30 days before the due date and when overdue.

Each (staff member, kind, threshold, due date) is notified once, whichever process or run
gets there first: a unique row in `appraisal_reminders` records it. A run that finds a person
already past several thresholds sends only the most urgent one. Recipients: the person's
linked account, their line manager's account, and the clinical directors and nurse managers
whose scope covers the person's ward or service line. Messages carry no appraisal content.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from qframe.appraisal.models import ReminderSent, StaffMember
from qframe.appraisal.queries import appraisal_dates
from qframe.appraisal.rules import appraisal_standing, reminder_threshold
from qframe.auth.models import User, UserScope
from qframe.auth.permissions import roles_with
from qframe.extensions import db
from qframe.notifications.services import email_enabled, notify
from qframe.orgs.models import Organisation

KIND_LABELS = {"appraisal": "Appraisal", "revalidation": "Revalidation"}


@dataclass(frozen=True)
class ReminderSummary:
    reminders: int
    notifications: int

    def __str__(self) -> str:
        return f"{self.reminders} reminders, {self.notifications} notifications"


def send_reminders(today: date) -> ReminderSummary:
    """Notify everyone concerned of appraisals and revalidations reaching a threshold today."""
    people = db.session.scalars(
        select(StaffMember).where((StaffMember.left_on.is_(None)) | (StaffMember.left_on > today))
    ).all()
    last, open_due = appraisal_dates([p.id for p in people])
    sent = set(
        tuple(row)
        for row in db.session.execute(
            select(
                ReminderSent.staff_id,
                ReminderSent.kind,
                ReminderSent.threshold,
                ReminderSent.due_date,
            )
        ).all()
    )
    managers = _managers_by_org()
    parents = dict(db.session.execute(select(Organisation.id, Organisation.parent_id)).all())
    accounts = {
        staff_id: user_id
        for staff_id, user_id in db.session.execute(
            select(StaffMember.id, StaffMember.user_id).where(StaffMember.user_id.is_not(None))
        ).all()
        if user_id is not None
    }
    links = current_app.url_map.bind("localhost")
    email = email_enabled(current_app.config)
    reminders = notifications = 0
    for person in people:
        dues = {
            "appraisal": appraisal_standing(
                today, person.start_date, last.get(person.id), open_due.get(person.id)
            ).due,
            "revalidation": person.revalidation_due,
        }
        for kind, due in dues.items():
            threshold = reminder_threshold(due, today)
            if threshold is None or due is None or (person.id, kind, threshold, due) in sent:
                continue
            db.session.add(
                ReminderSent(staff_id=person.id, kind=kind, threshold=threshold, due_date=due)
            )
            reminders += 1
            link = links.build("appraisal.staff", {"staff_id": person.id})
            recipients = _managers_of(person, managers, parents, accounts)
            notifications += _notify(person, kind, threshold, due, recipients, link, email)
    db.session.flush()
    return ReminderSummary(reminders, notifications)


def _managers_by_org() -> dict[int, set[int]]:
    """Active clinical directors and nurse managers, by the organisations in their scope."""
    rows = db.session.execute(
        select(UserScope.organisation_id, User.id)
        .join(User, User.id == UserScope.user_id)
        .where(User.role.in_(roles_with("receive_appraisal_reminders")), User.active.is_(True))
    ).all()
    result: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in rows:
        result[org_id].add(user_id)
    return result


def _managers_of(
    person: StaffMember,
    managers: dict[int, set[int]],
    parents: dict[int, int | None],
    accounts: dict[int, int],
) -> set[int]:
    """Accounts of the line manager and of managers whose scope covers the person's unit."""
    recipients: set[int] = set()
    org: int | None = person.home_org_id
    while org is not None:  # a scope covers everything below it
        recipients |= managers.get(org, set())
        org = parents.get(org)
    if person.line_manager_id in accounts:
        recipients.add(accounts[person.line_manager_id])
    recipients.discard(person.user_id or 0)  # they get their own message
    return recipients


def _notify(
    person: StaffMember,
    kind: str,
    threshold: str,
    due: date,
    recipients: set[int],
    link: str,
    email: bool,
) -> int:
    when = "is overdue" if threshold == "overdue" else f"is due within {threshold} days"
    own = person.user_id
    count = 0
    if recipients:
        count += len(
            notify(
                recipients,
                f"{KIND_LABELS[kind]} {when}: {person.name}",
                f"{person.name} ({person.band}): {kind} due on {due:%-d %B %Y}.",
                link,
                email=email,
            )
        )
    if own:
        count += len(
            notify(
                [own],
                f"Your {kind} {when}",
                f"Your {kind} is due on {due:%-d %B %Y}. Talk to your appraiser or line manager.",
                link,
                email=email,
            )
        )
    return count
