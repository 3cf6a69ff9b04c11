"""Simulate the ladder on a framework's own providers (domain.md §8 "where the bar is set").

Providers come from the framework's last scored year: each provider's quarterly denominator on
each proportion indicator the ladder judges it on (the year's denominator over four when the
year was scored whole). That is every proportion with a row at the provider: its own
indicators and the ward and service-line ones rolled up to it (escalation/signals.py reads the
same rows), not only the provider-level ones: a framework measured mostly on wards (CQF) was
otherwise simulated on one small indicator and under-stated the ladder's detection.
Each indicator's reference rate and between-provider variation τ² come from the run's funnel
(the reference population when it had one); when τ² could not be estimated, a modest default (τ
= 0.02 on the arcsine scale) is used and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

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


@dataclass(frozen=True)
class Calibration:
    """The simulated rates and what they were drawn from."""

    framework: Framework
    period: Period
    providers: int
    indicators: int
    assumed_tau2: tuple[str, ...]
    results: tuple[SimResult, ...]

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
    indicators = {
        i.id: i for i in framework.indicators if i.measure in measures_in_family("proportion")
    }
    if not indicators:
        raise DomainError(f"{framework.code} has no proportion indicators to simulate")
    share = 4 if run.period.kind == "year" else (1 / 3 if run.period.kind == "month" else 1)
    references, assumed = {}, []
    for iid, ind in indicators.items():
        stat = (run.stats or {}).get(str(iid), {}).get("provider", {})
        target = stat.get("target")
        if target is None:
            continue
        bad = target if ind.polarity == "lower_is_better" else 1 - target
        tau2 = stat.get("tau2") or 0.0
        if tau2 <= 0:
            tau2 = DEFAULT_TAU2
            assumed.append(ind.code)
        references[ind.code] = Reference(min(max(bad, 1e-6), 1 - 1e-6), tau2)
    rows = db.session.execute(
        select(Score.organisation_id, Score.indicator_id, Score.denominator)
        .join(Organisation, Organisation.id == Score.organisation_id)
        .where(Score.run_id == run.id, Organisation.kind.in_(PROVIDER_KINDS))
    )
    providers: dict[int, list[SimIndicator]] = {}
    for org, iid, den in rows:
        found = indicators.get(iid)
        if found is None or found.code not in references or not den:
            continue
        n = max(1, round(den / share))
        providers.setdefault(org, []).append(SimIndicator(found.code, found.domain.code, n))
    if not providers:
        raise DomainError(f"{framework.code} {run.period.label} has no provider denominators")
    sims = [list(v) for _k, v in sorted(providers.items())]
    results = tuple(simulate(sims, references, s, runs, seed) for s in SCENARIOS)
    return Calibration(framework, run.period, len(sims), len(references), tuple(assumed), results)


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
