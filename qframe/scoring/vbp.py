"""The database side of VBP scoring: thresholds (fixed, or computed from the baseline period
once and frozen with the framework version), baselines, stratum weights, and storing points,
domain scores and the TPS of a run."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from sqlalchemy import bindparam, select, update

from qframe.engine.errors import EngineError
from qframe.engine.vbp import exact_thresholds
from qframe.engine.vbp_domains import DomainRule
from qframe.errors import DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.periods.models import Period
from qframe.scoring.models import ProviderScore, Score, ScoreRun, VbpThreshold
from qframe.scoring.vbp_figures import performance
from qframe.scoring.vbp_pass import VbpMeasure, VbpResult

PLACES = Decimal("1e-15")


def as_decimal(value: Fraction) -> Decimal:
    """A fraction as a decimal with 15 places (rounded half up only beyond that)."""
    with localcontext() as context:
        context.prec = 40
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(PLACES)


def baseline_label(framework: Framework) -> str | None:
    """The framework's VBP baseline period label, if any."""
    return (framework.vbp or {}).get("baseline_period")


def _observations(framework: Framework, ids: Iterable[int], label: str) -> dict[Any, Any]:
    rows = db.session.execute(
        select(
            Measurement.organisation_id,
            Measurement.indicator_id,
            Measurement.numerator,
            Measurement.denominator,
            Measurement.value,
        )
        .join(Period, Period.id == Measurement.period_id)
        .where(
            Measurement.framework_id == framework.id,
            Measurement.indicator_id.in_(list(ids)),
            Period.label == label,
            Measurement.missing.is_(False),
        )
    )
    return {(org, ind): (num, den, value) for org, ind, num, den, value in rows}


def baselines(
    framework: Framework, measures: dict[int, VbpMeasure]
) -> dict[tuple[int, int], Fraction]:
    """Each provider's exact baseline figure per vbp indicator (empty without a baseline)."""
    label = baseline_label(framework)
    if label is None:
        return {}
    out = {}
    for (org, ind), obs in _observations(framework, measures, label).items():
        m = measures[ind]
        figure = performance(m.measure, obs, m.multiplier)
        if figure is not None:
            out[(org, ind)] = figure
    return out


def thresholds(framework: Framework) -> dict[int, tuple[Decimal, Decimal]]:
    """(AT, BM) of every non-composite vbp indicator: fixed, frozen, or computed now and
    frozen (the first scoring of the version) from all providers' baseline figures."""
    wanted = [i for i in framework.indicators if i.method == "vbp" and not i.composite_of]
    frozen = {
        row.indicator_id: row
        for row in db.session.scalars(
            select(VbpThreshold).where(VbpThreshold.framework_id == framework.id)
        )
    }
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for i in wanted:
        if i.achievement_threshold is not None and i.benchmark is not None:
            out[i.id] = (i.achievement_threshold, i.benchmark)
        elif i.id in frozen:
            out[i.id] = (frozen[i.id].achievement_threshold, frozen[i.id].benchmark)
        else:
            out[i.id] = _compute(framework, i)
    return out


def _compute(framework: Framework, indicator: Indicator) -> tuple[Decimal, Decimal]:
    label = baseline_label(framework)
    if label is None:
        raise DomainError(
            f"{indicator.code}: no fixed achievement threshold and benchmark, and "
            f"{framework.code} names no baseline period to compute them from"
        )
    m = _measure(indicator, None)
    figures = list(baselines(framework, {indicator.id: m}).values())
    if not figures:
        raise DomainError(
            f"{indicator.code}: no baseline data for {label} to compute the achievement "
            "threshold and benchmark from: import it first"
        )
    try:
        at, bm = exact_thresholds(figures, m.polarity)
    except EngineError as error:
        raise DomainError(f"{indicator.code}: {error}") from error
    row = VbpThreshold(
        framework_id=framework.id,
        indicator_id=indicator.id,
        achievement_threshold=as_decimal(at),
        benchmark=as_decimal(bm),
        baseline_period=label,
        providers=len(figures),
    )
    db.session.add(row)
    db.session.flush()
    return row.achievement_threshold, row.benchmark


def _measure(
    i: Indicator, terms: tuple[Decimal, Decimal] | None, strata: tuple[int, ...] = ()
) -> VbpMeasure:
    at, bm = terms if terms is not None else (None, None)
    return VbpMeasure(
        i.id, i.code, i.domain.code, i.measure, i.polarity,  # type: ignore[arg-type]
        i.multiplier, at, bm, i.floor, i.vbp_weight, strata,
    )  # fmt: skip


def measures(
    framework: Framework, terms: dict[int, tuple[Decimal, Decimal]]
) -> dict[int, VbpMeasure]:
    """The framework's vbp indicators with their thresholds and strata (by id)."""
    ids = {i.code: i.id for i in framework.indicators}
    out = {}
    for i in framework.indicators:
        if i.method == "vbp":
            strata = tuple(ids[c] for c in i.composite_of or ())
            out[i.id] = _measure(i, terms.get(i.id), strata)
    return out


def rules(framework: Framework) -> tuple[list[DomainRule], int]:
    """Domain rules of the domains holding vbp indicators, and the minimum scored domains."""
    used = {i.domain_id for i in framework.indicators if i.method == "vbp"}
    found = [
        DomainRule(
            d.code,
            d.weight if d.weight is not None else 1,
            d.min_measures or 1,
            int(d.consistency_points or 0),
        )
        for d in sorted(framework.domains, key=lambda d: d.position)
        if d.id in used
    ]
    return found, int((framework.vbp or {}).get("min_domains") or 1)


def stratum_weights(framework: Framework, period_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """Strata weights (e.g. predicted infections) submitted for the scored period."""
    rows = db.session.execute(
        select(Measurement.organisation_id, Measurement.indicator_id, Measurement.weight).where(
            Measurement.framework_id == framework.id,
            Measurement.period_id.in_(period_ids),
            Measurement.weight.is_not(None),
        )
    )
    return {(org, ind): weight for org, ind, weight in rows if weight is not None}


def store(run: ScoreRun, result: VbpResult) -> None:
    """Achievement and improvement points on the run's scores; domains and TPS per provider."""
    if result.points:
        table = Score.__table__.c
        db.session.connection().execute(
            update(Score.__table__)
            .where(
                table.run_id == run.id,
                table.organisation_id == bindparam("org"),
                table.indicator_id == bindparam("ind"),
            )
            .values(achievement_points=bindparam("a"), improvement_points=bindparam("i")),
            [
                {"org": org, "ind": ind, "a": a, "i": i}
                for (org, ind), (a, i) in result.points.items()
            ],
        )
    rows = []
    for org, domains in result.domains.items():
        tps, why = result.tps[org]
        rows.append(
            {
                "org": org,
                "d": {
                    d.code: None if d.score is None else str(as_decimal(d.score)) for d in domains
                },
                "t": None if tps is None else as_decimal(tps),
                "s": why,
            }
        )
    if rows:
        table = ProviderScore.__table__.c
        db.session.connection().execute(
            update(ProviderScore.__table__)
            .where(table.run_id == run.id, table.organisation_id == bindparam("org"))
            .values(
                domain_scores=bindparam("d"),
                total_performance_score=bindparam("t"),
                vbp_status=bindparam("s"),
            ),
            rows,
        )
