"""Largest-remainder rounding of unrounded pence to whole pence within floors and caps."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import islice, repeat

import numpy as np
import numpy.typing as npt


def in_key_order(keys: Sequence[str]) -> bool:
    """Whether the keys already come in order, as a query ordered by code gives them (checked
    at C speed: no Python frame per key)."""
    return all(map(operator.le, keys, islice(keys, 1, None)))


def key_order(keys: Sequence[str]) -> npt.NDArray[np.int64]:
    """Positions of `keys` in key order (ties keep their order); no sort when already so."""
    if in_key_order(keys):
        return np.arange(len(keys), dtype=np.int64)
    return np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)


def micro_rounded(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Python's round(v, 6) of each value (the exact binary value rounded half to even, then
    the nearest float), for a whole array: rint(v * 1e6) / 1e6 is that same float wherever
    v * 1e6 lies clear of a half (v * 1e6 is then within half a unit in the last place of
    its exact value, which cannot cross one); the few near a half, or too large for that
    margin, go through round() itself."""
    values = np.asarray(values, dtype=np.float64)
    scaled = values * 1e6
    out = np.rint(scaled) / 1e6
    doubtful = np.flatnonzero(
        (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3) | ~(np.abs(scaled) < 2.0**40)
    )
    if len(doubtful):
        out[doubtful] = list(map(round, values[doubtful].tolist(), repeat(6, len(doubtful))))
    return out


def largest_remainder(
    amounts: Sequence[float] | npt.NDArray[np.float64],
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
    low, high = np.asarray(floors, dtype=np.int64), np.asarray(caps, dtype=np.int64)
    if not int(low.sum()) <= total <= int(high.sum()):
        raise ValueError(
            f"cannot round to {total}p: floors and caps allow {int(low.sum())}..{int(high.sum())}p"
        )
    x = np.asarray(amounts, dtype=np.float64)
    pence = np.minimum(high, np.maximum(low, np.floor(x).astype(np.int64)))
    # remainders to a micro-penny, so float noise does not beat the tie-break by key
    # (Python's correctly rounded round(), not numpy's scaled one, so ties fall as they did)
    behind = micro_rounded(pence - x)
    by_key = key_order(keys)
    order = by_key[np.argsort(behind[by_key], kind="stable")]
    left = total - int(pence.sum())
    # each pass hands one penny to every recipient in order that can take one
    while left > 0:
        room = order[pence[order] < high[order]][:left]
        pence[room] += 1
        left -= len(room)
    while left < 0:
        spare = order[::-1][pence[order[::-1]] > low[order[::-1]]][:-left]
        pence[spare] -= 1
        left += len(spare)
    return pence.tolist()  # type: ignore[no-any-return]  # Python ints
