"""A ward's indicators over time as NHS "Making Data Count" XmR charts (engine.spc)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qframe.engine.achievement import achievement
from qframe.engine.errors import EngineError
from qframe.engine.measure_types import measure_type
from qframe.engine.spc import SpcResult, xmr
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.charts import SpcChart, spc_chart

KIND_ORDER = ("month", "quarter", "year")  # chart the finest series a ward has
VARIATION_WORDS = {
    "improving": "Special cause: improving",
    "concerning": "Special cause: concerning",
    "common_cause": "Common cause: no significant change",
}
ASSURANCE_WORDS = {
    "pass": "Consistently meets the target",
    "fail": "Consistently misses the target",
    "hit_and_miss": "Hit and miss: the target may or may not be met",
}


@dataclass
class WardChart:
    """One ward indicator's chart, icons and the words that say what they mean."""

    indicator: Indicator
    framework: Framework
    labels: list[str]
    values: list[float]
    result: SpcResult
    chart: SpcChart
    target: float | None
    target_name: str | None

    @property
    def variation_words(self) -> str:
        return VARIATION_WORDS[self.result.variation]

    @property
    def assurance_words(self) -> str | None:
        return None if self.result.assurance is None else ASSURANCE_WORDS[self.result.assurance]

    @property
    def special_points(self) -> list[tuple[str, float, str]]:
        return [
            (self.labels[i], p.value, (p.rule or "").replace("_", " "))
            for i, p in enumerate(self.result.points)
            if p.special
        ]


def ward_charts(ward: Organisation) -> list[WardChart]:
    """Every indicator the ward has data for in a published framework, oldest period first."""
    rows = db.session.execute(
        select(
            Measurement.indicator_id,
            Measurement.numerator,
            Measurement.denominator,
            Measurement.value,
            Measurement.missing,
            Period.label,
            Period.kind,
        )
        .join(Period, Period.id == Measurement.period_id)
        .join(Framework, Framework.id == Measurement.framework_id)
        .where(
            Measurement.organisation_id == ward.id,
            Framework.status.in_(("published", "closed")),
        )
        .order_by(Period.start_date)
    ).all()
    ids = {row[0] for row in rows}
    indicators = {
        i.id: i
        for i in db.session.scalars(
            select(Indicator)
            .where(Indicator.id.in_(ids))
            .options(joinedload(Indicator.framework))
            .order_by(Indicator.framework_id, Indicator.position)
        )
    }
    series: dict[int, dict[str, list[tuple[str, Any]]]] = {}
    for indicator_id, numerator, denominator, value, missing, label, kind in rows:
        if missing:
            continue
        series.setdefault(indicator_id, {}).setdefault(kind, []).append(
            (label, (numerator, denominator, value))
        )
    charts = []
    for indicator_id, indicator in indicators.items():
        by_kind = series.get(indicator_id, {})
        shown = next((k for k in KIND_ORDER if by_kind.get(k)), None)
        if shown is not None:
            chart = _chart(indicator, by_kind[shown])
            if chart is not None:
                charts.append(chart)
    return charts


def _chart(indicator: Indicator, points: list[tuple[str, Any]]) -> WardChart | None:
    multiplier = float(indicator.multiplier) if indicator.multiplier is not None else None
    labels, values = [], []
    for label, (numerator, denominator, value) in points:
        try:
            a = achievement(
                indicator.measure,
                numerator,
                denominator,
                None if value is None else float(value),
                multiplier,
            )
        except EngineError:
            continue
        if a is not None:
            labels.append(label)
            values.append(a)
    if not values:
        return None
    target, name = _target(indicator)
    kind = measure_type(indicator.measure)
    # Counts and rates never get a limit below zero (NHSRplotthedots).
    floor = 0.0 if kind.counted else None
    result = xmr(values, indicator.polarity, target, floor=floor)  # type: ignore[arg-type]
    kinds = [_kind(p.special, p.side, indicator.polarity) for p in result.points]
    unit = "%" if kind.shown_as == "percent" else (indicator.unit or "value")
    # Limits beyond what is possible (a negative rate, over 100%) are drawn at the boundary.
    low = 0.0 if kind.counted else None
    high = 100.0 if kind.within_denominator else None
    ucl = _clamp(result.ucl, low, high)
    lcl = _clamp(result.lcl, low, high)
    chart = spc_chart(
        labels, values, kinds, result.mean, ucl, lcl, target, unit, bounds=(low, high)
    )
    return WardChart(indicator, indicator.framework, labels, values, result, chart, target, name)


def _clamp(value: float | None, low: float | None, high: float | None) -> float | None:
    if value is None:
        return None
    if low is not None and value < low:
        return low
    return high if high is not None and value > high else value


def _target(indicator: Indicator) -> tuple[float | None, str | None]:
    # Assurance is judged against the minimum standard when there is one, else full points.
    if indicator.minimum_standard is not None:
        return float(indicator.minimum_standard), "minimum standard"
    if measure_type(indicator.measure).banded and indicator.upper is not None:
        return float(indicator.upper), "full points threshold"
    return None, None


def _kind(special: bool, side: str | None, polarity: str) -> str:
    if not special:
        return "common_cause"
    good = "high" if polarity == "higher_is_better" else "low"
    return "improving" if side == good else "concerning"
