"""funnel_flags gives exactly the flags and summary of funnel, for any population."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.flags import funnel_flags
from qframe.engine.funnel import FunnelInput, funnel


@st.composite
def populations(draw):  # type: ignore[no-untyped-def]
    size = draw(st.integers(0, 40))
    numerators, denominators = [], []
    for _ in range(size):
        denominator = draw(st.one_of(st.none(), st.integers(0, 5000)))
        numerator = None if denominator is None else draw(st.integers(0, denominator))
        if draw(st.booleans()) and denominator is not None:
            # Crowd the population around one rate, so some rows sit near the limits.
            numerator = min(denominator, round(denominator * 0.7) + draw(st.integers(-3, 3)))
            numerator = max(0, numerator)
        numerators.append(numerator)
        denominators.append(denominator)
    return numerators, denominators


def full_funnel(numerators, denominators, polarity, small):  # type: ignore[no-untyped-def]
    rows = [
        FunnelInput(f"org{k}", x, n, small)
        for k, (x, n) in enumerate(zip(numerators, denominators, strict=True))
    ]
    return funnel(rows, polarity)


# deadline=None: speed is a benchmark, not a timed test (2 shared cores made this flaky).
@settings(max_examples=400, deadline=None)
@given(
    populations(),
    st.sampled_from(["higher_is_better", "lower_is_better"]),
    st.one_of(st.none(), st.integers(0, 60)),
)
def test_flags_and_summary_are_those_of_the_full_funnel(population, polarity, small):
    numerators, denominators = population
    full = full_funnel(numerators, denominators, polarity, small)
    summary, flags = funnel_flags(numerators, denominators, polarity, min_denominator=small)
    assert flags == [row.flag for row in full.rows]
    assert (summary.target, summary.phi, summary.tau2) == (full.target, full.phi, full.tau2)


def test_an_overdispersed_population_is_flagged_against_the_wider_limits():
    # Ten providers spread far wider than binomial noise allows, and one extreme.
    numerators = [400 + 40 * k for k in range(10)] + [50]
    denominators = [1000] * 11
    full = full_funnel(numerators, denominators, "higher_is_better", None)
    summary, flags = funnel_flags(numerators, denominators, "higher_is_better")
    assert summary.tau2 > 0
    assert flags == [row.flag for row in full.rows]
    assert flags[-1] == "alarm"


def test_a_numerator_above_its_denominator_is_refused():
    with pytest.raises(InvalidInput):
        funnel_flags([3], [2], "higher_is_better")
