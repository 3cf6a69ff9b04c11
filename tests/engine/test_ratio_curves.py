"""The funnel plot's limit lines at many sizes at once are the per-point engine limits."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Z95, Z998
from qframe.engine.poisson import gamma_p, tail_alpha
from qframe.engine.ratio_curves import ratio_limit_curve
from qframe.engine.ratios import ratio_limits


def _plot_sizes(smallest: float, largest: float, count: int = 90) -> list[float]:
    # the funnel plot's own sampling: evenly spaced on a log scale
    return [smallest * (largest / smallest) ** (k / (count - 1)) for k in range(count)]


@pytest.mark.parametrize("z", [Z95, Z998])
@pytest.mark.parametrize("span", [(1e-4, 5.0), (0.01, 50.0), (0.5, 3000.0), (10.0, 20000.0)])
def test_the_curve_is_the_per_point_limits_at_every_sampled_size(z, span):
    sizes = _plot_sizes(*span)
    curve = ratio_limit_curve(sizes, z, 0.0)
    for e, (low, high) in zip(sizes, curve, strict=True):
        ref_low, ref_high = ratio_limits(e, z, 0.0)
        assert low == pytest.approx(ref_low, rel=1e-12, abs=1e-300)
        assert high == pytest.approx(ref_high, rel=1e-12)


@given(st.floats(0.001, 5000.0), st.sampled_from([Z95, Z998]))
def test_the_limit_counts_solve_the_exact_poisson_tails(e, z):
    # Independent check: the upper count c has P(c, e) = α, the lower P(c + 1, e) = 1 − α
    # (or is 0 when no events at all is not unusually few).
    alpha = tail_alpha(z)
    (low, high) = ratio_limit_curve([e], z, 0.0)[0]
    assert gamma_p(high * e, e) == pytest.approx(alpha, rel=1e-9)
    if low == 0:
        assert gamma_p(1.0, e) <= 1 - alpha
    else:
        assert gamma_p(low * e + 1, e) == pytest.approx(1 - alpha, rel=1e-9)


def test_with_overdispersion_the_curve_is_the_closed_form():
    # τ² = 0.04 at e = 25: half-width 1.96 · √(1/25 + 0.04) = 1.96 · √0.08 = 0.554372
    (low, high) = ratio_limit_curve([25.0], Z95, 0.04)[0]
    half = Z95 * math.sqrt(0.08)
    assert (low, high) == pytest.approx((math.exp(-half), math.exp(half)))


def test_a_size_of_zero_is_refused():
    with pytest.raises(InvalidInput):
        ratio_limit_curve([1.0, 0.0], Z95, 0.0)
