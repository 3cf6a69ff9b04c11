"""Every amount in words: what a provider was paid and why (stored with each line)."""

from __future__ import annotations

from decimal import Decimal

from qframe.optimiser import AllocationLine
from qframe.optimiser.recipients import pounds
from qframe.rewards.inputs import Terms

REASON_WORDS = {
    "share": "Share at the exchange rate",
    "capped": "Capped",
    "floored": "Floor only",
    "gated": "Reduced for minimum-standard breaches",
    "ineligible": "Nothing to share by (no weight)",
}


def share_at(rate_pounds: float, weight: Decimal, cap: int, floor: int, gate: Decimal) -> int:
    """floor + min(cap − floor, s·r·w) in whole pence, at a given exchange rate."""
    share = rate_pounds * 100 * float(gate) * float(weight)
    return floor + min(cap - floor, round(share))


def explain(terms: Terms, line: AllocationLine, rate_pounds: float) -> str:
    """One or two sentences a provider's board can follow."""
    r, paid = terms.recipient, line.amount_pence
    floor = f", including the floor of {pounds(r.floor_pence)}" if r.floor_pence else ""
    if line.reason == "ineligible":
        why = terms.weight_note or "its weight is 0"
        return f"{pounds(paid)}: there is nothing to share by ({why}){floor}."
    if line.reason == "gated":
        breaches = terms.facts.breaches
        full = share_at(rate_pounds, r.weight, r.cap_pence, r.floor_pence, Decimal(1))
        withheld = " (withheld)" if r.gate == 0 else ""
        return (
            f"{pounds(paid)}: {breaches} minimum-standard breach{'es' if breaches != 1 else ''}, "
            f"so its share was multiplied by the gate {r.gate}{withheld}; without the gate its "
            f"share at this exchange rate would have been {pounds(full)}."
        )
    if line.reason == "capped":
        ideal = share_at(rate_pounds, r.weight, 10**15, r.floor_pence, r.gate)
        return (
            f"{pounds(paid)}: its cap, set by {terms.cap_basis}; its share at the exchange rate "
            f"would have been {pounds(ideal)}{floor}."
        )
    if line.reason == "floored":
        return (
            f"{pounds(paid)}: the floor paid to every provider meeting all its minimum "
            "standards; nothing more was left for its share."
        )
    return (
        f"{pounds(paid)}: its weight of {r.weight:,} at the exchange rate of "
        f"£{rate_pounds:.6g} per unit{floor}, under its cap of {pounds(r.cap_pence)} set by "
        f"{terms.cap_basis}."
    )
