"""One simulated indicator-quarter for the ladder's calibration, by funnel family (§7, §8).

Proportions are binomial with the truth on the arcsine scale (Wilson / random-effects
arcsine limits). Rates and ratios are Poisson counts on the provider's expected count (a
rate's θ × exposure, a ratio's given expected count) with the truth log-normal around the
target (τ² on the log scale, as `engine.ratios` estimates it); a count is judged by
`ratio_flag` itself, the function the real rate and ratio funnels flag with, turned into the
count cut-offs where its verdict changes.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from qframe.engine.funnel import Z95, Z998, funnel_limits
from qframe.engine.ratios import ratio_flag
from qframe.engine.types import Polarity

WORSE_ODDS = 1 / 0.6  # proportions: the odds of the bad outcome × 1/0.6
WORSE_RATE = 1 / 0.6  # rates and ratios: the rate (or O/E) × 1/0.6 in the bad direction
COUNT_FAMILIES = ("rate", "ratio")


@dataclass(frozen=True, slots=True)
class Reference:
    """An indicator's reference and between-provider variation on its family's scale.

    proportion: `rate` is the reference share of the bad outcome, τ² on the arcsine scale;
    rate: `rate` is the target events per unit of exposure, τ² on the log scale;
    ratio: `rate` is 1 (observed = expected), τ² on the log scale.
    """

    rate: float
    tau2: float
    family: str = "proportion"
    polarity: Polarity = "lower_is_better"


@dataclass(frozen=True, slots=True)
class Cuts:
    """Where a quarter's result is an alert, an alarm, and an unadjusted (naive) alarm.

    Proportions: shares above which each fires. Counts: `high` cuts fire at or above the
    count, low ones (higher is better, so few events are bad) at or below it.
    """

    alert: float
    alarm: float
    naive: float
    high: bool = True
    counts: bool = False

    def beyond(self, cut: float, value: float) -> bool:
        """Whether a quarter's value (a share, or a count) is beyond one of the cut-offs."""
        if not self.counts:
            return value > cut
        return value >= cut if self.high else value <= cut


def true_value(rng: random.Random, ref: Reference) -> float:
    """A provider's true share of the bad outcome, or its true rate (ratio), drawn from the
    reference population's spread."""
    spread = rng.gauss(0, math.sqrt(ref.tau2)) if ref.tau2 > 0 else 0.0
    if ref.family in COUNT_FAMILIES:
        return ref.rate * math.exp(spread)
    angle = math.asin(math.sqrt(ref.rate)) + spread
    return math.sin(min(max(angle, 0.0), math.pi / 2)) ** 2


def worsen(value: float, ref: Reference) -> float:
    """The truth in a bad quarter: odds × 1/0.6 (proportions), rate × 1/0.6 in the bad
    direction (rates and ratios; × 0.6 when higher is better)."""
    if ref.family in COUNT_FAMILIES:
        return value * WORSE_RATE if ref.polarity == "lower_is_better" else value / WORSE_RATE
    odds = value / (1 - value) * WORSE_ODDS
    return odds / (1 + odds)


def draw(rng: random.Random, value: float, size: float, ref: Reference) -> int:
    """Bad outcomes out of `size` (proportions), or events on `size` (a rate's exposure, a
    ratio's expected count) at the true value."""
    if ref.family in COUNT_FAMILIES:
        return poisson(rng, value * size)
    return rng.binomialvariate(int(size), value)


def cuts(ref: Reference, size: float) -> Cuts:
    """The family's alert, alarm and naive cut-offs for a provider of this size."""
    if ref.family not in COUNT_FAMILIES:
        n = int(size)
        return Cuts(
            funnel_limits(ref.rate, n, Z95, ref.tau2)[1],
            funnel_limits(ref.rate, n, Z998, ref.tau2)[1],
            funnel_limits(ref.rate, n, Z998, 0.0)[1],
        )
    expected = ref.rate * size  # a ratio's rate is 1: its size is already the expected count
    high = ref.polarity == "lower_is_better"

    def cut(tau2: float, flags: tuple[str, ...]) -> int:
        return _count_cut(lambda o: ratio_flag(o, expected, tau2, ref.polarity) in flags, high)

    return Cuts(
        cut(ref.tau2, ("alert", "alarm")),
        cut(ref.tau2, ("alarm",)),
        cut(0.0, ("alarm",)),
        high,
        counts=True,
    )


def _count_cut(bad: Callable[[int], bool], high: bool) -> int:
    # Flags are monotone in the count: above, the smallest count that is flagged; below, the
    # largest (−1: not even 0 events are flagged). Doubling then halving keeps it exact.
    if not high:
        if not bad(0):
            return -1
        low, top = 0, 1
        while bad(top):
            low, top = top, 2 * top
        while top - low > 1:
            mid = (low + top) // 2
            low, top = (mid, top) if bad(mid) else (low, mid)
        return low
    low, top = -1, 1
    while not bad(top):
        low, top = top, 2 * top
    while top - low > 1:
        mid = (low + top) // 2
        low, top = (low, mid) if bad(mid) else (mid, top)
    return top


def poisson(rng: random.Random, mean: float) -> int:
    """An exact Poisson draw: multiplication of uniforms below 10, else Hörmann's (1993)
    transformed rejection with squeeze (PTRS, as NumPy draws it)."""
    if mean <= 0:
        return 0
    if mean < 10:
        limit, k, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return k
    slam, loglam = math.sqrt(mean), math.log(mean)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + mean + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        accept = math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b)
        if accept <= -mean + k * loglam - math.lgamma(k + 1):
            return k
