import math

import pytest

from qframe.engine.flags import funnel_flags
from qframe.engine.funnel import Z998, FunnelInput, Reference, funnel
from qframe.engine.reference import (
    proportion_reference,
    proportion_reference_from_values,
    rate_reference,
)

# An ICB's three acute trusts near 82.9% of about 25,000 (the example).
TRUSTS = [FunnelInput("A", 20_500, 25_000), FunnelInput("B", 20_900, 25_000),
          FunnelInput("C", 20_750, 25_000)]  # fmt: skip


def test_three_trusts_alone_get_provisional_unadjusted_limits():
    result = funnel(TRUSTS, "higher_is_better")
    assert result.provisional
    assert result.basis == "local"
    assert result.tau2 == 0.0
    # Unadjusted Wilson limits at n = 25,000 are about ±0.74 points: A (82.0%) is an "alarm".
    row = result.rows[0]
    assert (row.high998 - row.low998) / 2 == pytest.approx(0.0074, abs=0.0002)
    assert row.flag == "alarm"


def test_a_reference_population_supplies_the_target_and_between_provider_variation():
    reference = Reference(target=0.829, tau2=0.0009, source="qframe")
    result = funnel(TRUSTS, "higher_is_better", reference=reference)
    assert not result.provisional
    assert result.basis == "qframe"
    assert result.target == 0.829
    # Limit: sin²(1.14471 − 3.090232 √(1/100,000 + 0.0009)) = sin²(1.05149) = 0.7535: A is within.
    half = Z998 * math.sqrt(1 / 100_000 + 0.0009)
    assert result.rows[0].low998 == pytest.approx(math.sin(math.asin(math.sqrt(0.829)) - half) ** 2)
    assert result.rows[0].low998 == pytest.approx(0.7535, abs=1e-4)
    assert [r.flag for r in result.rows] == ["within"] * 3
    summary, flags = funnel_flags(
        [t.numerator for t in TRUSTS], [t.denominator for t in TRUSTS], "higher_is_better",
        reference=reference,
    )  # fmt: skip
    assert (summary.provisional, summary.basis, flags) == (False, "qframe", ["within"] * 3)


def test_a_large_local_population_ignores_the_reference():
    points = [FunnelInput(f"P{i}", 800 + 10 * i, 1000) for i in range(12)]
    result = funnel(points, "higher_is_better", reference=Reference(0.5, 0.5))
    assert result.basis == "local"
    assert not result.provisional
    assert result.target == pytest.approx(sum(p.numerator for p in points) / 12_000)


def test_a_reference_from_counts_pools_the_target_and_estimates_tau2():
    counts = [(800 + 10 * i, 1000) for i in range(12)]
    ref = proportion_reference(counts, "qframe")
    assert ref is not None
    assert ref.target == pytest.approx(sum(x for x, _ in counts) / 12_000)
    # Shares 0.80 … 0.91 differ far more than n = 1,000 allows, so τ² > 0.
    assert ref.tau2 > 0
    assert proportion_reference(counts[:5], "qframe") is None


def test_a_reference_from_values_alone_uses_their_spread():
    values = [80.0, 82.0, 84.0, 86.0, 88.0, 80.0, 82.0, 84.0, 86.0, 88.0]
    ref = proportion_reference_from_values(values, "benchmark")
    angles = [math.asin(math.sqrt(v / 100)) for v in values]
    mean = sum(angles) / 10
    assert ref is not None
    assert ref.target == pytest.approx(0.84)
    assert ref.tau2 == pytest.approx(sum((a - mean) ** 2 for a in angles) / 9)


def test_a_rate_reference_pools_events_over_exposure():
    counts = [(10 + 3 * i, 2000.0) for i in range(10)]
    ref = rate_reference(counts, "benchmark")
    assert ref is not None
    assert ref.target == pytest.approx(235 / 20_000)
