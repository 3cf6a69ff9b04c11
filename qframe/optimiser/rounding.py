"""Largest-remainder rounding of unrounded pence to whole pence within floors and caps."""

from __future__ import annotations

import math
from collections.abc import Sequence


def largest_remainder(
    amounts: Sequence[float],
    floors: Sequence[int],
    caps: Sequence[int],
    keys: Sequence[str],
    total: int,
) -> list[int]:
    """Whole pence adding up to `total` exactly, each within [floor, cap], nearest to `amounts`.

    Each amount is floored to the penny (kept within its floor and cap); the pence still to
    hand out go one at a time to the largest fractional remainders among recipients below
    their cap, ties to the smaller key. (Taking pence back, needed only when float noise put
    an amount under its floor, goes the other way round.)
    """
    if not sum(floors) <= total <= sum(caps):
        raise ValueError(
            f"cannot round to {total}p: floors and caps allow {sum(floors)}..{sum(caps)}p"
        )
    pence = [min(c, max(f, math.floor(x))) for x, f, c in zip(amounts, floors, caps, strict=True)]
    # remainders to a micro-penny, so float noise does not beat the tie-break by key
    behind = [round(p - x, 6) for x, p in zip(amounts, pence, strict=True)]
    # two stable sorts (key, then remainder) are much faster than one on tuples
    order = sorted(sorted(range(len(pence)), key=keys.__getitem__), key=behind.__getitem__)
    left = total - sum(pence)
    while left > 0:
        for i in order:
            if left and pence[i] < caps[i]:
                pence[i] += 1
                left -= 1
    while left < 0:
        for i in reversed(order):
            if left and pence[i] > floors[i]:
                pence[i] -= 1
                left += 1
    return pence
