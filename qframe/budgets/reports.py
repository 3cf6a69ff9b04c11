"""Budget reports: a holder's position, a provider's holders, and the overspend signal.

Everything is loaded in a fixed number of queries (lines, then actuals), whatever the number of
lines, months or holders; the arithmetic is `qframe.budgets.calc`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from qframe.auth.models import User
from qframe.auth.permissions import in_scope_clause
from qframe.budgets.calc import CATEGORIES, MONTHS, Position, describe, level, line_position
from qframe.budgets.calc import net_position as net
from qframe.budgets.chart import BurnChart, burn_chart
from qframe.budgets.models import BudgetActual, BudgetHolder, BudgetLine, Virement
from qframe.extensions import db
from qframe.orgs.models import Organisation

DEFAULT_FLAG_PERCENT = Decimal(5)
ORDER = {code: n for n, code in enumerate(CATEGORIES)}


def flag_percent() -> Decimal:
    """BUDGET_OVERSPEND_FLAG_PERCENT (default 5): overspend beyond it is flagged to finance."""
    if not has_app_context():
        return DEFAULT_FLAG_PERCENT
    return Decimal(str(current_app.config.get("BUDGET_OVERSPEND_FLAG_PERCENT", 5)))


@dataclass(frozen=True)
class LineReport:
    line: BudgetLine
    position: Position
    actuals: tuple[int, ...]  # twelve months, 0 where none posted
    posted: tuple[bool, ...]  # which months the ledger has a row for
    status: str
    level: str


@dataclass(frozen=True)
class HolderReport:
    holder: BudgetHolder
    year: str
    closed: int
    lines: list[LineReport]
    total: Position
    total_status: str
    total_level: str
    chart: BurnChart
    net_budget_by_month: tuple[int, ...]
    net_actual_by_month: tuple[int, ...]


def _actuals_by_line(line_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    ids = list(line_ids)
    found: dict[int, dict[int, int]] = defaultdict(dict)
    if not ids:
        return found
    stmt = select(BudgetActual.line_id, BudgetActual.month, BudgetActual.amount_pence).where(
        BudgetActual.line_id.in_(ids)
    )
    for line_id, month, amount in db.session.execute(stmt):
        found[line_id][month] = amount
    return found


def _line_reports(
    lines: Sequence[BudgetLine], actuals: dict[int, dict[int, int]], flag: Decimal
) -> tuple[list[LineReport], int]:
    closed = max((m for line in lines for m in actuals.get(line.id, {})), default=0)
    reports = []
    for line in sorted(lines, key=lambda x: ORDER.get(x.category, 99)):
        posted = actuals.get(line.id, {})
        months = tuple(posted.get(m, 0) for m in range(1, MONTHS + 1))
        p = line_position(line.category, line.phases, months, closed)
        reports.append(
            LineReport(
                line=line,
                position=p,
                actuals=months,
                posted=tuple(m in posted for m in range(1, MONTHS + 1)),
                status=describe(p),
                level=level(p, flag),
            )
        )
    return reports, closed


def holder_report(holder: BudgetHolder, year: str) -> HolderReport:
    """Year-to-date, forecast, status words and burn chart for one holder (two queries)."""
    lines = list(
        db.session.scalars(
            select(BudgetLine).where(BudgetLine.holder_id == holder.id, BudgetLine.year == year)
        )
    )
    flag = flag_percent()
    reports, closed = _line_reports(lines, _actuals_by_line(x.id for x in lines), flag)
    total = net([r.position for r in reports], closed)

    def signed(r: LineReport, amount: int) -> int:
        return -amount if r.position.income else amount

    budget = tuple(sum(signed(r, r.line.phases[m]) for r in reports) for m in range(MONTHS))
    actual = tuple(sum(signed(r, r.actuals[m]) for r in reports) for m in range(MONTHS))
    return HolderReport(
        holder=holder,
        year=year,
        closed=closed,
        lines=reports,
        total=total,
        total_status=describe(total),
        total_level=level(total, flag),
        chart=burn_chart(budget, actual, closed, total.forecast),
        net_budget_by_month=budget,
        net_actual_by_month=actual,
    )


def holder_virements(holder: BudgetHolder, year: str) -> list[Virement]:
    stmt = (
        select(Virement)
        .where(Virement.holder_id == holder.id, Virement.year == year)
        .options(selectinload(Virement.requested_by), selectinload(Virement.decided_by))
        .order_by(Virement.id.desc())
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class HolderPosition:
    holder: BudgetHolder
    total: Position
    closed: int
    flagged: bool
    level: str
    worst: str  # the most adverse line's status, for the finance table


def positions(holders: Sequence[BudgetHolder], year: str) -> list[HolderPosition]:
    """Every holder's net position for the year, in three queries whatever their number."""
    by_holder: dict[int, list[BudgetLine]] = defaultdict(list)
    if holders:
        stmt = select(BudgetLine).where(
            BudgetLine.year == year, BudgetLine.holder_id.in_([h.id for h in holders])
        )
        for line in db.session.scalars(stmt):
            by_holder[line.holder_id].append(line)
    actuals = _actuals_by_line(line.id for group in by_holder.values() for line in group)
    flag = flag_percent()
    result = []
    for holder in holders:
        reports, closed = _line_reports(by_holder.get(holder.id, []), actuals, flag)
        total = net([r.position for r in reports], closed)
        adverse = sorted(
            (r for r in reports if r.position.variance < 0), key=lambda r: r.position.variance
        )
        result.append(
            HolderPosition(
                holder=holder,
                total=total,
                closed=closed,
                flagged=level(total, flag) == "bad",
                level=level(total, flag),
                worst=adverse[0].status if adverse else "",
            )
        )
    return result


