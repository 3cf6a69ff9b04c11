"""A run's funnels ask for reference populations only when they need one, with the same result.

The reference is used only when a funnel's own providers are too few to estimate τ² (domain.md
§7 "Few providers"), and that is exactly when its flags without one are provisional. So
`calculate` flags every funnel without, and asks for the provisional ones' references in one
call. Checked here against flagging each column with its reference given up front (the engine's
own funnel_flags, which tests/engine checks against the full funnel).
"""

import random

import pytest

from qframe.engine.flags import funnel_flags
from qframe.engine.funnel import Reference
from qframe.engine.types import IndicatorSpec
from qframe.scoring.calculate import Column, calculate

SPEC = IndicatorSpec("X1", "proportion", "higher_is_better", "threshold", 10.0, 40.0, 80.0)
RATE = IndicatorSpec(
    "R1", "rate", "lower_is_better", "threshold", 10.0, 9.0, 3.0, multiplier=1000.0
)
REFERENCE = Reference(0.9, 0.004, "qframe")
RATE_REFERENCE = Reference(0.004, 0.01, "benchmark")


def columns(sizes: dict[int, int], seed: int) -> list[Column]:
    rng = random.Random(seed)
    out = []
    for indicator, size in sizes.items():
        obs = []
        for _ in range(size):
            n = rng.randint(20, 400)
            obs.append((rng.randint(n // 2, n), n, None))
        orgs = list(range(1, size + 1))
        out.append(Column(indicator, orgs, obs, [False] * size))
    return out


@pytest.mark.parametrize("seed", range(8))
def test_only_provisional_funnels_ask_and_their_flags_use_the_reference(seed):
    sizes = {1: 4, 2: 40, 3: 6, 4: 12}  # 4 and 6 providers: too few to estimate τ²
    specs = {1: SPEC, 2: SPEC, 3: RATE, 4: RATE}
    given = {1: REFERENCE, 2: REFERENCE, 3: RATE_REFERENCE, 4: RATE_REFERENCE}
    asked: list[list[int]] = []

    def references(wanted: list[int]) -> dict[int, Reference]:
        asked.append(wanted)
        return {i: given[i] for i in wanted}

    found = columns(sizes, seed)
    kinds = dict.fromkeys(range(1, 41), "acute")
    stats = calculate(found, specs, {}, kinds, {}, references)
    assert asked == [[1, 3]]
    one = found[0]
    summary, flags = funnel_flags(
        [o[0] for o in one.obs], [o[1] for o in one.obs], "higher_is_better", reference=REFERENCE
    )
    assert one.flags == flags
    assert stats["1"]["provider"]["target"] == summary.target == 0.9
    assert (stats["1"]["provider"]["provisional"], stats["1"]["provider"]["basis"]) == (0, 1)
    assert (stats["3"]["provider"]["target"], stats["3"]["provider"]["basis"]) == (0.004, 2)
    # 40 providers estimate their own τ²: the reference would not have been used.
    big = found[1]
    summary, flags = funnel_flags(
        [o[0] for o in big.obs], [o[1] for o in big.obs], "higher_is_better", reference=REFERENCE
    )
    assert big.flags == flags
    assert stats["2"]["provider"]["basis"] == 0
    assert stats["2"]["provider"]["target"] == summary.target != 0.9


def test_a_funnel_whose_reference_is_missing_stays_provisional():
    found = columns({1: 3}, 0)
    stats = calculate(found, {1: SPEC}, {}, dict.fromkeys(range(1, 4), "acute"), {}, lambda _w: {})
    assert (stats["1"]["provider"]["provisional"], stats["1"]["provider"]["basis"]) == (1, 0)


def test_a_ratio_funnel_asks_for_its_reference_only_when_too_few_to_estimate_tau2():
    # Like proportions and rates (domain.md §7): 30 trusts estimate their own τ² (φ is set, no
    # reference asked for); 3 trusts cannot (PHE needs 10+), so the reference's τ² is used
    # and the limits are no longer provisional (basis 1: every provider in qframe).
    shmi = IndicatorSpec("E05", "ratio", "lower_is_better", "threshold", 10.0, 1.10, 0.95)
    rng = random.Random(3)
    for providers, want_asked, want_basis in ((30, [], 0), (3, [[1]], 1)):
        obs = [(rng.randint(50, 150), None, float(rng.randint(80, 120))) for _ in range(providers)]
        orgs = list(range(1, providers + 1))
        column = Column(1, orgs, obs, [False] * providers, ratio=True)
        asked: list[list[int]] = []

        def references(wanted: list[int], asked: list[list[int]] = asked) -> dict[int, Reference]:
            asked.append(wanted)
            return {1: Reference(1.0, 0.002, "qframe")}

        kinds = dict.fromkeys(orgs, "acute")
        stats = calculate([column], {1: shmi}, {}, kinds, {}, references)
        stat = stats["1"]["provider"]
        assert asked == want_asked
        assert (stat["basis"], stat["provisional"]) == (want_basis, 0)
        if want_basis:
            assert stat["tau2"] == 0.002
        else:
            assert stat["phi"] is not None
