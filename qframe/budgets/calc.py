"""Pure budget arithmetic: phasing, year-to-date position, forecast outturn and status words.

No Flask, no SQLAlchemy: plain integers (pence) in, frozen dataclasses out. Variances are
signed so that positive is favourable for every line (underspent, or income above plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from qframe.money import split_pence

MONTHS = 12
MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)
CATEGORIES = {
    "pay_medical": "medical pay",
    "pay_nursing": "nursing pay",
    "pay_other": "other pay",
    "nonpay_drugs": "drugs",
    "nonpay_clinical_supplies": "clinical supplies",
    "nonpay_other": "other non-pay",
    "income": "income",
    "quality_reinvestment": "quality reinvestment",
}
# More income than planned is good: these lines read the other way round.
INCOME_CATEGORIES = frozenset({"income"})


class PhasingError(ValueError):
    """A phasing change that cannot be made (it would take a month below zero)."""


def phase_evenly(annual: int) -> list[int]:
    """Twelve monthly amounts, 1/12 each, adding up exactly to the annual budget."""
    return split_pence(annual, [1] * MONTHS)


def adjust_phasing(phases: Sequence[int], delta: int, first_open: int) -> list[int]:
    """Add `delta` pence to the open months (index ≥ first_open) in proportion to their phasing."""
    if len(phases) != MONTHS or not 0 <= first_open <= MONTHS:
        raise ValueError("twelve phases and an open month between 0 and 12 are required")
    open_phases = list(phases[first_open:])
    if delta == 0:
        return list(phases)
    if not open_phases:
        raise PhasingError("Every month of the year has closed: nothing can be moved")
    if delta < 0 and -delta > sum(open_phases):
        raise PhasingError("The change is larger than the budget left in the open months")
    # Proportional shares never exceed a month's own phase, so no month goes below zero.
    shares = split_pence(delta, [max(p, 0) for p in open_phases])
    return [*phases[:first_open], *(p + s for p, s in zip(open_phases, shares, strict=True))]


@dataclass(frozen=True)
class Position:
    """One line's (or the net total's) year-to-date and forecast position, in pence."""

    category: str
    label: str
    income: bool
    annual: int
    budget_ytd: int
    actual_ytd: int
    forecast: int
    closed: int  # months with actuals (April = 1)

    @property
    def variance(self) -> int:
        """Favourable positive: underspent, or income above plan."""
        diff = self.budget_ytd - self.actual_ytd
        return -diff if self.income else diff

    @property
    def variance_percent(self) -> Decimal | None:
        return percent_of(self.variance, self.budget_ytd)

    @property
    def forecast_variance(self) -> int:
        """Favourable positive, against the annual budget."""
        diff = self.annual - self.forecast
        return -diff if self.income else diff

    @property
    def overspend_percent(self) -> Decimal | None:
        """Adverse variance as a % of the year-to-date budget (negative when favourable)."""
        return percent_of(-self.variance, self.budget_ytd)


def percent_of(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part * 100) / Decimal(abs(whole))


def forecast_outturn(actuals: Sequence[int], closed: int, annual: int) -> int:
    """Actual to date + remaining months × mean of the last three closed months (pence)."""
    if closed == 0:
        return annual  # no evidence yet: assume the budget
    recent = actuals[max(0, closed - 3) : closed]
    run_rate = Decimal(sum(recent) * (MONTHS - closed)) / len(recent)
    return sum(actuals[:closed]) + int(run_rate.quantize(Decimal(1), ROUND_HALF_UP))


def line_position(
    category: str, phases: Sequence[int], actuals: Sequence[int], closed: int
) -> Position:
    """A budget line's position after `closed` months (actuals: twelve amounts, 0 if none)."""
    annual = sum(phases)
    return Position(
        category=category,
        label=CATEGORIES.get(category, category),
        income=category in INCOME_CATEGORIES,
        annual=annual,
        budget_ytd=sum(phases[:closed]),
        actual_ytd=sum(actuals[:closed]),
        forecast=forecast_outturn(actuals, closed, annual),
        closed=closed,
    )


def net_position(lines: Sequence[Position], closed: int) -> Position:
    """Expenditure less income, so the total's variance is the sum of the lines' variances."""

    def net(attr: str) -> int:
        return sum(-getattr(p, attr) if p.income else getattr(p, attr) for p in lines)

    return Position(
        category="total",
        label="the budget as a whole",
        income=False,
        annual=net("annual"),
        budget_ytd=net("budget_ytd"),
        actual_ytd=net("actual_ytd"),
        forecast=net("forecast"),
        closed=closed,
    )


def round_for_words(pence: int) -> str:
    """£ for sentences: nearest £100 from £1,000 up, else the nearest pound."""
    pounds = Decimal(abs(pence)) / 100
    step = Decimal(100) if pounds >= 1000 else Decimal(1)
    rounded = (pounds / step).quantize(Decimal(1), ROUND_HALF_UP) * step
    return f"£{rounded:,.0f}"


def describe(position: Position) -> str:
    """Plain English, e.g. '£42,300 overspent on nursing pay, forecast £96,000 over by March'."""
    p = position
    if p.closed == 0:
        return f"No actuals yet for {p.label}: forecast assumes the budget is spent as planned"
    amount, ahead = round_for_words(p.variance), round_for_words(p.forecast_variance)
    if p.income:
        now = (
            f"{amount} above the income plan"
            if p.variance > 0
            else f"{amount} below the income plan"
            if p.variance < 0
            else "exactly on the income plan"
        )
        later = (
            f"forecast {ahead} more income than planned by March"
            if p.forecast_variance > 0
            else f"forecast {ahead} short by March"
            if p.forecast_variance < 0
            else "forecast on plan by March"
        )
        return f"{now} (more income is good), {later}"
    on = "overall" if p.category == "total" else f"on {p.label}"
    now = (
        f"{amount} underspent {on}"
        if p.variance > 0
        else f"{amount} overspent {on}"
        if p.variance < 0
        else f"On budget {on}"
    )
    later = (
        f"forecast {ahead} under by March"
        if p.forecast_variance > 0
        else f"forecast {ahead} over by March"
        if p.forecast_variance < 0
        else "forecast on budget by March"
    )
    return f"{now}, {later}"


def level(position: Position, flag_percent: Decimal) -> str:
    """'bad' when overspent beyond the flag percentage, 'warn' if adverse at all, else 'ok'."""
    over = position.overspend_percent
    if position.variance >= 0:
        return "ok"
    if over is None or over > flag_percent:
        return "bad"
    return "warn"
