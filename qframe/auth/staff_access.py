"""Who may see and change a staff member's record and appraisal content.

Content (summary, objectives, development plan) is for the person's managers in scope (a
clinical director over the service line, a nurse manager over the ward), admin, and the
person themself through a linked account. Everyone else sees appraisal rates only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

from qframe.appraisal.models import Appraisal, Objective, PdpItem, StaffMember
from qframe.auth.permissions import can
from qframe.auth.scope import get_owned_or_404, in_scope_clause
from qframe.errors import Forbidden, NotFound
from qframe.extensions import db


def is_manager(user: Any) -> bool:
    return can(user, "manage_staff")


def staff_in_scope_clause(user: Any) -> ColumnElement[bool]:
    """Staff whose ward (or, without one, service line) is in the user's scope."""
    return in_scope_clause(func.coalesce(StaffMember.ward_id, StaffMember.service_line_id), user)


def get_staff_or_404(staff_id: int, user: Any, *, manage: bool = False) -> StaffMember:
    """The staff member for a manager in scope, or for the person themself (when not managing).

    A manager's own record is theirs to read, not to manage: nobody appraises themself.
    """
    staff = db.session.get(StaffMember, staff_id)
    own = staff is not None and staff.user_id is not None and staff.user_id == user.id
    if own and not manage:
        return staff  # type: ignore[return-value]
    if not is_manager(user):
        raise Forbidden("Only the staff member's managers can see this record")
    staff = get_owned_or_404(StaffMember, staff_id, user, org_attr="home_org_id")
    if own:
        raise Forbidden("You cannot manage your own staff record or appraisal")
    return staff


def get_appraisal_or_404(appraisal_id: int, user: Any, *, manage: bool = False) -> Appraisal:
    appraisal = db.session.get(Appraisal, appraisal_id)
    if appraisal is None:
        if not is_manager(user):
            raise Forbidden("Only the staff member's managers can see this record")
        raise NotFound("No such appraisal")
    get_staff_or_404(appraisal.staff_id, user, manage=manage)
    return appraisal


def get_objective_or_404(objective_id: int, user: Any) -> Objective:
    return _child_or_404(Objective, objective_id, user)


def get_pdp_item_or_404(item_id: int, user: Any) -> PdpItem:
    return _child_or_404(PdpItem, item_id, user)


def _child_or_404[T: (Objective, PdpItem)](model: type[T], pk: int, user: Any) -> T:
    if not is_manager(user):
        raise Forbidden("Only the staff member's managers can change an appraisal")
    child = db.session.get(model, pk)
    if child is None:
        raise NotFound(f"No such {model.__name__.lower()}")
    get_appraisal_or_404(child.appraisal_id, user, manage=True)
    return child
