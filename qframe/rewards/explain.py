"""Every amount in words: what a provider was paid and why (stored with each line)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from qframe.optimiser import AllocationLine
from qframe.optimiser.recipients import pounds
from qframe.rewards.inputs import (
    CAP_BELOW_ENTITLEMENT,
    CAP_NO_CONTRACT,
    CAP_NOTHING,
    CAP_POT,
    Terms,
    contract_words,
)
from qframe.rewards.policy import Policy, plain

if TYPE_CHECKING:
    from qframe.rewards.models import AllocationLine as StoredLine

# what set the cap, as the one-letter code a bulk-written line stores after "="
BASES = {"b": CAP_BELOW_ENTITLEMENT, "n": CAP_NO_CONTRACT, "p": CAP_POT, "z": CAP_NOTHING}

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


@cache
def _floor_words(floor_pence: int) -> str:
    # a policy has one floor: its words are made once, not once per line
    return f", including the floor of {pounds(floor_pence)}"


def explain(terms: Terms, line: AllocationLine, rate_pounds: float) -> str:
    """One or two sentences a provider's board can follow."""
    r = terms.recipient
    return explain_terms(
        line.amount_pence, line.reason, r.weight, r.cap_pence, r.floor_pence, r.gate,
        terms.facts.breaches, terms.cap_basis, terms.weight_note, rate_pounds,
    )  # fmt: skip


def explain_terms(
    paid: int,
    reason: str,
    weight: Decimal,
    cap: int,
    floor_pence: int,
    gate: Decimal,
    breaches: int,
    cap_basis: str,
    weight_note: str | None,
    rate_pounds: float,
) -> str:
    """`explain` from the line's columns (the bulk writer calls it without row objects)."""
    floor = _floor_words(floor_pence) if floor_pence else ""
    if reason == "ineligible":
        why = weight_note or "its weight is 0"
        return f"{pounds(paid)}: there is nothing to share by ({why}){floor}."
    if reason == "gated":
        full = share_at(rate_pounds, weight, cap, floor_pence, Decimal(1))
        withheld = " (withheld)" if gate == 0 else ""
        return (
            f"{pounds(paid)}: {breaches} minimum-standard breach{'es' if breaches != 1 else ''}, "
            f"so its share was multiplied by the gate {gate}{withheld}; without the gate its "
            f"share at this exchange rate would have been {pounds(full)}."
        )
    if reason == "capped":
        ideal = share_at(rate_pounds, weight, 10**15, floor_pence, gate)
        return (
            f"{pounds(paid)}: its cap, set by {cap_basis}; its share at the exchange rate "
            f"would have been {pounds(ideal)}{floor}."
        )
    if reason == "floored":
        return (
            f"{pounds(paid)}: the floor paid to every provider meeting all its minimum "
            "standards; nothing more was left for its share."
        )
    return (
        f"{pounds(paid)}: its weight of {weight:,} at the exchange rate of "
        f"£{rate_pounds:.6g} per unit{floor}, under its cap of {pounds(cap)} set by "
        f"{cap_basis}."
    )


def basis_codes(policy: Policy) -> dict[str, str]:
    """The stored code for each way a cap can be set under the policy ("=c": its contract
    percentage, written as the run's policy writes it; only when that is the same text)."""
    codes = {words: f"={code}" for code, words in BASES.items()}
    percent = policy.cap_percent
    if percent is not None and str(percent) == plain(percent):
        codes[contract_words(percent)] = "=c"
    return codes


def expand(line: StoredLine) -> str:
    """A stored line's explanation: its words, or the words made from its numbers (the same
    words `explain_terms` made when the run was proposed; tests/rewards/test_columns.py)."""
    stored = line.stored_explanation
    if not stored.startswith("="):
        return stored
    run = line.run
    code = stored[1:]
    basis = contract_words(run.policy["cap_percent_of_contract"]) if code == "c" else BASES[code]
    return explain_terms(
        line.amount_pence, line.reason, line.weight, line.cap_pence, line.floor_pence, line.gate,
        line.breaches, basis, None, run.exchange_rate or 0.0,
    )  # fmt: skip
