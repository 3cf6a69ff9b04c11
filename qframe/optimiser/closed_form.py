"""The policy's closed form, in exact rational arithmetic: the oracle for the LP."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .recipients import Recipient, check_allocation_inputs


def policy_rate(slopes: Sequence[Fraction], room: Sequence[Fraction], budget: Fraction) -> Fraction:
    """Smallest rate s with sum(min(room_i, s * slope_i)) = min(budget, sum(room)), exactly."""
    live = [(r / a, a, r) for a, r in zip(slopes, room, strict=True) if a > 0 and r > 0]
    if not live:
        return Fraction(0)
    if sum(r for _, _, r in live) <= budget:
        return max(t for t, _, _ in live)
    live.sort()
    spent, slope = Fraction(0), sum(a for _, a, _ in live)
    for breakpoint, a, r in live:
        # between breakpoints the total grows linearly with the uncapped slope
        if spent + slope * breakpoint >= budget:
            return (budget - spent) / slope
        spent += r
        slope -= a
    raise AssertionError("unreachable: the caps exceed the budget")  # pragma: no cover


def closed_form_allocation(
    recipients: Sequence[Recipient], pot_pence: int
) -> tuple[float, tuple[float, ...]]:
    """(£ per unit weight, unrounded pence per recipient) from y_i = min(c_i - f_i, s r_i w_i)."""
    check_allocation_inputs(recipients, pot_pence)
    slopes = [Fraction(r.gate) * Fraction(r.weight) for r in recipients]
    room = [Fraction(r.cap_pence - r.floor_pence) for r in recipients]
    budget = Fraction(pot_pence - sum(r.floor_pence for r in recipients))
    rate = policy_rate(slopes, room, budget)
    amounts = tuple(
        float(r.floor_pence + min(c, rate * a))
        for r, a, c in zip(recipients, slopes, room, strict=True)
    )
    return float(rate / 100), amounts
