"""Budget holders and lines: scoped loading, opening a budget, funding, phasing, limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import func, select

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.auth.permissions import get_owned_or_404, org_in_scope
from qframe.budgets.calc import CATEGORIES, MONTHS, PhasingError, adjust_phasing
from qframe.budgets.models import HOLDER_KINDS, BudgetActual, BudgetHolder, BudgetLine, Virement
from qframe.errors import Conflict, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation
from qframe.periods.labels import BadPeriod, parse_period, year_label

DEFAULT_LIMITS = {"ward": 25_000_00, "service_line": 100_000_00}


def get_holder_or_404(holder_id: int, user: User) -> BudgetHolder:
    """The budget holder, if its organisation is in the user's scope; otherwise NotFound."""
    return get_owned_or_404(BudgetHolder, holder_id, user)


def get_line_or_404(line_id: int, user: User) -> BudgetLine:
    line = db.session.get(BudgetLine, line_id)
    if line is None or not org_in_scope(user, line.holder.organisation_id):
        raise NotFound("No such budget line")
    return line


def get_virement_or_404(virement_id: int, user: User) -> Virement:
    virement = db.session.get(Virement, virement_id)
    if virement is None or not org_in_scope(user, virement.holder.organisation_id):
        raise NotFound("No such virement")
    return virement


def current_year(today: date | None = None) -> str:
    today = today or date.today()
    return year_label(today.year if today.month >= 4 else today.year - 1)


def check_year(year: str) -> str:
    """A financial-year label such as 2025/26, else ValidationFailed."""
    try:
        spec = parse_period(year)
    except BadPeriod as error:
        raise ValidationFailed(
            str(error), [Problem("bad_year", str(error), None, "year")]
        ) from None
    if spec.kind != "year":
        raise ValidationFailed(f"{year!r} is not a financial year such as 2025/26")
    return spec.label


def budget_years(holder_ids: Sequence[int] | None = None) -> list[str]:
    """Years that have budget lines (newest first), for one set of holders or all."""
    stmt = select(BudgetLine.year).distinct().order_by(BudgetLine.year.desc())
    if holder_ids is not None:
        stmt = stmt.where(BudgetLine.holder_id.in_(holder_ids))
    return list(db.session.scalars(stmt))


def default_year(holder_ids: Sequence[int] | None = None) -> str:
    years = budget_years(holder_ids)
    return years[0] if years else current_year()


def closed_months(holder_id: int, year: str) -> int:
    """Months of the year with ledger actuals for this holder (April = 1); later months are open."""
    return int(
        db.session.execute(
            select(func.coalesce(func.max(BudgetActual.month), 0))
            .join(BudgetLine, BudgetLine.id == BudgetActual.line_id)
            .where(BudgetLine.holder_id == holder_id, BudgetLine.year == year)
        ).scalar_one()
    )


def holder_lines(holder_id: int, year: str) -> dict[str, BudgetLine]:
    stmt = select(BudgetLine).where(BudgetLine.holder_id == holder_id, BudgetLine.year == year)
    return {line.category: line for line in db.session.scalars(stmt)}


def ensure_line(holder: BudgetHolder, year: str, category: str) -> BudgetLine:
    """The holder's line for the category and year, created with a zero budget if missing."""
    if category not in CATEGORIES:
        raise ValidationFailed(f"Unknown budget category {category!r}")
    line = db.session.scalar(
        select(BudgetLine).where(
            BudgetLine.holder_id == holder.id,
            BudgetLine.year == year,
            BudgetLine.category == category,
        )
    )
    if line is None:
        line = BudgetLine(holder=holder, year=year, category=category)
        line.phases = [0] * MONTHS
        db.session.add(line)
        db.session.flush()
    return line


def check_versions(lines: Sequence[BudgetLine], expected: Mapping[int, int] | None) -> None:
    """Conflict if any line changed (or appeared) since the form showing it was drawn."""
    if expected is None:
        return
    for line in lines:
        if expected.get(line.id) != line.version:
            raise Conflict(
                f"The {line.label} budget changed since you opened this page; reload and try again"
            )


