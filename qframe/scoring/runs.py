"""Score runs: score a framework's period set-based, finalise a run, find the current one.

One bulk read of the measurements (plain column tuples), the engine, one bulk write (core
`insert()` executemany in chunks). Each run is a new version; the latest supersedes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from time import perf_counter
from typing import Any

from sqlalchemy import func, select

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.engine.errors import EngineError
from qframe.engine.funnel import Reference
from qframe.engine.measure_types import measure_type
from qframe.engine.types import IndicatorSpec
from qframe.errors import Conflict, DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.gcpause import collector_paused
from qframe.orgs.models import PROVIDER_KINDS
from qframe.periods.models import Period
from qframe.scoring import vbp, vbp_pass
from qframe.scoring.calculate import Column, VbpTerms, calculate, status_counts, totals
from qframe.scoring.entitlement import ProviderFacts, provider_entitlements
from qframe.scoring.inputs import (
    OrgFacts,
    from_sub_periods,
    observations,
    open_units,
    organisations,
    read_measurements,
    registers,
    sub_periods,
    whole_period,
)
from qframe.scoring.models import ScoreRun
from qframe.scoring.payment_models import payment_model
from qframe.scoring.rollup import (
    MISSING,
    ByIndicator,
    IndicatorInfo,
    ancestors,
    expected_orgs,
    present_orgs,
    roll_up,
    select_in_time,
)
from qframe.scoring.store import write_providers, write_scores
from qframe.variation.references import reference_populations

Bar = Callable[[int, str], AbstractContextManager[Any]]
VBP_PAYMENT = "paid by the linear exchange: allocate with the TPS × contract value weight"


def _no_bar(_length: int, _label: str) -> AbstractContextManager[Any]:
    return nullcontext(None)


# a national run makes millions of short-lived acyclic tuples: see collector_paused
@collector_paused()
def score_period(
    actor: User | None, framework: Framework, period: Period, *, bar: Bar | None = None
) -> ScoreRun:
    """Score every organisation with data for the period and store a new run version."""
    started = perf_counter()
    _check_scorable(framework, period)
    indicators = {i.id: i for i in framework.indicators}
    terms = vbp.thresholds(framework) if any(i.method == "vbp" for i in indicators.values()) else {}
    specs, vbp_terms = _specs(indicators.values(), terms)
    infos = {i.id: IndicatorInfo(i.measure, i.level) for i in indicators.values()}
    inside = sub_periods(period)
    valued = {i.id for i in indicators.values() if not measure_type(i.measure).counted}
    readings = read_measurements(framework, period.id, list(inside), valued)
    if not readings.own and not readings.rest:
        raise DomainError(
            f"No measurements for {framework.code} v{framework.version} in {period.label}: "
            "nothing to score"
        )
    measures = {i: info.measure for i, info in infos.items()}
    direct, combined = whole_period(readings, period.id), set[tuple[int, int]]()
    built_from = None
    if direct is None:  # some rows are for sub-periods: pick and combine row by row
        rows = readings.rows(period.id)
        found = observations(rows, readings.values)
        direct, combined = select_in_time(found, period.id, inside, measures)
        built_from = from_sub_periods(rows, period.id, inside, combined) if combined else None
    orgs = organisations()
    parents = {org: (facts.kind, facts.parent_id) for org, facts in orgs.items()}
    kinds = {org: facts.kind for org, facts in orgs.items()}
    rolled = roll_up(direct, infos, parents)
    with_data = set[int]().union(*direct.values())  # in C: half a million keys nationally
    present = present_orgs(with_data, parents, open_units(orgs, period))
    columns = _columns(indicators, direct, rolled, combined, expected_orgs(present, infos, parents))

    def references(wanted: list[int]) -> dict[int, Reference]:
        return reference_populations(framework, period, [indicators[i] for i in wanted])

    stats = calculate(
        columns, specs, vbp_terms, kinds, {org: f.code for org, f in orgs.items()}, references
    )
    providers = sorted(org for org in present if kinds.get(org) in PROVIDER_KINDS)
    scored_vbp = _apply_vbp(framework, terms, columns, [period.id, *inside], providers)
    run = _new_run(actor, framework, period)
    total = sum(len(c.orgs) for c in columns)
    with (bar or _no_bar)(total, f"Scoring {framework.code} {period.label}") as progress:
        write_scores(run, columns, {i: s.max_points for i, s in specs.items()}, progress)
    units = {org for org in present if kinds.get(org) in ("service_line", "ward")}
    sums, points = totals(columns, specs, providers, {o: ancestors(o, parents) for o in units})
    payment = _payments(framework, indicators, points, orgs)
    if scored_vbp is not None:
        # CMS pays VBP from the withhold by the linear exchange (TPS × base payment), not per
        # indicator: the reward allocation with the tps weight and no caps does it.
        payment = dict.fromkeys(payment, (None, VBP_PAYMENT))
    if providers:
        write_providers(run, providers, sums, payment)
    if scored_vbp is not None:
        vbp.store(run, scored_vbp)
    counts: dict[str, Any] = status_counts(columns)
    counts.update(
        measurements=len(readings.own) + len(readings.rest),
        scores=total,
        providers=len(providers),
        seconds=round(perf_counter() - started, 3),
    )
    if built_from:
        counts["from"] = built_from  # e.g. "4 quarters": shown beside the period
    run.counts = counts
    run.stats = stats
    paid = [pence for pence, _note in payment.values() if pence is not None]
    run.entitlement_pence = sum(paid) if paid else None
    db.session.flush()
    audit.record(
        actor,
        "scores.run",
        "score_run",
        run.id,
        after={"framework": framework.code, "period": period.label, "version": run.version}
        | counts,
    )
    return run


def _columns(
    indicators: dict[int, Indicator],
    direct: ByIndicator,
    rolled: ByIndicator,
    combined: set[tuple[int, int]],
    expected: dict[int, set[int]],
) -> list[Column]:
    """One column per indicator (in framework order), organisations in id order."""
    columns = []
    last: tuple[set[int], list[int]] = (set(), [])  # columns mostly list the same organisations
    for indicator in sorted(indicators.values(), key=lambda i: i.position):
        own, below = direct.get(indicator.id, {}), rolled.get(indicator.id, {})
        wanted = expected.get(indicator.id, set()).union(own, below)
        if wanted != last[0]:
            last = (wanted, sorted(wanted))
        orgs = last[1]
        ratio = measure_type(indicator.measure).expected
        if not below and len(own) == len(orgs):  # every row its own (a national run): in C
            obs = list(map(own.__getitem__, orgs))
            if combined:
                flags = [(org, indicator.id) in combined for org in orgs]
            else:
                flags = [False] * len(orgs)
            columns.append(Column(indicator.id, orgs, obs, flags, ratio=ratio))
            continue
        obs, flags = [], []
        for org in orgs:
            found = own.get(org)
            if found is not None:
                obs.append(found)
                flags.append((org, indicator.id) in combined)
            else:
                found = below.get(org)
                obs.append(MISSING if found is None else found)
                flags.append(found is not None)
        columns.append(Column(indicator.id, orgs, obs, flags, ratio=ratio))
    return columns


def _payments(
    framework: Framework,
    indicators: dict[int, Indicator],
    points: dict[int, dict[int, float]],
    orgs: dict[int, OrgFacts],
) -> dict[int, tuple[int | None, str | None]]:
    uses = payment_model(framework.payment_model).uses_registers
    held = registers(set(points)) if uses else {}
    facts = {
        org: ProviderFacts(orgs[org].list_size, orgs[org].contract_value_pence, held.get(org, {}))
        for org in points
    }
    return provider_entitlements(
        framework.payment_model, framework.payment or {}, list(indicators.values()), points, facts
    )


def _check_scorable(framework: Framework, period: Period) -> None:
    if framework.status == "draft":
        raise Conflict(f"{framework.code} v{framework.version} is a draft: publish it to score it")
    if period.year != framework.year:
        raise DomainError(
            f"{period.label} is not in {framework.code}'s year {framework.year}: "
            "choose a period inside it"
        )


def _apply_vbp(
    framework: Framework,
    terms: dict[int, Any],
    columns: list[Column],
    period_ids: list[int],
    providers: list[int],
) -> vbp_pass.VbpResult | None:
    """CMS points with baselines, composites, domain scores and TPS (vbp frameworks only)."""
    if not terms and not any(i.method == "vbp" for i in framework.indicators):
        return None
    measures = vbp.measures(framework, terms)
    rules, min_domains = vbp.rules(framework)
    return vbp_pass.apply_vbp(
        columns,
        measures,
        vbp.baselines(framework, measures),
        vbp.stratum_weights(framework, period_ids),
        rules,
        min_domains,
        set(providers),
    )


def _specs(
    indicators: Any, terms: dict[int, Any]
) -> tuple[dict[int, IndicatorSpec], dict[int, VbpTerms]]:
    specs: dict[int, IndicatorSpec] = {}
    vbp_terms: dict[int, VbpTerms] = {}
    for i in indicators:
        at, bm = terms.get(i.id, (None, None))
        if i.method == "vbp":
            vbp_terms[i.id] = VbpTerms(at, bm)
        try:
            specs[i.id] = IndicatorSpec(
                code=i.code,
                measure=i.measure,
                polarity=i.polarity,
                method=i.method,
                # Publishing requires max_points on a threshold indicator (frameworks.validation).
                max_points=_float(i.max_points) if i.method == "threshold" else 10.0,  # type: ignore[arg-type]
                # A vbp indicator's band runs from its achievement threshold to its benchmark.
                lower=_float(i.lower if i.method == "threshold" else at),
                upper=_float(i.upper if i.method == "threshold" else bm),
                multiplier=_float(i.multiplier),
                minimum_standard=_float(i.minimum_standard),
                min_denominator=i.min_denominator,
                group=i.group,
            )
        except EngineError as error:
            raise DomainError(f"Cannot score {i.code}: {error}") from error
    return specs, vbp_terms


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _new_run(actor: User | None, framework: Framework, period: Period) -> ScoreRun:
    latest = db.session.scalar(
        select(func.max(ScoreRun.version)).where(
            ScoreRun.framework_id == framework.id, ScoreRun.period_id == period.id
        )
    )
    run = ScoreRun(
        framework_id=framework.id,
        period_id=period.id,
        version=(latest or 0) + 1,
        status="provisional",
        created_by_id=actor.id if actor is not None else None,
        counts={},
        stats={},
    )
    db.session.add(run)
    db.session.flush()
    return run


def finalise_run(actor: User | None, run: ScoreRun) -> ScoreRun:
    """Mark the latest run of its framework and period final; from then on it never changes."""
    if run.is_final:
        raise Conflict(f"Version {run.version} is already final")
    latest = latest_run(run.framework_id, run.period_id)
    if latest is not None and latest.id != run.id:
        raise Conflict(
            f"Version {run.version} has been superseded by version {latest.version}: "
            "finalise the latest version"
        )
    run.status = "final"
    run.finalised_by_id = actor.id if actor is not None else None
    run.finalised_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "scores.finalise",
        "score_run",
        run.id,
        before={"status": "provisional"},
        after={"status": "final", "version": run.version},
    )
    return run


def latest_run(framework_id: int, period_id: int) -> ScoreRun | None:
    """The newest version for a framework and period, final or not."""
    return db.session.scalar(
        select(ScoreRun)
        .where(ScoreRun.framework_id == framework_id, ScoreRun.period_id == period_id)
        .order_by(ScoreRun.version.desc())
        .limit(1)
    )


def current_final_run(framework: Framework, period: Period) -> ScoreRun | None:
    """The newest final run for a framework and period (what rewards pay on), or None."""
    return db.session.scalar(
        select(ScoreRun)
        .where(
            ScoreRun.framework_id == framework.id,
            ScoreRun.period_id == period.id,
            ScoreRun.status == "final",
        )
        .order_by(ScoreRun.version.desc())
        .limit(1)
    )
