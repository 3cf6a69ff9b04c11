"""Simulate the escalation ladder on a framework's providers (domain.md §8 calibration).

Each simulated provider keeps its real quarterly denominators; its true rate of the bad
outcome on each indicator is drawn from the reference population (arcsine scale, τ²) and
stays there (in control), worsens for one quarter on one indicator (a pocket), or worsens
for good on a third of its indicators (odds × 1/0.6, sustained). Signals are those the
calibrated ladder uses (reference-population funnel alarms, CUSUM, persistence, breadth);
the naive rule (any unadjusted 99.8% alarm ⇒ level 2) is scored on the same draws.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.cusum import overdispersion_scale, siegmund_threshold, weight
from qframe.engine.funnel import Z95, Z998, funnel_limits
from qframe.engine.signals_ladder import TRIGGERS, QuarterSignals, ladder_levels

SCENARIOS = ("in_control", "pocket", "sustained")
WORSE_ODDS = 1 / 0.6
QUARTERS = 4


@dataclass(frozen=True, slots=True)
class SimIndicator:
    """One indicator of one provider: its quarterly denominator and domain."""

    code: str
    domain: str
    n: int


@dataclass(frozen=True, slots=True)
class Reference:
    """An indicator's reference rate of the bad outcome and τ² on the arcsine scale."""

    rate: float
    tau2: float


@dataclass(frozen=True, slots=True)
class SimResult:
    """Share of providers at level 2+ (year; by Q3 for sustained) and per trigger."""

    scenario: str
    providers: int
    level2: float
    level3: float
    naive_level2: float
    by_trigger: dict[str, float]


def simulate(
    providers: Sequence[Sequence[SimIndicator]],
    references: dict[str, Reference],
    scenario: str,
    runs: int,
    seed: int,
) -> SimResult:
    """Run `runs` simulated years of every provider under one scenario."""
    rng = random.Random(seed)  # noqa: S311 (a seeded simulation, not a secret)
    horizon = 3 if scenario == "sustained" else QUARTERS
    limits = _limit_cache(providers, references)
    total = level2 = level3 = naive = 0
    fired = dict.fromkeys(TRIGGERS, 0)
    for _ in range(runs):
        for indicators in providers:
            quarters, naive_hit = _draw_year(rng, indicators, references, scenario, limits)
            levels, triggers = ladder_levels(quarters[:horizon])
            total += 1
            level2 += max(levels) >= 2
            level3 += max(levels) >= 3
            naive += any(naive_hit[:horizon])
            for name in triggers:
                fired[name] += 1
    share = {k: v / total for k, v in fired.items()}
    return SimResult(scenario, total, level2 / total, level3 / total, naive / total, share)


def cusum_run_length(indicators: int) -> float:
    """In-control average run length (quarters) for each indicator's CUSUM: at least ten years
    (domain.md), and long enough that a provider with this many indicators is escalated by
    chance in under 4% of years (4 quarters × indicators / 0.04)."""
    return max(40.0, 4 * indicators / 0.04)


Limits = dict[tuple[str, int], tuple[float, float, float, float, float]]
# τ² assumed where a run could not estimate it (arcsine scale): the calibrate report says so.
DEFAULT_TAU2 = 0.02**2


def cusum_tau2(tau2: float | None) -> float:
    """The τ² the CUSUM is scaled by: the funnel's estimate, or the assumed default when the
    run estimated none (the same rule for the simulation and the stored ladder)."""
    return tau2 if tau2 is not None and tau2 > 0 else DEFAULT_TAU2


def _limit_cache(
    providers: Sequence[Sequence[SimIndicator]], references: dict[str, Reference]
) -> Limits:
    cache: Limits = {}
    arl = cusum_run_length(max((len(p) for p in providers), default=1))
    for indicators in providers:
        for ind in indicators:
            ref = references[ind.code]
            key = (ind.code, ind.n)
            if key in cache or ind.n < 1:
                continue
            scale = overdispersion_scale(ind.n, cusum_tau2(ref.tau2))
            cache[key] = (
                funnel_limits(ref.rate, ind.n, Z95, ref.tau2)[1],
                funnel_limits(ref.rate, ind.n, Z998, ref.tau2)[1],
                funnel_limits(ref.rate, ind.n, Z998, 0.0)[1],
                siegmund_threshold(ind.n * scale, ref.rate, arl)  # type: ignore[arg-type]
                if 0 < ref.rate < 1
                else math.inf,
                scale,
            )
    return cache


def _draw_year(
    rng: random.Random,
    indicators: Sequence[SimIndicator],
    references: dict[str, Reference],
    scenario: str,
    limits: Limits,
) -> tuple[list[QuarterSignals], list[bool]]:
    true = []
    for ind in indicators:
        ref = references[ind.code]
        angle = math.asin(math.sqrt(ref.rate)) + rng.gauss(0, math.sqrt(ref.tau2))
        true.append(math.sin(min(max(angle, 0.0), math.pi / 2)) ** 2)
    worse: set[tuple[int, int]] = set()
    usable = [k for k, ind in enumerate(indicators) if ind.n > 0]
    if scenario == "pocket" and usable:
        worse.add((rng.choice(usable), rng.randrange(QUARTERS)))
    elif scenario == "sustained" and usable:
        for k in rng.sample(usable, max(1, round(len(usable) / 3))):
            worse.update((k, q) for q in range(QUARTERS))
    sums = [0.0] * len(indicators)
    quarters: list[QuarterSignals] = []
    naive: list[bool] = []
    for q in range(QUARTERS):
        alerts: list[tuple[str, str]] = []
        alarms: list[tuple[str, str]] = []
        cusum: list[tuple[str, str]] = []
        naive_hit = False
        for k, ind in enumerate(indicators):
            if ind.n < 1:
                continue
            p = _worsen(true[k]) if (k, q) in worse else true[k]
            bad = rng.binomialvariate(ind.n, p)
            share = bad / ind.n
            high95, high998, naive998, h, scale = limits[(ind.code, ind.n)]
            if share > high998:
                alarms.append((ind.code, ind.domain))
            elif share > high95:
                alerts.append((ind.code, ind.domain))
            naive_hit = naive_hit or share > naive998
            rate = references[ind.code].rate
            step = scale * weight(bad, ind.n, rate) if 0 < rate < 1 else -math.inf
            sums[k] = max(0.0, sums[k] + step)
            # Above h and still rising: a pocket's one big quarter is followed by a fall.
            if sums[k] > h and step > 0:
                cusum.append((ind.code, ind.domain))
        count = sum(1 for ind in indicators if ind.n > 0)
        quarters.append(QuarterSignals(tuple(alerts), tuple(alarms), tuple(cusum), count))
        naive.append(naive_hit)
    return quarters, naive


def _worsen(p: float) -> float:
    odds = p / (1 - p) * WORSE_ODDS
    return odds / (1 + odds)
