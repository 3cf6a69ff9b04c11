"""Bernoulli log-likelihood CUSUM per provider and indicator (domain.md §7 "Drift").

Each period adds W = x·log R − n·log(1 − p0 + R·p0) for x bad outcomes out of n, where p0 is
the reference rate of the bad outcome and R the odds ratio to detect (qframe rule: 2). The
chart S = max(0, S + W) signals above h and restarts at 0. h is set so that an in-control
provider signals less than once in ten years (average run length by simulation, seeded).
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.errors import InvalidInput

DETECT_ODDS_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class CusumResult:
    """The chart value after each period and the periods (0-based) where it signalled."""

    values: tuple[float, ...]
    signals: tuple[int, ...]
    threshold: float


def weight(bad: int, n: int, p0: float, odds_ratio: float = DETECT_ODDS_RATIO) -> float:
    """The log-likelihood ratio of one period's bad outcomes: R-fold odds against p0."""
    if not 0 < p0 < 1 or not odds_ratio > 0 or bad < 0 or n < bad:
        raise InvalidInput("need 0 < p0 < 1, an odds ratio > 0 and 0 <= bad <= n")
    return bad * math.log(odds_ratio) - n * math.log(1 - p0 + odds_ratio * p0)


def cusum(
    counts: Sequence[tuple[int, int]],
    p0: float,
    threshold: float,
    odds_ratio: float = DETECT_ODDS_RATIO,
) -> CusumResult:
    """Run the chart over (bad outcomes, cases) per period, oldest first."""
    if not threshold > 0:
        raise InvalidInput("the CUSUM threshold must be above 0")
    s, values, signals = 0.0, [], []
    for i, (bad, n) in enumerate(counts):
        s = max(0.0, s + weight(bad, n, p0, odds_ratio))
        values.append(s)
        if s > threshold:
            signals.append(i)
            s = 0.0
    return CusumResult(tuple(values), tuple(signals), threshold)


def threshold_for(
    n: int,
    p0: float,
    *,
    periods_per_year: int = 4,
    years: float = 10.0,
    odds_ratio: float = DETECT_ODDS_RATIO,
    runs: int = 400,
    seed: int = 13,
) -> float:
    """The smallest h (to 0.01) whose in-control average run length is at least `years`.

    Simulates `runs` in-control series of n cases a period (normal approximation to the
    binomial above 50 expected events, exact draws below) with a fixed seed.
    """
    if n < 1:
        raise InvalidInput("need at least one case a period")
    rng = random.Random(seed)  # noqa: S311 (a seeded simulation, not a secret)
    horizon = int(periods_per_year * years * 4)
    series = [[_draw(rng, n, p0) for _ in range(horizon)] for _ in range(runs)]
    weights = [[weight(x, n, p0, odds_ratio) for x in run] for run in series]
    need = periods_per_year * years
    low, high = 0.0, 1.0
    while _mean_run(weights, high) < need:
        high *= 2
    while high - low > 0.01:
        mid = (low + high) / 2
        low, high = (mid, high) if _mean_run(weights, mid) < need else (low, mid)
    return round(high, 2)


def _mean_run(weights: list[list[float]], h: float) -> float:
    # Run length to the first signal; a run without one counts its full horizon (a floor).
    total = 0
    for run in weights:
        s, length = 0.0, len(run)
        for i, w in enumerate(run):
            s = max(0.0, s + w)
            if s > h:
                length = i + 1
                break
        total += length
    return total / len(weights)


def _draw(rng: random.Random, n: int, p: float) -> int:
    if n * min(p, 1 - p) > 50:
        return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
    return sum(1 for _ in range(n) if rng.random() < p)


def siegmund_threshold(
    n: int, p0: float, arl: float, odds_ratio: float = DETECT_ODDS_RATIO
) -> float:
    """h giving an in-control average run length of `arl` periods (Siegmund's approximation
    for a CUSUM of normal increments; good when n·p0 is large, as for trusts' quarters)."""
    if n < 1 or not 0 < p0 < 1 or not arl > 1:
        raise InvalidInput("need n >= 1, 0 < p0 < 1 and an average run length above 1")
    mean = n * (p0 * math.log(odds_ratio) - math.log(1 - p0 + odds_ratio * p0))
    sd = math.sqrt(n * p0 * (1 - p0)) * math.log(odds_ratio)
    delta = mean / sd  # negative in control

    def run_length(b: float) -> float:
        return (math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta)

    low, high = 0.0, 1.0
    while run_length(high) < arl:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if run_length(mid) < arl else (low, mid)
    return max(0.01, sd * (high - 1.166))


def overdispersion_scale(n: float, tau2: float) -> float:
    """The share of n that is effective once between-provider variation τ² (arcsine scale,
    domain.md §7) is allowed for: n_eff = n / (1 + 4nτ²), since 1/(4 n_eff) = 1/(4n) + τ².

    The funnel widens its limits by τ²; the CUSUM is scaled the same way (W·n_eff/n, h for
    n_eff), so a provider whose stable rate differs from the reference by the ordinary
    between-provider variation does not drift up on a large indicator (issue 13)."""
    if n < 0 or tau2 < 0 or not math.isfinite(tau2):
        raise InvalidInput("need n >= 0 and a finite τ² >= 0")
    return 1.0 / (1.0 + 4.0 * n * tau2)
