"""The column (numpy) funnel flags are the row-by-row ones, float for float, on random data.

`flags_by_row` is the reference: the per-row implementation the column version replaced (itself
checked against `funnel` in test_flags.py). Populations here are larger and more spread than
test_flags.py's, so random-effects (arcsine) limits, references, small numbers and rows
sitting on a limit all occur.
"""

from statistics import quantiles

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.flags import flags_by_row, funnel_flags
from qframe.engine.flags_columns import integer_columns
from qframe.engine.funnel import Reference


@st.composite
def populations(draw):  # type: ignore[no-untyped-def]
    size = draw(st.integers(0, 120))
    rate = draw(st.floats(0, 1))
    spread = draw(st.sampled_from([0, 2, 20, 200]))  # 200: overdispersed, τ² > 0
    gaps = draw(st.booleans())
    numerators, denominators = [], []
    for _ in range(size):
        n = draw(st.one_of(st.integers(0, 40), st.integers(0, 20_000)))
        if gaps and draw(st.integers(0, 9)) == 0:
            numerators.append(None if draw(st.booleans()) else min(n, 3))
            denominators.append(None if numerators[-1] is not None else n)
            continue
        x = round(n * rate) + draw(st.integers(-spread, spread))
        numerators.append(max(0, min(n, x)))
        denominators.append(n)
    return numerators, denominators


references = st.one_of(
    st.none(),
    st.builds(
        Reference,
        st.floats(0.001, 0.999),
        st.one_of(st.just(0.0), st.floats(1e-6, 0.05)),
        st.sampled_from(["qframe", "benchmark"]),
    ),
)


@settings(max_examples=500, deadline=None)
@given(
    populations(),
    st.sampled_from(["higher_is_better", "lower_is_better"]),
    st.one_of(st.none(), st.integers(0, 60)),
    st.sampled_from([2, 10, 30]),
    references,
)
def test_column_flags_are_the_row_by_row_flags(population, polarity, small, units, reference):
    numerators, denominators = population
    summary, flags = funnel_flags(
        numerators, denominators, polarity,
        min_denominator=small, min_units=units, reference=reference,
    )  # fmt: skip
    expected_summary, expected = flags_by_row(
        numerators, denominators, polarity, small, units, reference
    )
    assert flags == expected
    assert summary == expected_summary


def test_counts_that_are_not_plain_integers_go_row_by_row():
    assert integer_columns([1.5], [3]) is None
    assert integer_columns([2**60], [2**61]) is None
    assert integer_columns([True], [True]) is None
    xs, ns, present = integer_columns([1, None, 3], [2, 5, None])  # type: ignore[misc]
    assert xs.tolist() == [1, 0, 0]
    assert ns.tolist() == [2, 0, 0]
    assert present.tolist() == [True, False, False]


def test_a_numerator_above_its_denominator_is_refused_by_both():
    with pytest.raises(InvalidInput):
        funnel_flags([1] * 20 + [3], [5] * 20 + [2], "higher_is_better")
    with pytest.raises(InvalidInput):
        flags_by_row([3], [2], "higher_is_better", None, 10, None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-50, 50), st.sampled_from([0.0, 1.5, -2.25])), min_size=2, max_size=300
    )
)
def test_the_outer_deciles_are_those_of_statistics_quantiles(values):
    import numpy as np

    from qframe.engine.flags_columns import _outer_deciles

    deciles = quantiles(values, n=10, method="inclusive")
    assert _outer_deciles(np.asarray(values, dtype=np.float64)) == (deciles[0], deciles[-1])
