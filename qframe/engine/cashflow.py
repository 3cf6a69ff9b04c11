"""QOF and CQUIN cash flow (domain.md §6): money on account through the year, then settled.

QOF: aspiration payments, 1/12 a month of 70% of the aspiration value; at year end the
achievement payment is the year's earned value minus the aspiration payments made (negative:
a recovery). CQUIN: the stake paid on account monthly as if fully earned; at year end the
unearned part is recovered. A change after payment is a new adjustment line, never an edit.
All amounts are integer pence; every line says why.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from qframe.engine.errors import InvalidInput

ASPIRATION_SHARE = Decimal("0.7")
MONTHS = 12


@dataclass(frozen=True, slots=True)
class CashLine:
    """One payment (positive) or recovery (negative): month 1..12, or None at year end."""

    month: int | None
    kind: str  # aspiration | achievement | on_account | reconciliation | adjustment
    pence: int
    why: str


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def monthly(total_pence: int) -> list[int]:
    """Twelve whole-pence instalments adding up exactly; the odd pence go to the first months."""
    if total_pence < 0:
        raise InvalidInput("an amount paid on account cannot be negative")
    base, extra = divmod(total_pence, MONTHS)
    return [base + (1 if m < extra else 0) for m in range(MONTHS)]


def qof_aspiration(aspiration_value_pence: int) -> list[CashLine]:
    """Monthly aspiration payments: 70% of the aspiration value (to the penny, half up) / 12."""
    if aspiration_value_pence < 0:
        raise InvalidInput("the aspiration value cannot be negative")
    share = (Decimal(aspiration_value_pence) * ASPIRATION_SHARE).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    total = int(share)
    why = (
        f"1/12 of 70% of the aspiration value {_pounds(aspiration_value_pence)} ({_pounds(total)})"
    )
    return [CashLine(m + 1, "aspiration", p, why) for m, p in enumerate(monthly(total))]


def cquin_on_account(stake_pence: int) -> list[CashLine]:
    """The CQUIN stake paid monthly on account, as if fully earned."""
    why = f"1/12 of the stake {_pounds(stake_pence)}, paid on account as if fully earned"
    return [CashLine(m + 1, "on_account", p, why) for m, p in enumerate(monthly(stake_pence))]


def settle(kind: str, earned_pence: int, paid: Sequence[CashLine]) -> CashLine:
    """The year-end line: what was earned minus what was paid on account (negative: recovered)."""
    if kind not in ("achievement", "reconciliation"):
        raise InvalidInput(f"unknown year-end kind {kind!r}")
    if earned_pence < 0:
        raise InvalidInput("earned value cannot be negative")
    made = sum(line.pence for line in paid)
    due = earned_pence - made
    verb = "paid" if due >= 0 else "recovered"
    why = (
        f"earned {_pounds(earned_pence)} minus {_pounds(made)} paid on account: "
        f"{_pounds(abs(due))} {verb}"
    )
    return CashLine(None, kind, due, why)


def adjustment(earned_before_pence: int, earned_now_pence: int, reason: str) -> CashLine | None:
    """A new line for a change after payment (never an edit); None when nothing changed."""
    change = earned_now_pence - earned_before_pence
    if change == 0:
        return None
    why = (
        f"{reason}: earned value changed from {_pounds(earned_before_pence)} to "
        f"{_pounds(earned_now_pence)}"
    )
    return CashLine(None, "adjustment", change, why)
