"""Simulate the ladder on a framework's own providers (domain.md §8 "where the bar is set").

Providers come from the framework's last scored year: each provider's quarterly size on each
indicator the ladder judges it on (the year's over four when the year was scored whole): a
proportion's denominator, a rate's exposure, a ratio's expected count. That is every funnel
indicator with a row at the provider: its own indicators and the ward and service-line ones
rolled up to it (escalation/signals.py reads the same rows), not only the provider-level ones:
a framework measured mostly on wards (CQF) was otherwise simulated on one small indicator and
under-stated the ladder's detection. Rates and ratios (SHMI) alarm in the stored ladder like
proportions, so leaving them out under-stated false escalation.
Each indicator's reference (a proportion's or a rate's target; 1 for a ratio) and between-
provider variation τ² come from the run's funnel (the reference population when it had one).
When τ² could not be estimated a modest default is used and the report says so: τ = 0.02 on
the arcsine scale for proportions (τ² ≤ 0 stored), τ = 0.1 on the log scale for rates and
ratios (none stored, or provisional limits: the funnel had no τ² to give). A rate's or ratio's
τ² of 0 with an estimate behind it is kept: the real funnel then uses exact Poisson limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qframe.engine.ladder_draws import COUNT_FAMILIES
from qframe.engine.ladder_sim import (
    DEFAULT_TAU2,
    SCENARIOS,
    Reference,
    SimIndicator,
    SimResult,
    simulate,
)
from qframe.engine.measure_types import measures_in_family
from qframe.errors import DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun

DOMAIN_RATES = {"in_control": 0.05, "pocket": 0.10, "sustained": 0.80}
FAMILIES = ("proportion", *COUNT_FAMILIES)
# τ assumed on the log scale for a rate or ratio whose run estimated no τ² (10% spread in O/E).
DEFAULT_LOG_TAU2 = 0.1**2


@dataclass(frozen=True)
class Calibration:
    """The simulated rates and what they were drawn from."""

    framework: Framework
    period: Period
    providers: int
    indicators: int
    assumed_tau2: tuple[str, ...]
    results: tuple[SimResult, ...]
    assumed_log: tuple[str, ...] = ()  # those of assumed_tau2 that are rates or ratios
    by_family: tuple[tuple[str, int], ...] = ()  # ("proportion", 9), ("rate", 3), ...

    def family_words(self) -> str:
        """How many indicators of each family were simulated: '9 proportions, 1 ratio'."""
        return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in self.by_family)

    def assumed_words(self) -> str:
        """Which indicators had τ² assumed, and the spread assumed, in words ('' for none)."""
        parts = []
        arcsine = [c for c in self.assumed_tau2 if c not in self.assumed_log]
        if arcsine:
            parts.append(f"{', '.join(arcsine)} (tau = 0.02 assumed, arcsine scale)")
        if self.assumed_log:
            parts.append(f"{', '.join(self.assumed_log)} (tau = 0.1 assumed, log scale)")
        return "; ".join(parts)

    def meets(self) -> dict[str, bool]:
        """Whether each scenario meets domain.md §8's rate."""
        out = {}
        for r in self.results:
            limit = DOMAIN_RATES[r.scenario]
            out[r.scenario] = r.level2 >= limit if r.scenario == "sustained" else r.level2 <= limit
        return out


def calibrate_ladder(framework: Framework, runs: int = 200, seed: int = 13) -> Calibration:
    """Simulate every scenario on the framework's providers; refuse without a scored year."""
    run = _last_scored_run(framework)
    if run is None:
        raise DomainError(
            f"{framework.code} v{framework.version} has no scored period yet: the ladder is "
            "simulated on a year of real results, so score a period first"
        )
    family = {m: f for f in FAMILIES for m in measures_in_family(f)}
    indicators = {i.id: i for i in framework.indicators if i.measure in family}
    if not indicators:
        raise DomainError(f"{framework.code} has no funnel indicators to simulate")
    share = 4 if run.period.kind == "year" else (1 / 3 if run.period.kind == "month" else 1)
    references, assumed = {}, []
    for iid, ind in indicators.items():
        stat = (run.stats or {}).get(str(iid), {}).get("provider", {})
        ref, guessed = _reference(family[ind.measure], ind.polarity, stat)
        if ref is not None:
            references[ind.code] = ref
        if ref is not None and guessed:
            assumed.append(ind.code)
    rows = db.session.execute(
        select(Score.organisation_id, Score.indicator_id, Score.denominator, Score.expected)
        .join(Organisation, Organisation.id == Score.organisation_id)
        .where(Score.run_id == run.id, Organisation.kind.in_(PROVIDER_KINDS))
    )
    providers: dict[int, list[SimIndicator]] = {}
    for org, iid, den, expected in rows:
        found = indicators.get(iid)
        if found is None or found.code not in references:
            continue
        kind = references[found.code].family
        size = expected if kind == "ratio" else den
        if not size or size <= 0:
            continue
        n = size / share if kind in COUNT_FAMILIES else max(1, round(size / share))
        providers.setdefault(org, []).append(SimIndicator(found.code, found.domain.code, n))
    if not providers:
        raise DomainError(f"{framework.code} {run.period.label} has no provider denominators")
    sims = [list(v) for _k, v in sorted(providers.items())]
    results = tuple(simulate(sims, references, s, runs, seed) for s in SCENARIOS)
    log = tuple(c for c in assumed if references[c].family in COUNT_FAMILIES)
    kinds = [r.family for r in references.values()]
    counted = tuple((k, kinds.count(k)) for k in FAMILIES if k in kinds)
    return Calibration(
        framework, run.period, len(sims), len(references), tuple(assumed), results, log, counted
    )


def _reference(kind: str, polarity: str, stat: dict) -> tuple[Reference | None, bool]:
    """The simulation's reference for one indicator, and whether its τ² was assumed."""
    target = stat.get("target")
    if target is None:
        return None, False
    stored = stat.get("tau2")
    tau2 = 0.0 if stored is None else float(stored)
    if kind in COUNT_FAMILIES:
        if not float(target) > 0:
            return None, False
        guessed = stored is None or bool(stat.get("provisional"))
        spread = DEFAULT_LOG_TAU2 if guessed else max(tau2, 0.0)
        rate = 1.0 if kind == "ratio" else float(target)
        return Reference(rate, spread, kind, polarity), guessed  # type: ignore[arg-type]
    bad = target if polarity == "lower_is_better" else 1 - target
    guessed = not tau2 > 0
    spread = DEFAULT_TAU2 if guessed else tau2
    return Reference(min(max(bad, 1e-6), 1 - 1e-6), spread), guessed


def _last_scored_run(framework: Framework) -> ScoreRun | None:
    """The latest run of the framework code's newest scored year (any version)."""
    stmt = (
        select(ScoreRun)
        .join(Framework, Framework.id == ScoreRun.framework_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(Framework.code == framework.code)
        .order_by(Framework.year.desc(), Period.end_date.desc(), ScoreRun.version.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)