def open_holder(
    actor: User | None, org: Organisation, delegated_limit_pence: int | None = None
) -> BudgetHolder:
    """Make a service line or ward a budget holder, its cost centre being its code."""
    if org.kind not in HOLDER_KINDS:
        raise ValidationFailed(f"Only service lines and wards hold budgets, not a {org.kind_label}")
    if db.session.scalar(select(BudgetHolder).where(BudgetHolder.organisation_id == org.id)):
        raise Conflict(f"{org.name} already holds a budget")
    limit = DEFAULT_LIMITS[org.kind] if delegated_limit_pence is None else delegated_limit_pence
    holder = BudgetHolder(organisation=org, cost_centre=org.code, delegated_limit_pence=limit)
    db.session.add(holder)
    db.session.flush()
    audit.record(
        actor,
        "budgets.open_holder",
        "budget_holder",
        holder.id,
        after={"cost_centre": holder.cost_centre, "delegated_limit_pence": limit},
    )
    return holder


def set_delegated_limit(
    actor: User, holder: BudgetHolder, limit_pence: int, expected_version: int
) -> BudgetHolder:
    """Finance sets how much the holder may move without approval."""
    if limit_pence < 0:
        raise ValidationFailed("The delegated limit cannot be negative")
    if holder.version != expected_version:
        raise Conflict("This budget holder changed since you opened the page; reload and try again")
    before = holder.delegated_limit_pence
    holder.delegated_limit_pence = limit_pence
    db.session.flush()
    audit.record(
        actor,
        "budgets.delegated_limit",
        "budget_holder",
        holder.id,
        before={"delegated_limit_pence": before},
        after={"delegated_limit_pence": limit_pence},
    )
    return holder


def adjust_funding(
    actor: User | None,
    holder: BudgetHolder,
    year: str,
    category: str,
    delta_pence: int,
    reason: str,
    expected_versions: Mapping[int, int] | None = None,
    action: str = "budgets.funding",
) -> BudgetLine:
    """Finance adds (or removes) funding: the only way a holder's total changes."""
    if delta_pence == 0:
        raise ValidationFailed("Enter an amount other than zero")
    if not reason.strip():
        raise ValidationFailed("Give a reason for the change in funding")
    existing = holder_lines(holder.id, year).get(category)
    if existing is not None:
        check_versions([existing], expected_versions)
    line = existing or ensure_line(holder, year, category)
    before = {"annual_pence": line.annual_pence, "phases": line.phases}
    try:
        line.phases = adjust_phasing(line.phases, delta_pence, closed_months(holder.id, year))
    except PhasingError as error:
        raise ValidationFailed(f"{error} (the {line.label} line)") from None
    db.session.flush()
    audit.record(
        actor,
        action,
        "budget_line",
        line.id,
        before=before,
        after={"annual_pence": line.annual_pence, "phases": line.phases},
        detail=reason.strip()[:2000],
    )
    return line


def set_phasing(
    actor: User, line: BudgetLine, amounts: Sequence[int], expected_version: int
) -> BudgetLine:
    """Re-profile a line's months; the annual budget must not change (that is funding)."""
    if line.version != expected_version:
        raise Conflict("This budget line changed since you opened it; reload and try again")
    problems = [
        Problem("negative", "A month's budget cannot be negative", None, f"month_{m}")
        for m, amount in enumerate(amounts, start=1)
        if amount < 0
    ]
    if len(amounts) != MONTHS:
        problems.append(Problem("months", "Twelve monthly amounts are required"))
    elif sum(amounts) != line.annual_pence:
        problems.append(
            Problem(
                "total", "The months must add up to the annual budget (use funding to change it)"
            )
        )
    closed = closed_months(line.holder_id, line.year)
    if not problems and list(amounts[:closed]) != line.phases[:closed]:
        problems.append(Problem("closed", "Months that have actuals cannot be re-phased"))
    if problems:
        raise ValidationFailed("The phasing was not changed", problems)
    before = line.phases
    line.phases = list(amounts)
    db.session.flush()
    audit.record(
        actor,
        "budgets.phasing",
        "budget_line",
        line.id,
        before={"phases": before},
        after={"phases": line.phases},
    )
    return line
