"""Virements: a holder moves budget between its own expenditure lines; finance approves big ones.

Only the open months (after the last month with actuals) are re-phased, so the year-to-date
budget never changes retrospectively, and the holder's total never changes at all.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.auth.permissions import can, org_in_scope
from qframe.budgets.calc import PhasingError, adjust_phasing
from qframe.budgets.models import BudgetHolder, BudgetLine, Virement
from qframe.budgets.services import check_versions, closed_months
from qframe.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.notifications import events
from qframe.web.templating import money


def remaining_budget(line: BudgetLine, closed: int) -> int:
    """Budget phased into the months that have no actuals yet: what a virement can move."""
    return sum(line.phases[closed:])


def _refuse(message: str, column: str) -> ValidationFailed:
    return ValidationFailed(message, [Problem("virement", message, None, column)])


def _load_lines(
    holder: BudgetHolder, year: str, from_line_id: int, to_line_id: int
) -> tuple[BudgetLine, BudgetLine]:
    if from_line_id == to_line_id:
        raise _refuse("Choose two different budget lines", "to_line")
    lines = {
        line.id: line
        for line in db.session.scalars(
            select(BudgetLine).where(BudgetLine.id.in_((from_line_id, to_line_id)))
        )
    }
    source, target = lines.get(from_line_id), lines.get(to_line_id)
    if source is None or target is None:
        raise _refuse("No such budget line", "from_line" if source is None else "to_line")
    for line in (source, target):
        if line.holder_id != holder.id or line.year != year:
            raise _refuse(
                "A virement moves money between one holder's own lines in one year; "
                "moving money between holders is a finance funding change",
                "to_line" if line is target else "from_line",
            )
        if line.is_income:
            raise _refuse(
                "Income targets are set by finance: virements move expenditure budgets only",
                "to_line" if line is target else "from_line",
            )
    return source, target


def _check_amount(source: BudgetLine, amount_pence: int, closed: int) -> None:
    if amount_pence == 0:
        raise _refuse("A virement of zero moves nothing: enter an amount", "amount")
    if amount_pence < 0:
        raise _refuse(
            "Enter a positive amount; to move money the other way, swap the lines", "amount"
        )
    left = remaining_budget(source, closed)
    if amount_pence > left:
        raise _refuse(
            f"{money(amount_pence)} is more than the {money(left)} left on {source.label} "
            "for the rest of the year",
            "amount",
        )


def request_virement(
    actor: User,
    holder: BudgetHolder,
    year: str,
    *,
    from_line_id: int,
    to_line_id: int,
    amount_pence: int,
    reason: str,
    expected_versions: Mapping[int, int] | None = None,
) -> Virement:
    """Move money now if this month's delegated total stays within the limit, else queue it
    for finance."""
    source, target = _load_lines(holder, year, from_line_id, to_line_id)
    check_versions([source, target], expected_versions)
    closed = closed_months(holder.id, year)
    _check_amount(source, amount_pence, closed)
    if not reason.strip():
        raise _refuse("Say why the money is being moved", "reason")
    delegated_so_far = _delegated_this_month(holder)
    within = delegated_so_far + amount_pence <= holder.delegated_limit_pence
    virement = Virement(
        holder=holder,
        year=year,
        from_line=source,
        to_line=target,
        amount_pence=amount_pence,
        reason=reason.strip()[:500],
        status="applied" if within else "pending",
        requested_by_id=actor.id,
    )
    db.session.add(virement)
    if within:
        _move(virement, closed)
        virement.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "budgets.virement.request",
        "virement",
        virement.id,
        after=_snapshot(virement),
        detail=f"delegated limit {money(holder.delegated_limit_pence)} a month; "
        f"{money(delegated_so_far)} already moved under it this month",
    )
    if virement.status == "pending":
        events.virement_pending(virement, holder.organisation)
    return virement


def _delegated_this_month(holder: BudgetHolder) -> int:
    """Pence this holder moved without finance this calendar month (UTC): the limit is a running
    total, so it cannot be split into many small virements that finance never sees."""
    # Lock the holder first (PostgreSQL; SQLite's write lock already serialises writers) so
    # two simultaneous virements cannot both fit under what is left.
    db.session.execute(
        select(BudgetHolder.id).where(BudgetHolder.id == holder.id).with_for_update()
    )
    now = utcnow()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    total = db.session.scalar(
        select(func.coalesce(func.sum(Virement.amount_pence), 0)).where(
            Virement.holder_id == holder.id,
            Virement.status == "applied",
            Virement.requested_at >= month_start,
        )
    )
    return int(total or 0)


def decide_virement(
    actor: User, virement: Virement, *, approve: bool, comment: str, expected_version: int
) -> Virement:
    """Finance (in scope, not the requester) approves — moving the money — or rejects."""
    if not can(actor, "manage_budgets"):
        raise Forbidden("Only finance can approve or reject virements")
    if not org_in_scope(actor, virement.holder.organisation_id):
        raise NotFound("No such virement")
    if virement.version != expected_version:
        raise Conflict("This virement changed since you opened it; reload and try again")
    if virement.status != "pending":
        raise Conflict(f"This virement has already been {virement.status}")
    if virement.requested_by_id == actor.id:
        raise Forbidden("You cannot approve or reject a virement you requested")
    if not approve and not comment.strip():
        raise _refuse("Say why the virement is rejected", "comment")
    before = _snapshot(virement)
    if approve:
        closed = closed_months(virement.holder_id, virement.year)
        _check_amount(virement.from_line, virement.amount_pence, closed)
        _move(virement, closed)
    virement.status = "approved" if approve else "rejected"
    virement.decided_by_id, virement.decided_at = actor.id, utcnow()
    virement.decision_comment = comment.strip()[:500] or None
    db.session.flush()
    audit.record(
        actor,
        f"budgets.virement.{virement.status}",
        "virement",
        virement.id,
        before=before,
        after=_snapshot(virement),
        detail=virement.decision_comment,
    )
    return virement


def _move(virement: Virement, closed: int) -> None:
    try:
        source = adjust_phasing(virement.from_line.phases, -virement.amount_pence, closed)
        target = adjust_phasing(virement.to_line.phases, virement.amount_pence, closed)
    except PhasingError as error:
        raise _refuse(str(error), "amount") from None
    virement.from_line.phases, virement.to_line.phases = source, target


def _snapshot(v: Virement) -> dict[str, object]:
    return {
        "holder": v.holder.cost_centre,
        "year": v.year,
        "from": v.from_line.category,
        "to": v.to_line.category,
        "amount_pence": v.amount_pence,
        "status": v.status,
        "from_annual_pence": v.from_line.annual_pence,
        "to_annual_pence": v.to_line.annual_pence,
    }
