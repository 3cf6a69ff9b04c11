"""What the pages and exports read: run lists, totals, lines, comparisons, the payment schedule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from qframe.auth.permissions import in_scope_clause
from qframe.extensions import db
from qframe.money import pence_to_pounds
from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationLine, AllocationRun, AllocationSplit

PER_PAGE = 100
CSV_HEADER = ["org_code", "weight", "cap", "floor", "gate", "amount", "reason"]


def visible_runs(user: Any) -> Select[AllocationRun]:
    """Runs whose commissioner is in the user's scope, newest first."""
    return (
        select(AllocationRun)
        .options(joinedload(AllocationRun.framework), joinedload(AllocationRun.period))
        .where(in_scope_clause(AllocationRun.commissioner_id, user))
        .order_by(AllocationRun.created_at.desc(), AllocationRun.id.desc())
    )


@dataclass(frozen=True)
class ReasonTotal:
    reason: str
    count: int
    pence: int


def reason_totals(run: AllocationRun) -> list[ReasonTotal]:
    """How many recipients got each reason, and how much went to them."""
    rows = db.session.execute(
        select(AllocationLine.reason, func.count(), func.sum(AllocationLine.amount_pence))
        .where(AllocationLine.run_id == run.id)
        .group_by(AllocationLine.reason)
        .order_by(AllocationLine.reason)
    )
    return [ReasonTotal(reason, count, int(pence or 0)) for reason, count, pence in rows]


def lines_page(run: AllocationRun, page: int) -> tuple[list[AllocationLine], bool]:
    """One page of a run's lines, largest award first, with whether there are more."""
    found = list(
        db.session.scalars(
            select(AllocationLine)
            .options(joinedload(AllocationLine.organisation))
            .where(AllocationLine.run_id == run.id)
            .order_by(AllocationLine.amount_pence.desc(), AllocationLine.id)
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    return found[:PER_PAGE], len(found) > PER_PAGE


def splits_of(run: AllocationRun, line_ids: list[int]) -> dict[int, list[AllocationSplit]]:
    """The service-line splits of some lines, by line id."""
    if not run.by_service_line or not line_ids:
        return {}
    found: dict[int, list[AllocationSplit]] = {}
    for split in db.session.scalars(
        select(AllocationSplit)
        .options(joinedload(AllocationSplit.organisation))
        .where(AllocationSplit.line_id.in_(line_ids))
        .order_by(AllocationSplit.id)
    ):
        found.setdefault(split.line_id, []).append(split)
    return found


def schedule_rows(run: AllocationRun) -> Iterator[list[Any]]:
    """formats.md allocation CSV rows; in service-line runs one row per service line (weight =
    its points; cap, floor, gate and reason are its provider's) and a provider_code column."""
    if run.by_service_line:
        stmt = (
            select(
                Organisation.code,
                AllocationSplit.points,
                AllocationLine.cap_pence,
                AllocationLine.floor_pence,
                AllocationLine.gate,
                AllocationSplit.amount_pence,
                AllocationLine.reason,
                AllocationLine.organisation_id,
            )
            .join(AllocationSplit, AllocationSplit.organisation_id == Organisation.id)
            .join(AllocationLine, AllocationLine.id == AllocationSplit.line_id)
            .where(AllocationSplit.run_id == run.id)
        )
        providers = dict(
            db.session.execute(
                select(AllocationLine.organisation_id, Organisation.code)
                .join(Organisation, Organisation.id == AllocationLine.organisation_id)
                .where(AllocationLine.run_id == run.id)
            ).all()
        )
    else:
        stmt = (
            select(
                Organisation.code,
                AllocationLine.weight,
                AllocationLine.cap_pence,
                AllocationLine.floor_pence,
                AllocationLine.gate,
                AllocationLine.amount_pence,
                AllocationLine.reason,
                AllocationLine.organisation_id,
            )
            .join(AllocationLine, AllocationLine.organisation_id == Organisation.id)
            .where(AllocationLine.run_id == run.id)
        )
        providers = {}
    for code, weight, cap, floor, gate, amount, reason, provider in db.session.execute(
        stmt.order_by(Organisation.code)
    ):
        row: list[Any] = [
            code,
            str(weight),
            pence_to_pounds(cap),
            pence_to_pounds(floor),
            str(gate),
        ]
        row += [pence_to_pounds(amount), reason]
        yield [*row, providers[provider]] if run.by_service_line else row


def schedule_header(run: AllocationRun) -> list[str]:
    return [*CSV_HEADER, "provider_code"] if run.by_service_line else CSV_HEADER


@dataclass(frozen=True)
class Change:
    code: str
    name: str
    before: int | None
    after: int | None

    @property
    def difference(self) -> int:
        return (self.after or 0) - (self.before or 0)


def compare_runs(first: AllocationRun, second: AllocationRun) -> list[Change]:
    """Every provider in either run with its award in each, largest change first."""
    amounts: dict[int, list[int | None]] = {}
    names: dict[int, tuple[str, str]] = {}
    for slot, run in enumerate((first, second)):
        rows = db.session.execute(
            select(
                AllocationLine.organisation_id,
                Organisation.code,
                Organisation.name,
                AllocationLine.amount_pence,
            )
            .join(Organisation, Organisation.id == AllocationLine.organisation_id)
            .where(AllocationLine.run_id == run.id)
        )
        for org, code, name, amount in rows:
            amounts.setdefault(org, [None, None])[slot] = amount
            names[org] = (code, name)
    changes = [Change(*names[org], *pair) for org, pair in amounts.items()]
    return sorted(changes, key=lambda c: (-abs(c.difference), c.code))
