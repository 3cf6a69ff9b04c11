"""Simulate the escalation ladder on a framework's providers (domain.md §8 calibration).

Each simulated provider keeps its real quarterly sizes (a proportion's denominator, a rate's
exposure, a ratio's expected count); its true value on each indicator is drawn from the
reference population (τ² on the family's scale, `ladder_draws`) and stays there (in
control), worsens for one quarter on one indicator (a pocket), or worsens for good on a
third of its indicators (odds, or a rate, × 1/0.6: sustained). Signals are those the stored
ladder uses: reference-population funnel alarms on every family, persistence and breadth, and
the Bernoulli CUSUM on proportions only (escalation/signals.py runs no CUSUM on rates or
ratios). The naive rule (any unadjusted 99.8% alarm ⇒ level 2) is scored on the same draws.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.cusum import overdispersion_scale, siegmund_threshold, weight
from qframe.engine.ladder_draws import (
    COUNT_FAMILIES,
    WORSE_ODDS,
    Cuts,
    Reference,
    cuts,
    draw,
    true_value,
    worsen,
)
from qframe.engine.signals_ladder import TRIGGERS, QuarterSignals, ladder_levels

__all__ = [
    "WORSE_ODDS", "Reference", "SimIndicator", "SimResult", "draw_year", "limit_cache", "simulate",
]  # fmt: skip

SCENARIOS = ("in_control", "pocket", "sustained")
QUARTERS = 4


@dataclass(frozen=True, slots=True)
class SimIndicator:
    """One indicator of one provider: its quarterly size (a proportion's denominator, a
    rate's exposure, a ratio's expected count) and domain."""

    code: str
    domain: str
    n: float


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
    limits = limit_cache(providers, references)
    total = level2 = level3 = naive = 0
    fired = dict.fromkeys(TRIGGERS, 0)
    for _ in range(runs):
        for indicators in providers:
            quarters, naive_hit = draw_year(rng, indicators, references, scenario, limits)
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


# Per (indicator, size): its cut-offs, the CUSUM's threshold h and its step scale.
Limits = dict[tuple[str, float], tuple[Cuts, float, float]]
# τ² assumed where a run could not estimate it (arcsine scale): the calibrate report says so.
DEFAULT_TAU2 = 0.02**2


def cusum_tau2(tau2: float | None) -> float:
    """The τ² the CUSUM is scaled by: the funnel's estimate, or the assumed default when the
    run estimated none (the same rule for the simulation and the stored ladder)."""
    return tau2 if tau2 is not None and tau2 > 0 else DEFAULT_TAU2


def limit_cache(
    providers: Sequence[Sequence[SimIndicator]], references: dict[str, Reference]
) -> Limits:
    """Every provider-indicator's cut-offs and (proportions only) CUSUM threshold and scale."""
    cache: Limits = {}
    arl = cusum_run_length(max((len(p) for p in providers), default=1))
    for indicators in providers:
        for ind in indicators:
            ref = references[ind.code]
            key = (ind.code, ind.n)
            if key in cache or not _usable(ind, ref):
                continue
            if ref.family in COUNT_FAMILIES:
                cache[key] = (cuts(ref, ind.n), math.inf, 1.0)
                continue
            scale = overdispersion_scale(int(ind.n), cusum_tau2(ref.tau2))
            h = (
                siegmund_threshold(int(ind.n) * scale, ref.rate, arl)  # type: ignore[arg-type]
                if 0 < ref.rate < 1
                else math.inf
            )
            cache[key] = (cuts(ref, ind.n), h, scale)
    return cache


def _usable(ind: SimIndicator, ref: Reference) -> bool:
    return ind.n > 0 if ref.family in COUNT_FAMILIES else ind.n >= 1


def draw_year(
    rng: random.Random,
    indicators: Sequence[SimIndicator],
    references: dict[str, Reference],
    scenario: str,
    limits: Limits,
) -> tuple[list[QuarterSignals], list[bool]]:
    """One provider's four quarters of signals under a scenario, and the naive rule's hits."""
    refs = [references[ind.code] for ind in indicators]
    true = [true_value(rng, ref) for ref in refs]
    usable = [k for k, ind in enumerate(indicators) if _usable(ind, refs[k])]
    worse: set[tuple[int, int]] = set()
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
        for k in usable:
            ind, ref = indicators[k], refs[k]
            value = worsen(true[k], ref) if (k, q) in worse else true[k]
            bad = draw(rng, value, ind.n, ref)
            cut, h, scale = limits[(ind.code, ind.n)]
            result = bad if cut.counts else bad / ind.n
            if cut.beyond(cut.alarm, result):
                alarms.append((ind.code, ind.domain))
            elif cut.beyond(cut.alert, result):
                alerts.append((ind.code, ind.domain))
            naive_hit = naive_hit or cut.beyond(cut.naive, result)
            if cut.counts:
                continue  # the stored ladder's CUSUM is Bernoulli: proportions only
            step = scale * weight(bad, int(ind.n), ref.rate) if 0 < ref.rate < 1 else -math.inf
            sums[k] = max(0.0, sums[k] + step)
            # Above h and still rising: a pocket's one big quarter is followed by a fall.
            if sums[k] > h and step > 0:
                cusum.append((ind.code, ind.domain))
        quarters.append(QuarterSignals(tuple(alerts), tuple(alarms), tuple(cusum), len(usable)))
        naive.append(naive_hit)
    return quarters, naive