def provider_holders(provider_ids: Iterable[int]) -> list[BudgetHolder]:
    """Holders whose service line, or whose ward's service line, belongs to the providers."""
    ids = list(provider_ids)
    lines = select(Organisation.id).where(
        Organisation.parent_id.in_(ids), Organisation.kind == "service_line"
    )
    stmt = (
        select(BudgetHolder)
        .join(Organisation, Organisation.id == BudgetHolder.organisation_id)
        .where(or_(Organisation.id.in_(lines), Organisation.parent_id.in_(lines)))
        .options(selectinload(BudgetHolder.organisation))
        .order_by(BudgetHolder.cost_centre)
    )
    return list(db.session.scalars(stmt))


def overspend_signals(provider_ids: Iterable[int], year: str) -> dict[int, float]:
    """Organisation id → net overspend as % of year-to-date budget (negative = underspent).

    For the escalation ladder: quality and financial failure travel together. Holders with no
    year-to-date budget (no actuals yet, or nothing budgeted) have no signal and are left out.
    """
    signals = {}
    for p in positions(provider_holders(provider_ids), year):
        over = p.total.overspend_percent
        if over is not None:
            signals[p.holder.organisation_id] = round(float(over), 2)
    return signals


def pending_virements(user: User) -> list[Virement]:
    """Virements waiting for finance, for every holder in the user's scope, oldest first."""
    in_scope = select(BudgetHolder.id).where(in_scope_clause(BudgetHolder.organisation_id, user))
    stmt = (
        select(Virement)
        .where(Virement.status == "pending", Virement.holder_id.in_(in_scope))
        .options(
            selectinload(Virement.holder).selectinload(BudgetHolder.organisation),
            selectinload(Virement.from_line),
            selectinload(Virement.to_line),
            selectinload(Virement.requested_by),
        )
        .order_by(Virement.requested_at)
    )
    return list(db.session.scalars(stmt))


def orgs_without_budget(provider_id: int) -> list[Organisation]:
    """The provider's service lines and wards that do not hold a budget yet (one query)."""
    lines = select(Organisation.id).where(
        Organisation.parent_id == provider_id, Organisation.kind == "service_line"
    )
    held = select(BudgetHolder.organisation_id)
    stmt = (
        select(Organisation)
        .where(
            or_(Organisation.id.in_(lines), Organisation.parent_id.in_(lines)),
            Organisation.id.not_in(held),
        )
        .order_by(Organisation.code)
    )
    return list(db.session.scalars(stmt))
