"""Reward reinvestment: an approved allocation run credits each service line's quality line.

The rewards feature calls `credit_reinvestment` when a run is approved. Each (run, holder) pair
is credited at most once — checked here and guaranteed by a unique constraint — so approving
twice, or retrying after a failure, never pays twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from qframe.auth.models import User
from qframe.budgets.models import HOLDER_KINDS, BudgetHolder, Reinvestment
from qframe.budgets.services import adjust_funding, check_year, open_holder
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation

CATEGORY = "quality_reinvestment"


def _problems(credits: Sequence[tuple[int, int]], orgs: dict[int, Organisation]) -> list[Problem]:
    problems, seen = [], set()
    for n, (org_id, amount) in enumerate(credits, start=1):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            problems.append(
                Problem("bad_amount", "Credits are whole pence, zero or more", n, "amount")
            )
        org = orgs.get(org_id)
        if org is None or org.kind not in HOLDER_KINDS:
            problems.append(
                Problem(
                    "not_a_holder",
                    f"Organisation {org_id} is not a service line or ward",
                    n,
                    "organisation",
                )
            )
        if org_id in seen:
            problems.append(
                Problem("duplicate", f"Organisation {org_id} is credited twice", n, "organisation")
            )
        seen.add(org_id)
    return problems


def credit_reinvestment(
    actor: User | None,
    allocation_run_id: int,
    credits: list[tuple[int, int]],
    year: str,
) -> list[Reinvestment]:
    """Credit each (service line org id, pence) once per run; returns the run's credits."""
    year = check_year(year)
    org_ids = [org_id for org_id, _ in credits]
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
    }
    problems = _problems(credits, orgs)
    if problems:
        raise ValidationFailed("No reinvestment was credited", problems)
    holders = {
        h.organisation_id: h
        for h in db.session.scalars(
            select(BudgetHolder).where(BudgetHolder.organisation_id.in_(org_ids))
        )
    }
    done = {
        r.holder_id: r
        for r in db.session.scalars(
            select(Reinvestment).where(Reinvestment.allocation_run_id == allocation_run_id)
        )
    }
    for org_id, amount in credits:
        holder = holders.get(org_id) or open_holder(actor, orgs[org_id])
        if amount == 0 or holder.id in done:
            continue
        line = adjust_funding(
            actor,
            holder,
            year,
            CATEGORY,
            amount,
            f"Quality reinvestment from reward allocation run {allocation_run_id}",
            action="budgets.reinvestment",
        )
        done[holder.id] = Reinvestment(
            allocation_run_id=allocation_run_id,
            holder_id=holder.id,
            line_id=line.id,
            year=year,
            amount_pence=amount,
        )
        db.session.add(done[holder.id])
        db.session.flush()
    return sorted(done.values(), key=lambda r: r.holder_id)
