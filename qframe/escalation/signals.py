"""Adapters to scoring and budgets: what each provider's latest score runs showed, per period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from qframe.budgets.reports import overspend_signals
from qframe.engine.cusum import overdispersion_scale, siegmund_threshold, weight
from qframe.engine.escalation import ProviderPeriodSignals
from qframe.engine.ladder_sim import cusum_run_length, cusum_tau2
from qframe.engine.measure_types import measures_in_family
from qframe.extensions import db
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun

KIND_PREFERENCE = ("quarter", "month", "year")


@dataclass
class ProviderPeriod:
    """One provider's rows in one run, gathered for the engine and for the support proposal."""

    alerts: set[str] = field(default_factory=set)
    alarms: set[str] = field(default_factory=set)
    breaches: set[tuple[str, str]] = field(default_factory=set)
    indicators: set[str] = field(default_factory=set)
    points: dict[str, tuple[float, float]] = field(default_factory=dict)  # code → (got, max)
    provisional_alarms: set[str] = field(default_factory=set)
    domains: dict[str, str] = field(default_factory=dict)  # code → domain code
    bad: dict[str, tuple[int, int]] = field(default_factory=dict)  # code → (bad outcomes, n)
    cusum: set[str] = field(default_factory=set)  # filled by `add_cusum` across the periods

    def signals(self, period: str, overspend: float | None) -> ProviderPeriodSignals:
        breached = {code for code, _ in self.breaches}
        return ProviderPeriodSignals(
            period=period,
            alerts=tuple(sorted(self.alerts)),
            alarms=tuple(sorted(self.alarms)),
            breaches=tuple(sorted(self.breaches)),
            indicator_count=len(self.indicators | breached),
            overspend_percent=overspend,
            provisional_alarms=tuple(sorted(self.provisional_alarms)),
            domains=tuple(sorted(self.domains.items())),
            cusum=tuple(sorted(self.cusum)),
        )


def latest_runs(framework: Framework, kind: str = "auto") -> list[tuple[Period, ScoreRun]]:
    """The newest run of each scored period of one kind, oldest period first.

    "auto" picks quarters when any quarter is scored, else months, else the year.
    """
    rows = db.session.execute(
        select(Period, ScoreRun)
        .join(ScoreRun, ScoreRun.period_id == Period.id)
        .where(ScoreRun.framework_id == framework.id)
        .order_by(Period.start_date, ScoreRun.version.desc())
    ).all()
    newest: dict[int, tuple[Period, ScoreRun]] = {}
    for period, run in rows:
        newest.setdefault(period.id, (period, run))
    kinds = {period.kind for period, _ in newest.values()}
    if kind == "auto":
        kind = next((k for k in KIND_PREFERENCE if k in kinds), "quarter")
    return [(p, r) for p, r in newest.values() if p.kind == kind]


def indicator_facts(framework: Framework) -> dict[int, tuple[str, str, str]]:
    """Indicator id → (code, domain code, title)."""
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, FrameworkDomain.code, Indicator.title)
        .join(FrameworkDomain, FrameworkDomain.id == Indicator.domain_id)
        .where(Indicator.framework_id == framework.id)
    )
    return {i: (code, domain, title) for i, code, domain, title in rows}


def provider_of() -> dict[int, int]:
    """Every provider, service line and ward id → the provider it belongs to."""
    rows = db.session.execute(select(Organisation.id, Organisation.kind, Organisation.parent_id))
    kinds, parents = {}, {}
    for org, kind, parent in rows:
        kinds[org], parents[org] = kind, parent
    owners = {}
    for org in kinds:
        walk: int | None = org
        hops = 0
        while walk is not None and kinds.get(walk) not in PROVIDER_KINDS and hops < 4:
            walk, hops = parents.get(walk), hops + 1
        if walk is not None and kinds.get(walk) in PROVIDER_KINDS:
            owners[org] = walk
    return owners


def gather(
    run_ids: list[int], indicators: dict[int, tuple[str, str, str]], owners: dict[int, int]
) -> dict[int, dict[int, ProviderPeriod]]:
    """Run id → provider id → its rows: its own flags and points, breaches over its units too.

    Funnel flags are only ever set on the bad side (scoring's `funnel_flags`), so an alert or
    alarm is always a concern. Breaches count on the provider's own rows and its wards' and
    service lines', as the scoring totals do.
    """
    if not run_ids:
        return {}
    providers = select(Organisation.id).where(Organisation.kind.in_(PROVIDER_KINDS))
    rows = db.session.execute(
        select(
            Score.run_id,
            Score.organisation_id,
            Score.indicator_id,
            Score.points,
            Score.max_points,
            Score.breach,
            Score.funnel_flag,
            Score.status,
            Score.numerator,
            Score.denominator,
        ).where(
            Score.run_id.in_(run_ids),
            or_(Score.organisation_id.in_(providers), Score.breach.is_(True)),
        )
    )
    provisional = _provisional(run_ids)
    found: dict[int, dict[int, ProviderPeriod]] = defaultdict(dict)
    polarity = proportion_polarity(indicators)
    for run, org, indicator, points, max_points, breach, flag, status, num, den in rows:
        provider = owners.get(org)
        if provider is None or indicator not in indicators:
            continue
        code, domain, _title = indicators[indicator]
        facts = found[run].setdefault(provider, ProviderPeriod())
        if breach:
            facts.breaches.add((code, domain))
        if org != provider:
            continue
        facts.domains[code] = domain
        if indicator in polarity and num is not None and den and 0 <= num <= den:
            facts.bad[code] = (num if polarity[indicator] == "lower_is_better" else den - num, den)
        if status != "missing":
            facts.indicators.add(code)
            facts.points[code] = (points, max_points)
        if flag == "alert":
            facts.alerts.add(code)
        elif flag == "alarm" and indicator in provisional.get(run, set()):
            facts.provisional_alarms.add(code)
        elif flag == "alarm":
            facts.alarms.add(code)
    return found


