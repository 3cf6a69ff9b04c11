"""A provider's own award: only approved runs, only its own lines, and what it would have had
meeting every minimum standard (the policy's closed form with its gate 1 and its floor)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from qframe.auth.permissions import in_scope_clause, org_in_scope
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.optimiser import InfeasibleAllocation, Recipient, closed_form_allocation
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import parse_policy

PAID_STATUSES = ("approved", "superseded")


def visible_awards(user: Any) -> Select[AllocationLine]:
    """The user's organisations' lines in approved (and superseded) runs, newest first."""
    return (
        select(AllocationLine)
        .join(AllocationRun, AllocationRun.id == AllocationLine.run_id)
        .options(
            joinedload(AllocationLine.organisation),
            joinedload(AllocationLine.run).joinedload(AllocationRun.framework),
            joinedload(AllocationLine.run).joinedload(AllocationRun.period),
        )
        .where(
            AllocationRun.status.in_(PAID_STATUSES),
            in_scope_clause(AllocationLine.organisation_id, user),
        )
        .order_by(AllocationRun.approved_at.desc(), AllocationLine.id)
    )


def get_award_or_404(line_id: int, user: Any) -> AllocationLine:
    """A line of an approved or superseded run for an organisation in scope; else NotFound."""
    line = db.session.get(AllocationLine, line_id)
    if (
        line is None
        or line.run.status not in PAID_STATUSES
        or not org_in_scope(user, line.organisation_id)
    ):
        raise NotFound("No such award")
    return line


def full_standards_pence(line: AllocationLine) -> int | None:
    """The award had this provider met every minimum standard (others unchanged), or None
    when its floor would then not fit the pot."""
    run = line.run
    if not line.breaches:
        return line.amount_pence  # its inputs already are those of full standards
    floor = parse_policy(run.policy).floor_pence
    rows = db.session.execute(
        select(
            AllocationLine.id,
            AllocationLine.weight,
            AllocationLine.cap_pence,
            AllocationLine.floor_pence,
            AllocationLine.gate,
        ).where(AllocationLine.run_id == run.id)
    )
    recipients = []
    for line_id, weight, cap, line_floor, gate in rows:
        if line_id == line.id:
            line_floor, gate = min(floor, cap), Decimal(1)
        recipients.append(Recipient(str(line_id), weight, cap, line_floor, gate))
    try:
        _rate, amounts = closed_form_allocation(recipients, run.pot_pence)
    except InfeasibleAllocation:
        return None
    mine = next(i for i, r in enumerate(recipients) if r.key == str(line.id))
    return round(amounts[mine])


def what_held_it_back(line: AllocationLine) -> list[str]:
    """Plain statements of what capped or gated the award (empty: a full share)."""
    out = []
    if line.reason == "capped":
        out.append("It reached its cap, so the rest of the pot went to other providers.")
    if line.breaches:
        gate = "withheld" if line.gate == 0 else f"multiplied by {line.gate}"
        floor = (
            ", and the floor does not apply" if parse_policy(line.run.policy).floor_pence else ""
        )
        out.append(
            f"{line.breaches} minimum-standard breach{'es' if line.breaches != 1 else ''}: "
            f"its share was {gate}{floor}."
        )
    if line.reason == "ineligible":
        out.append("It had no weight to share by under the policy.")
    return out
