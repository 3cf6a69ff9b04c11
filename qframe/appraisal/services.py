"""Staff record use cases: create and update, with every rule checked before anything changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from qframe.appraisal import rules
from qframe.appraisal.models import StaffMember
from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.auth.permissions import org_in_scope
from qframe.errors import Conflict, Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation

STAFF_NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}", re.ASCII)


@dataclass(frozen=True)
class StaffInput:
    name: str
    staff_number: str
    professional_group: str
    registration_body: str
    registration_number: str
    band: str
    service_line_id: int | None
    ward_id: int | None
    line_manager_number: str
    start_date: date
    left_on: date | None = None
    revalidated_on: date | None = None
    leadership_aspiration: bool = False
    leadership_readiness: str = "not_yet"
    leadership_actions: str = ""
    # Only an administrator may link (or unlink) a sign-in account: it opens the record to it.
    user_email: str | None = None


def create_staff(actor: Any, data: StaffInput, today: date | None = None) -> StaffMember:
    """Add a staff member in the actor's scope; ValidationFailed lists every problem."""
    staff = StaffMember()
    _apply(actor, staff, data, today or date.today())
    db.session.add(staff)
    db.session.flush()
    audit.record(actor, "staff.create", "staff_member", staff.id, after=_snapshot(staff))
    return staff


def update_staff(
    actor: Any,
    staff: StaffMember,
    data: StaffInput,
    *,
    expected_version: int,
    today: date | None = None,
) -> StaffMember:
    """Change a staff record; a stale version (someone saved first) is a Conflict."""
    if expected_version != staff.version:
        raise Conflict("Someone else changed this staff record; reload it and try again")
    before = _snapshot(staff)
    _apply(actor, staff, data, today or date.today())
    db.session.flush()
    audit.record(
        actor, "staff.update", "staff_member", staff.id, before=before, after=_snapshot(staff)
    )
    return staff


def find_colleague(staff_number: str, provider_id: int) -> StaffMember | None:
    """A staff member of the same provider, by staff number (appraisers and line managers)."""
    found = db.session.scalar(
        select(StaffMember).where(StaffMember.staff_number == staff_number.strip())
    )
    if found is None or found.service_line.parent_id != provider_id:
        return None
    return found


def _apply(actor: Any, staff: StaffMember, data: StaffInput, today: date) -> None:
    problems: list[Problem] = []

    def problem(column: str, message: str, code: str = "invalid") -> None:
        problems.append(Problem(code, message, None, column))

    name = data.name.strip()
    if not name or len(name) > 200:
        problem("name", "Enter the name (up to 200 characters)", "required")
    number = data.staff_number.strip()
    if not STAFF_NUMBER_RE.fullmatch(number):
        problem("staff_number", "Staff numbers are 1–20 letters, digits or '-'", "bad_format")
    elif db.session.scalar(
        select(StaffMember.id).where(
            StaffMember.staff_number == number, StaffMember.id != (staff.id or 0)
        )
    ):
        problem("staff_number", f"Staff number {number} is already in use", "duplicate")
    group = data.professional_group
    body = data.registration_body.strip().upper()
    reg_number = rules.normalise_registration(data.registration_number)
    if group not in rules.PROFESSIONAL_GROUPS:
        problem("professional_group", "Choose a professional group")
    else:
        for column, message in rules.registration_problems(group, body, reg_number):
            problem(column, message, "bad_registration")
    band = data.band.strip()
    if not band or len(band) > 40:
        problem("band", "Enter the band or grade, e.g. Band 6 or Consultant", "required")
    if data.leadership_readiness not in rules.READINESS:
        problem("leadership_readiness", "Choose a readiness")
    line, ward = _place(actor, data, problem)
    manager = _line_manager(staff, data.line_manager_number, line, problem)
    for column, message in rules.staff_date_problems(
        today, data.start_date, data.left_on, data.revalidated_on
    ):
        problem(column, message, "bad_date")
    user_id = staff.user_id
    if data.user_email is not None:
        user_id = _linked_user_id(staff, data.user_email, problem)
    if problems:
        raise ValidationFailed("The staff record was not saved", problems)
    assert line is not None  # noqa: S101 - _place reported a problem otherwise
    staff.name, staff.staff_number, staff.band = name, number, band
    staff.professional_group = group
    staff.registration_body = body or None
    staff.registration_number = reg_number or None
    staff.service_line, staff.ward, staff.line_manager = line, ward, manager
    staff.start_date, staff.left_on = data.start_date, data.left_on
    staff.revalidated_on = data.revalidated_on
    staff.revalidation_due = rules.revalidation_due(group, data.revalidated_on)
    staff.leadership_aspiration = data.leadership_aspiration
    staff.leadership_readiness = data.leadership_readiness
    staff.leadership_actions = data.leadership_actions.strip() or None
    staff.user_id = user_id


def _place(
    actor: Any, data: StaffInput, problem: Any
) -> tuple[Organisation | None, Organisation | None]:
    line = db.session.get(Organisation, data.service_line_id) if data.service_line_id else None
    ward = db.session.get(Organisation, data.ward_id) if data.ward_id else None
    if line is None or line.kind != "service_line":
        problem("service_line_id", "Choose a service line")
        return None, None
    if data.ward_id and (ward is None or ward.kind != "ward" or ward.parent_id != line.id):
        problem("ward_id", f"Choose a ward of {line.name}, or none")
        return line, None
    home = ward or line
    if actor is not None and not org_in_scope(actor, home.id):
        column = "ward_id" if ward else "service_line_id"
        problem(column, "Choose a service line or ward you manage", "out_of_scope")
    return line, ward


def _line_manager(
    staff: StaffMember, number: str, line: Organisation | None, problem: Any
) -> StaffMember | None:
    if not number.strip() or line is None:
        return None
    manager = find_colleague(number, line.parent_id or 0)
    if manager is None:
        problem("line_manager_number", f"No staff member {number.strip()} in this trust")
        return None
    seen: set[int] = set()
    current: StaffMember | None = manager
    while current is not None and current.id not in seen:
        if staff.id is not None and current.id == staff.id:
            problem("line_manager_number", "A person cannot be their own (indirect) line manager")
            return None
        seen.add(current.id)
        current = current.line_manager
    return manager


def _linked_user_id(staff: StaffMember, email: str, problem: Any) -> int | None:
    email = email.strip().lower()
    if not email:
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        problem("user_email", f"No user has the e-mail address {email}")
        return None
    other = db.session.scalar(
        select(StaffMember.id).where(
            StaffMember.user_id == user.id, StaffMember.id != (staff.id or 0)
        )
    )
    if other:
        problem("user_email", f"{email} is already linked to another staff record", "duplicate")
        return None
    return user.id


def _snapshot(staff: StaffMember) -> dict[str, Any]:
    """The audited fields (no appraisal content lives on the staff record)."""
    keys = StaffInput.__dataclass_fields__.keys() - {"line_manager_number", "user_email"}
    data = {k: getattr(staff, k) for k in keys if hasattr(staff, k)}
    data["line_manager_id"], data["user_id"] = staff.line_manager_id, staff.user_id
    return data
