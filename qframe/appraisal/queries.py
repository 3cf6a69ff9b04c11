"""Read models for the staff list, its CSV and the leadership pipeline (scope-filtered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from qframe.appraisal.models import Appraisal, StaffMember
from qframe.appraisal.rules import (
    DONE_STATUSES,
    PROFESSIONAL_GROUPS,
    READINESS,
    Standing,
    appraisal_standing,
    current_open_due,
    revalidation_standing,
)
from qframe.auth.permissions import in_scope_clause
from qframe.auth.staff_access import staff_in_scope_clause
from qframe.extensions import db
from qframe.orgs.models import Organisation

APPRAISAL_STATES = {"done": "Appraised, in date", "due": "Due", "overdue": "Overdue"}
REVALIDATION_STATES = {
    "ok": "In date",
    "due": "Due within 90 days",
    "overdue": "Overdue",
    "unknown": "No date recorded",
    "not_required": "Not required",
}
CSV_HEADER = [
    "staff_number",
    "name",
    "professional_group",
    "band",
    "registration",
    "service_line",
    "ward",
    "appraisal",
    "appraisal_due",
    "last_appraisal_meeting",
    "revalidation",
    "revalidation_due",
]


@dataclass(frozen=True)
class StaffFilters:
    org_id: int | None = None
    group: str | None = None
    appraisal: str | None = None
    revalidation: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class StaffRow:
    staff: StaffMember
    appraisal: Standing
    last_meeting: date | None
    revalidation: str


def staff_rows(user: Any, filters: StaffFilters, today: date | None = None) -> list[StaffRow]:
    """Staff in the user's scope in post today, with appraisal and revalidation standing."""
    today = today or date.today()
    stmt = (
        select(StaffMember)
        .options(joinedload(StaffMember.service_line), joinedload(StaffMember.ward))
        .where(staff_in_scope_clause(user))
        .where((StaffMember.left_on.is_(None)) | (StaffMember.left_on > today))
        .order_by(StaffMember.name, StaffMember.id)
    )
    if filters.org_id:
        stmt = stmt.where(
            (StaffMember.ward_id == filters.org_id)
            | (StaffMember.service_line_id == filters.org_id)
        )
    if filters.group in PROFESSIONAL_GROUPS:
        stmt = stmt.where(StaffMember.professional_group == filters.group)
    if filters.name:
        stmt = stmt.where(StaffMember.name.icontains(filters.name.strip(), autoescape=True))
    people = db.session.scalars(stmt).all()
    last, due = appraisal_dates([p.id for p in people])
    rows = [
        StaffRow(
            p,
            appraisal_standing(today, p.start_date, last.get(p.id), due.get(p.id)),
            last.get(p.id),
            revalidation_standing(p.professional_group, p.revalidation_due, today),
        )
        for p in people
    ]
    if filters.appraisal in APPRAISAL_STATES:
        rows = [r for r in rows if r.appraisal.state == filters.appraisal]
    if filters.revalidation in REVALIDATION_STATES:
        rows = [r for r in rows if r.revalidation == filters.revalidation]
    return rows


def csv_rows(rows: list[StaffRow]) -> list[list[object]]:
    return [
        [
            r.staff.staff_number,
            r.staff.name,
            r.staff.professional_group,
            r.staff.band,
            r.staff.registration,
            r.staff.service_line.name,
            r.staff.ward.name if r.staff.ward else "",
            r.appraisal.state,
            r.appraisal.due,
            r.last_meeting or "",
            r.revalidation,
            r.staff.revalidation_due or "",
        ]
        for r in rows
    ]


def leadership_pipeline(user: Any) -> list[StaffMember]:
    """Clinicians in scope who want to lead, readiest first."""
    order = {state: i for i, state in enumerate(reversed(READINESS))}
    people = db.session.scalars(
        select(StaffMember)
        .options(joinedload(StaffMember.service_line), joinedload(StaffMember.ward))
        .where(staff_in_scope_clause(user))
        .where(StaffMember.leadership_aspiration.is_(True))
        .where(StaffMember.professional_group != "other")
        .where(StaffMember.left_on.is_(None))
    ).all()
    return sorted(people, key=lambda p: (order.get(p.leadership_readiness, 9), p.name))


def scoped_units(user: Any) -> list[Organisation]:
    """Service lines and wards in the user's scope (for filters and the rates page)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .options(joinedload(Organisation.parent))
            .where(Organisation.kind.in_(("service_line", "ward")))
            .where(in_scope_clause(Organisation.id, user))
            .order_by(Organisation.code)
        )
    )


def appraisal_dates(staff_ids: list[int]) -> tuple[dict[int, date], dict[int, date]]:
    """Per person: the last completed meeting, and the current open appraisal's due date."""
    if not staff_ids:
        return {}, {}
    last: dict[int, date] = {}
    done_year: dict[int, str] = {}
    for staff_id, meeting, year in db.session.execute(
        select(Appraisal.staff_id, func.max(Appraisal.meeting_date), func.max(Appraisal.year))
        .where(Appraisal.staff_id.in_(staff_ids), Appraisal.status.in_(DONE_STATUSES))
        .group_by(Appraisal.staff_id)
    ):
        done_year[staff_id] = year
        if meeting is not None:
            last[staff_id] = meeting
    open_rows: dict[int, list[tuple[str, date]]] = {}
    for staff_id, year, due_date in db.session.execute(
        select(Appraisal.staff_id, Appraisal.year, Appraisal.due_date).where(
            Appraisal.staff_id.in_(staff_ids), Appraisal.status.not_in(DONE_STATUSES)
        )
    ):
        open_rows.setdefault(staff_id, []).append((year, due_date))
    due = {
        staff_id: found
        for staff_id, rows in open_rows.items()
        if (found := current_open_due(rows, done_year.get(staff_id))) is not None
    }
    return last, due
