"""Service-line runs: each provider's award split by the points its service lines earned, and
credited to the service lines' quality reinvestment budgets when the run is approved.

qframe rules: a service line's points are the sum of its rows in the final score run (its own
indicators and its wards' indicators rolled up to it); a provider whose service lines earned no
points (or that has none) keeps its award as one provider row. On approval each service line is
credited what its award exceeds the credits earlier approved runs of the same framework, period
and commissioner already made, so a correction never pays twice; a decrease cannot be credited
(budgets takes no negative credits) and is reported for finance to adjust.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, insert, select

from qframe.auth.models import User
from qframe.budgets.models import BudgetHolder, Reinvestment
from qframe.budgets.reinvestment import credit_reinvestment
from qframe.extensions import db
from qframe.money import split_pence
from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationRun, AllocationSplit
from qframe.scoring.models import Score

Line = tuple[int, str, Decimal]  # service line id, code, points


def split_by_points(amount: int, points: Sequence[Decimal], keys: Sequence[str]) -> list[int]:
    """Whole pence in proportion to points, adding up to `amount`; ties go to the smaller key."""
    if sum(points, Decimal(0)) <= 0:
        raise ValueError("nothing to split by: the points add up to zero")
    order = sorted(range(len(points)), key=keys.__getitem__)
    shares = split_pence(amount, [points[i] for i in order])
    pence = [0] * len(points)
    for rank, i in enumerate(order):
        pence[i] = shares[rank]
    return pence


def service_lines(score_run_id: int) -> dict[int, list[Line]]:
    """Each provider's service lines in the score run with the points they earned, by code."""
    stmt = (
        select(Organisation.id, Organisation.code, Organisation.parent_id, func.sum(Score.points))
        .join(Score, Score.organisation_id == Organisation.id)
        .where(Score.run_id == score_run_id, Organisation.kind == "service_line")
        .group_by(Organisation.id, Organisation.code, Organisation.parent_id)
        .order_by(Organisation.code)
    )
    found: dict[int, list[Line]] = {}
    for org_id, code, parent, points in db.session.execute(stmt):
        assert parent is not None  # noqa: S101 - a service line always sits under a provider
        found.setdefault(parent, []).append((org_id, code, Decimal(repr(float(points or 0)))))
    return found


def write_splits(run: AllocationRun, awards: Sequence[tuple[int, int, int]]) -> int:
    """Store the split of each (line id, provider id, pence) award; returns the rows written."""
    lines_of = service_lines(run.score_run_id)
    rows = []
    for line_id, provider_id, amount in awards:
        lines = lines_of.get(provider_id, [])
        points = [p for _, _, p in lines]
        if not lines or sum(points, Decimal(0)) <= 0:
            rows.append((line_id, provider_id, Decimal(0), amount))
            continue
        shares = split_by_points(amount, points, [code for _, code, _ in lines])
        rows += [(line_id, org, p, s) for (org, _c, p), s in zip(lines, shares, strict=True)]
    if rows:
        db.session.execute(
            insert(AllocationSplit.__table__),
            [
                {
                    "run_id": run.id,
                    "line_id": line,
                    "organisation_id": org,
                    "points": str(p),
                    "amount_pence": pence,
                }
                for line, org, p, pence in rows
            ],
        )
    return len(rows)


def credit_service_lines(actor: User | None, run: AllocationRun) -> tuple[int, int]:
    """Credit the run's service-line awards to their budgets; (pence credited, pence short)."""
    awards = dict(
        db.session.execute(
            select(AllocationSplit.organisation_id, AllocationSplit.amount_pence)
            .join(Organisation, Organisation.id == AllocationSplit.organisation_id)
            .where(AllocationSplit.run_id == run.id, Organisation.kind == "service_line")
        ).all()
    )
    earlier = select(AllocationRun.id).where(
        AllocationRun.framework_id == run.framework_id,
        AllocationRun.period_id == run.period_id,
        AllocationRun.commissioner_id.is_(None)
        if run.commissioner_id is None
        else AllocationRun.commissioner_id == run.commissioner_id,
        AllocationRun.status.in_(("approved", "superseded")),
        AllocationRun.id != run.id,
    )
    # PostgreSQL sums a BIGINT as NUMERIC (Decimal): pence are ints here
    already = {
        org: int(total)
        for org, total in db.session.execute(
            select(BudgetHolder.organisation_id, func.sum(Reinvestment.amount_pence))
            .join(BudgetHolder, BudgetHolder.id == Reinvestment.holder_id)
            .where(Reinvestment.allocation_run_id.in_(earlier))
            .group_by(BudgetHolder.organisation_id)
        )
    }
    credits = [
        (org, amount - already.get(org, 0))
        for org, amount in sorted(awards.items())
        if amount > already.get(org, 0)
    ]
    short = sum(max(0, already.get(org, 0) - amount) for org, amount in awards.items())
    short += sum(paid for org, paid in already.items() if org not in awards)
    if credits:
        credit_reinvestment(actor, run.id, credits, run.period.year)
    return sum(amount for _, amount in credits), short
