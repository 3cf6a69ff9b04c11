"""Ledger import: monthly actuals from a `cost_centre,month,category,amount` CSV, all or nothing.

Re-importing a month replaces, in one transaction, that month's actuals for each cost centre the
file carries for it. Amounts are positive in each line's natural direction (spend on expenditure
lines, income received on the income line); credits and reversals are negative.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.orm import selectinload

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.auth.permissions import org_in_scope
from qframe.budgets.calc import CATEGORIES, MONTH_NAMES
from qframe.budgets.models import BudgetActual, BudgetHolder, BudgetLine, LedgerImport
from qframe.budgets.services import check_year, current_year, ensure_line
from qframe.csvio import parse_pence, read_csv
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.periods.labels import BadPeriod, PeriodSpec, parse_period

COLUMNS = ("cost_centre", "month", "category", "amount")


@dataclass(frozen=True)
class LedgerRow:
    row: int
    cost_centre: str
    month: int  # April = 1
    category: str
    amount_pence: int


@dataclass
class CostCentreSummary:
    cost_centre: str
    name: str
    months: set[int] = field(default_factory=set)
    rows: int = 0
    total_pence: int = 0

    @property
    def month_labels(self) -> str:
        return ", ".join(MONTH_NAMES[m - 1][:3] for m in sorted(self.months))


@dataclass
class LedgerResult:
    """What a file did (or, for a preview, would do)."""

    year: str
    rows: int
    total_pence: int
    cost_centres: list[CostCentreSummary]
    replaced_rows: int
    new_lines: int
    dry_run: bool
    unchanged: bool = False
    import_id: int | None = None


def _month(text: str) -> PeriodSpec | None:
    try:
        spec = parse_period(text)
    except BadPeriod:
        return None
    return spec if spec.kind == "month" else None


def _infer_year(rows: list[tuple[int, dict[str, str]]], today: date) -> str:
    for _row, values in rows:
        if spec := _month(values["month"]):
            return spec.year
    return current_year(today)


def _parse(
    row: int, values: dict[str, str], year: str, today: date, problems: list[Problem]
) -> LedgerRow | None:
    start = len(problems)
    spec = _month(values["month"])
    if spec is None:
        problems.append(
            Problem(
                "bad_month", f"{values['month']!r} is not a month such as 2025-04", row, "month"
            )
        )
    elif spec.year != year:
        problems.append(
            Problem("month_outside_year", f"{spec.label} is not in {year}", row, "month")
        )
    elif spec.start > today:
        problems.append(Problem("future_month", f"{spec.label} has not started yet", row, "month"))
    if values["category"] not in CATEGORIES:
        known = ", ".join(CATEGORIES)
        problems.append(
            Problem(
                "unknown_category",
                f"Unknown category {values['category']!r}; categories are {known}",
                row,
                "category",
            )
        )
    amount = parse_pence(values["amount"])
    if amount is None:
        problems.append(
            Problem(
                "bad_amount",
                f"{values['amount']!r} is not an amount in pounds (e.g. 1234.56 or -50)",
                row,
                "amount",
            )
        )
    if not values["cost_centre"]:
        problems.append(Problem("required", "A cost centre is required", row, "cost_centre"))
    if len(problems) > start or spec is None or amount is None:
        return None
    month = (spec.start.month - 4) % 12 + 1
    return LedgerRow(row, values["cost_centre"], month, values["category"], amount)


def _check_file(
    table_rows: list[tuple[int, dict[str, str]]],
    rows: list[LedgerRow],
    holders: dict[str, BudgetHolder],
    actor: User | None,
) -> list[Problem]:
    """Cost centres on every row (even one with other problems), duplicates on parsed rows."""
    problems: list[Problem] = []
    for row, values in table_rows:
        code = values["cost_centre"]
        holder = holders.get(code)
        if code and holder is None:
            problems.append(
                Problem(
                    "unknown_cost_centre",
                    f"No budget holder has cost centre {code!r}",
                    row,
                    "cost_centre",
                )
            )
        elif holder is not None and actor is not None:
            if not org_in_scope(actor, holder.organisation_id):
                problems.append(
                    Problem(
                        "out_of_scope",
                        f"Cost centre {code} is outside your scope: the whole file is refused",
                        row,
                        "cost_centre",
                    )
                )
    seen: dict[tuple[str, int, str], int] = {}
    for r in rows:
        key = (r.cost_centre, r.month, r.category)
        if key in seen:
            problems.append(
                Problem(
                    "duplicate_row",
                    f"Same cost centre, month and category as row {seen[key]}",
                    r.row,
                    "category",
                )
            )
        seen.setdefault(key, r.row)
    return problems


def _pairs_clause(pairs: set[tuple[int, int]], year: str) -> ColumnElement[bool]:
    """Actuals of the (holder id, month) pairs in the file: one OR term per month."""
    by_month: dict[int, set[int]] = defaultdict(set)
    for holder_id, month in pairs:
        by_month[month].add(holder_id)
    lines = select(BudgetLine.id).where(BudgetLine.year == year)
    return or_(
        *(
            and_(
                BudgetActual.month == month,
                BudgetActual.line_id.in_(lines.where(BudgetLine.holder_id.in_(ids))),
            )
            for month, ids in sorted(by_month.items())
        )
    )


def import_ledger(
    actor: User | None,
    data: bytes,
    *,
    year: str | None = None,
    filename: str = "",
    dry_run: bool = False,
    today: date | None = None,
) -> LedgerResult:
    """Validate the whole file, then replace the months it carries (or only report, dry_run)."""
    today = today or date.today()
    table, problems = read_csv(data, required=COLUMNS)
    if problems:
        raise ValidationFailed("Nothing was imported: the file could not be read", problems)
    year = check_year(year or _infer_year(table.rows, today))
    rows = [r for r in (_parse(n, v, year, today, problems) for n, v in table.rows) if r]
    codes = {values["cost_centre"] for _row, values in table.rows}
    holders = {
        h.cost_centre: h
        for h in db.session.scalars(
            select(BudgetHolder)
            .where(BudgetHolder.cost_centre.in_(codes))
            .options(selectinload(BudgetHolder.organisation))
        )
    }
    problems += _check_file(table.rows, rows, holders, actor)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(f"Nothing was imported: {len(problems)} problem(s)", problems)
    pairs = {(holders[r.cost_centre].id, r.month) for r in rows}
    clause = _pairs_clause(pairs, year)
    lines = {
        (line.holder_id, line.category): line
        for line in db.session.scalars(
            select(BudgetLine).where(
                BudgetLine.year == year, BudgetLine.holder_id.in_({h for h, _ in pairs})
            )
        )
    }
    needed = {(holders[r.cost_centre].id, r.category) for r in rows}
    result = _summary(rows, holders, year, dry_run, len(needed - lines.keys()))
    content_hash = hashlib.sha256(data).hexdigest()
    existing = db.session.execute(
        select(BudgetActual.import_id, func.count()).where(clause).group_by(BudgetActual.import_id)
    ).all()
    result.replaced_rows = sum(count for _id, count in existing)
    prior = db.session.scalar(
        select(LedgerImport.id)
        .where(LedgerImport.content_hash == content_hash, LedgerImport.year == year)
        .order_by(LedgerImport.id.desc())
    )
    if prior is not None and [tuple(e) for e in existing] == [(prior, len(rows))]:
        result.unchanged, result.import_id = True, prior
        return result  # this very file is what the ledger already holds: change nothing
    if dry_run:
        return result
    return _apply(actor, rows, holders, lines, clause, result, content_hash, filename, pairs)


def _summary(
    rows: list[LedgerRow],
    holders: dict[str, BudgetHolder],
    year: str,
    dry_run: bool,
    new_lines: int,
) -> LedgerResult:
    by_code: dict[str, CostCentreSummary] = {}
    for r in rows:
        s = by_code.setdefault(
            r.cost_centre,
            CostCentreSummary(r.cost_centre, holders[r.cost_centre].organisation.name),
        )
        s.months.add(r.month)
        s.rows += 1
        s.total_pence += r.amount_pence
    return LedgerResult(
        year=year,
        rows=len(rows),
        total_pence=sum(r.amount_pence for r in rows),
        cost_centres=sorted(by_code.values(), key=lambda s: s.cost_centre),
        replaced_rows=0,
        new_lines=new_lines,
        dry_run=dry_run,
    )


def _apply(
    actor: User | None,
    rows: list[LedgerRow],
    holders: dict[str, BudgetHolder],
    lines: dict[tuple[int, str], BudgetLine],
    clause: ColumnElement[bool],
    result: LedgerResult,
    content_hash: str,
    filename: str,
    pairs: set[tuple[int, int]],
) -> LedgerResult:
    replaced = sorted([code, month] for code, month in _codes(pairs, holders))
    record = LedgerImport(
        year=result.year,
        content_hash=content_hash,
        filename=filename[:200],
        rows=len(rows),
        total_pence=result.total_pence,
        replaced=replaced,
        imported_by_id=actor.id if actor is not None else None,
    )
    db.session.add(record)
    for r in rows:
        key = (holders[r.cost_centre].id, r.category)
        if key not in lines:
            # Spend on a category with no budget still counts: it shows as an overspend.
            lines[key] = ensure_line(holders[r.cost_centre], result.year, r.category)
    db.session.flush()
    db.session.execute(delete(BudgetActual).where(clause))
    db.session.execute(
        insert(BudgetActual),
        [
            {
                "line_id": lines[(holders[r.cost_centre].id, r.category)].id,
                "month": r.month,
                "amount_pence": r.amount_pence,
                "import_id": record.id,
            }
            for r in rows
        ],
    )
    db.session.flush()
    result.import_id = record.id
    audit.record(
        actor,
        "budgets.import_ledger",
        "ledger_import",
        record.id,
        after={
            "year": result.year,
            "rows": len(rows),
            "total_pence": result.total_pence,
            "replaced_rows": result.replaced_rows,
            "cost_centres": len(result.cost_centres),
            "content_hash": content_hash,
        },
        detail=filename[:200] or None,
    )
    return result


def _codes(pairs: set[tuple[int, int]], holders: dict[str, BudgetHolder]) -> list[tuple[str, int]]:
    code_of = {h.id: code for code, h in holders.items()}
    return [(code_of[holder_id], month) for holder_id, month in pairs]
