"""Why each recipient got its amount (share, capped, floored, gated, ineligible)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .recipients import Recipient

Reason = Literal["share", "capped", "floored", "gated", "ineligible"]


def reason_for(recipient: Recipient, amount_pence: int, rate: float) -> Reason:
    """Why a recipient got its amount; the first rule that applies wins.

    ineligible: weight 0 (nothing to share, so a gate or floor is not the story);
    gated: gate 0, or a gate below 1 that cost money (a positive rate and the amount under
    the cap); floored: a floor and nothing above it; capped: the amount is the cap;
    share: otherwise. (`reasons` applies the same rules to whole columns.)
    """
    if recipient.weight == 0:
        return "ineligible"
    gate = recipient.gate
    if gate == 0 or (gate < 1 and rate > 0 and amount_pence < recipient.cap_pence):
        return "gated"
    if recipient.floor_pence > 0 and amount_pence == recipient.floor_pence:
        return "floored"
    if amount_pence == recipient.cap_pence:
        return "capped"
    return "share"


def _pence(column: Sequence[int]) -> npt.NDArray[Any]:
    try:
        return np.asarray(column, dtype=np.int64)
    except OverflowError:  # pence past int64 compare as Python ints
        return np.asarray(column, dtype=object)


def reasons(
    weights: Sequence[Decimal],
    gates: Sequence[Decimal],
    caps: Sequence[int],
    floors: Sequence[int],
    amounts: Sequence[int],
    rate: float,
) -> list[Reason]:
    """`reason_for` over columns: the comparisons in numpy, the Decimal ones once per gate."""
    distinct = set(gates)  # a policy has one or two gates: each compared once
    shut = np.fromiter(map({g: g == 0 for g in distinct}.__getitem__, gates), bool, len(gates))
    below = np.fromiter(map({g: g < 1 for g in distinct}.__getitem__, gates), bool, len(gates))
    zero = np.fromiter(map(operator.not_, weights), bool, len(weights))  # Decimal 0 is falsy
    cap, floor, paid = _pence(caps), _pence(floors), _pence(amounts)
    at_cap, at_floor = (paid == cap).astype(bool), (paid == floor).astype(bool)
    chosen = np.select(
        [zero, shut | (below & (rate > 0) & ~at_cap & (paid < cap).astype(bool)),
         (floor > 0).astype(bool) & at_floor, at_cap],
        [0, 1, 2, 3],
        4,
    )  # fmt: skip
    # the five words as shared strings: a reference per line, not a new string per line
    return list(map(_WORDS.__getitem__, chosen.tolist()))


_WORDS: tuple[Reason, ...] = ("ineligible", "gated", "floored", "capped", "share")
