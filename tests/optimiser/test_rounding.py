"""Largest-remainder rounding to whole pence."""

from __future__ import annotations

import random

import numpy as np
import pytest

from qframe.optimiser.rounding import largest_remainder, micro_rounded


def test_spare_pence_go_to_the_largest_remainders_first() -> None:
    # whole pence 10 + 20 + 30 + 5 = 65, three to hand out: .9, .7 and .5 win, .2 does not
    amounts = [10.9, 20.2, 30.7, 5.5]
    pence = largest_remainder(amounts, [0] * 4, [100] * 4, ["a", "b", "c", "d"], 68)
    assert pence == [11, 20, 31, 6]


def test_a_tie_goes_to_the_smaller_key() -> None:
    assert largest_remainder([1.5, 1.5], [0, 0], [9, 9], ["y", "x"], 3) == [1, 2]


def test_a_recipient_at_its_cap_is_skipped() -> None:
    # "a" has the largest remainder but rounding it up would pass its cap of 10
    pence = largest_remainder([9.99, 5.5, 5.4], [0, 0, 0], [9, 20, 20], ["a", "b", "c"], 21)
    assert pence == [9, 6, 6]


def test_float_noise_below_a_floor_never_pays_less_than_the_floor() -> None:
    pence = largest_remainder([99.9999999, 50.0000001], [100, 0], [200, 200], ["a", "b"], 150)
    assert pence == [100, 50]


def test_a_total_the_floors_and_caps_cannot_reach_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot round"):
        largest_remainder([1.0, 1.0], [0, 0], [1, 1], ["a", "b"], 3)


def test_micro_rounding_in_numpy_is_pythons_round_to_six_places() -> None:
    # the tie-break works on remainders rounded to a micro-penny by Python's round(v, 6);
    # the array version must give the very same floats, halves and huge values included
    rng = random.Random(7)
    values = [rng.uniform(-1, 0) for _ in range(20_000)]
    values += [(k + 0.5) / 1e6 * s for k in range(-2000, 2000) for s in (1, -1)]  # halves
    values += [rng.uniform(-1, 1) * 10.0**e for e in range(-12, 13) for _ in range(200)]
    values += [0.0, -0.0, 1e300, -1e300, 2.0**40 / 1e6, 0.4999995, 2.5e-6, 3.5e-6]
    got = micro_rounded(np.array(values))
    assert got.tolist() == [round(v, 6) for v in values]
