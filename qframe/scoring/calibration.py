"""Threshold calibration on a draft framework, against the last scored period's results."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from qframe.engine.calibration import (
    BandCounts,
    band_counts,
    thresholds_at_percentiles,
    vbp_convention,
)
from qframe.engine.errors import EngineError
from qframe.engine.payments import contract_share_entitlement
from qframe.errors import DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.entitlement import IndicatorTerms, ProviderFacts, entitlement_calculator
from qframe.scoring.inputs import registers
from qframe.scoring.models import Score, ScoreRun
from qframe.scoring.payment_models import payment_model


@dataclass
class Calibration:
    """What a proposed lower/upper would have done to the providers of the source run."""

    indicator: Indicator
    source: ScoreRun | None
    values: list[float] = field(default_factory=list)
    lower: float | None = None
    upper: float | None = None
    counts: BandCounts | None = None
    entitlement_pence: int | None = None
    unpaid: int = 0  # providers whose money could not be worked out (e.g. no list size)
    suggestions: list[tuple[str, float, float]] = field(default_factory=list)
    problem: str | None = None


def source_run(framework: Framework) -> ScoreRun | None:
    """The latest scored period of an earlier version (same code or the one it came from)."""
    others = or_(Framework.code == framework.code, Framework.id == framework.previous_id)
    return db.session.scalar(
        select(ScoreRun)
        .join(Framework, Framework.id == ScoreRun.framework_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(others, Framework.id != framework.id)
        .order_by(
            Period.end_date.desc(),
            Period.start_date.desc(),
            Framework.version.desc(),
            (ScoreRun.status == "final").desc(),
            ScoreRun.version.desc(),
        )
        .limit(1)
    )


def calibrate(
    framework: Framework,
    indicator: Indicator,
    lower: float | None,
    upper: float | None,
    percentiles: tuple[float, float] = (25.0, 90.0),
) -> Calibration:
    """Count zero/part/full providers and the entitlement for the proposal, and suggest more."""
    if not framework.is_draft:
        raise DomainError("Thresholds are calibrated on a draft: create a new version first")
    result = Calibration(indicator, source_run(framework))
    if result.source is None:
        result.problem = "No earlier version of this framework has been scored yet."
        return result
    achieved = dict(
        db.session.execute(
            select(Score.organisation_id, Score.achievement)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .join(Organisation, Organisation.id == Score.organisation_id)
            .where(
                Score.run_id == result.source.id,
                Indicator.code == indicator.code,
                Organisation.kind.in_(PROVIDER_KINDS),
                Score.achievement.is_not(None),
            )
        ).all()
    )
    result.values = [value for value in achieved.values() if value is not None]
    if not result.values:
        result.problem = f"{indicator.code} has no results in the earlier run."
        return result
    polarity: Any = indicator.polarity
    try:
        chosen = thresholds_at_percentiles(result.values, polarity, *percentiles)
        convention = vbp_convention(result.values, polarity)
        result.suggestions = [
            (f"Percentiles {percentiles[0]:g} and {percentiles[1]:g}", *chosen),
            ("VBP convention: median and top-decile mean", *convention),
        ]
    except EngineError as error:
        result.problem = str(error)
    result.lower = lower if lower is not None else _float(indicator.lower)
    result.upper = upper if upper is not None else _float(indicator.upper)
    if result.lower is None or result.upper is None:
        result.problem = result.problem or "Give a lower and an upper threshold."
        return result
    top = float(indicator.max_points or 0)
    try:
        result.counts = band_counts(result.values, result.lower, result.upper, top, polarity)
    except EngineError as error:
        result.problem = str(error)
        return result
    _money(result, framework, list(achieved), top)
    return result


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _money(result: Calibration, framework: Framework, orgs: list[int], top: float) -> None:
    assert result.counts is not None  # noqa: S101 - set by the caller
    facts = _facts(framework, orgs)
    indicator = result.indicator
    payment = framework.payment or {}
    per_point = payment_model(framework.payment_model).per_point
    if not per_point:
        share = _share(framework, indicator)
        stake = Decimal(str(payment.get("stake_percent") or "0")) * share
    else:
        terms = [IndicatorTerms(indicator.code, top, indicator.group,
                                bool(indicator.prevalence_adjusted), indicator.weight)]  # fmt: skip
        calculate = entitlement_calculator(framework.payment_model, payment, terms)
    total, unpaid = 0, 0
    for org, points in zip(orgs, result.counts.points, strict=True):
        fact = facts[org]
        if not per_point:
            if fact.contract_value_pence is None:
                unpaid += 1
                continue
            fraction = points / top if top else 0.0
            money = contract_share_entitlement(
                {indicator.code: fraction}, None, stake, Decimal(fact.contract_value_pence) / 100
            )
            total += int(money.total * 100)
        else:
            pence, _note = calculate({indicator.code: points}, fact)
            if pence is None:
                unpaid += 1
            else:
                total += pence
    result.entitlement_pence, result.unpaid = total, unpaid


def _share(framework: Framework, indicator: Indicator) -> Decimal:
    # The indicator's share of the stake: its weight, or an equal share of the framework.
    if indicator.weight is not None:
        return indicator.weight
    return Decimal(1) / len(framework.indicators)


def _facts(framework: Framework, orgs: list[int]) -> dict[int, ProviderFacts]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.list_size, Organisation.contract_value_pence).where(
            Organisation.id.in_(orgs)
        )
    ).all()
    uses = payment_model(framework.payment_model).uses_registers
    held = registers(set(orgs)) if uses else {}
    return {org: ProviderFacts(size, value, held.get(org, {})) for org, size, value in rows}