def proportion_polarity(indicators: dict[int, tuple[str, str, str]]) -> dict[int, str]:
    """Proportion indicators (the Bernoulli CUSUM's outcome) → their polarity."""
    rows = db.session.execute(
        select(Indicator.id, Indicator.polarity).where(
            Indicator.id.in_(list(indicators)),
            Indicator.measure.in_(measures_in_family("proportion")),
        )
    )
    return {i: polarity for i, polarity in rows}


def add_cusum(
    ordered_runs: list[int],
    found: dict[int, dict[int, ProviderPeriod]],
    indicators: dict[int, tuple[str, str, str]],
) -> None:
    """Run each provider's CUSUM per indicator over the stored score history, oldest first.

    The reference rate p0 of the bad outcome is the run's provider funnel target (from the
    reference population when there is one); h gives the in-control run length the
    calibration simulation uses (`cusum_run_length`), so the stored ladder fires as the
    calibrate page promises. Each step and h are scaled for the run's between-provider
    variation τ² (`overdispersion_scale`, the assumed default where none was estimated), as
    the simulation scales them. A period whose target is unknown leaves the chart unchanged.
    """
    polarity = proportion_polarity(indicators)
    code_of = {i: indicators[i][0] for i in polarity}
    references = reference_rates(ordered_runs, polarity, code_of)
    sums: dict[tuple[int, str], float] = defaultdict(float)
    for run in ordered_runs:
        for org, facts in found.get(run, {}).items():
            arl = cusum_run_length(max(len(facts.indicators), 1))
            for code, (bad, n) in sorted(facts.bad.items()):
                p0, tau2 = references.get(run, {}).get(code, (None, None))
                if p0 is None or not 0 < p0 < 1:
                    continue
                scale = overdispersion_scale(n, cusum_tau2(tau2))
                step = scale * weight(bad, n, p0)
                sums[org, code] = max(0.0, sums[org, code] + step)
                # Above h and still rising: a pocket's one big quarter is followed by a fall.
                h = siegmund_threshold(n * scale, p0, arl)  # type: ignore[arg-type]
                if sums[org, code] > h and step > 0:
                    facts.cusum.add(code)


def reference_rates(
    run_ids: list[int], polarity: dict[int, str], code_of: dict[int, str]
) -> dict[int, dict[str, tuple[float, float | None]]]:
    """Run id → indicator code → (the reference rate of the bad outcome, i.e. its funnel
    target; the funnel's between-provider variation τ², None if not stored)."""
    found: dict[int, dict[str, tuple[float, float | None]]] = {}
    for run_id, stats in db.session.execute(
        select(ScoreRun.id, ScoreRun.stats).where(ScoreRun.id.in_(run_ids))
    ):
        for indicator, levels in (stats or {}).items():
            target = (levels or {}).get("provider", {}).get("target")
            if target is None or int(indicator) not in polarity:
                continue
            good = polarity[int(indicator)] == "higher_is_better"
            bad_rate = 1 - float(target) if good else float(target)
            tau2 = (levels or {}).get("provider", {}).get("tau2")
            found.setdefault(run_id, {})[code_of[int(indicator)]] = (
                bad_rate,
                None if tau2 is None else float(tau2),
            )
    return found


def _provisional(run_ids: list[int]) -> dict[int, set[int]]:
    """Run id → indicators whose provider funnel had no reference population (issue 13)."""
    found: dict[int, set[int]] = {}
    for run_id, stats in db.session.execute(
        select(ScoreRun.id, ScoreRun.stats).where(ScoreRun.id.in_(run_ids))
    ):
        for indicator, levels in (stats or {}).items():
            if (levels or {}).get("provider", {}).get("provisional"):
                found.setdefault(run_id, set()).add(int(indicator))
    return found


def overspend_by_provider(
    provider_ids: list[int], year: str, owners: dict[int, int]
) -> dict[int, float]:
    """Each provider's worst budget holder overspend (%), from the budgets feature."""
    worst: dict[int, float] = {}
    for holder_org, percent in overspend_signals(provider_ids, year).items():
        provider = owners.get(holder_org)
        if provider is not None and percent > worst.get(provider, float("-inf")):
            worst[provider] = percent
    return worst
