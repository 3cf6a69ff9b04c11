"""Reference populations for a score run's funnels (domain.md §7 "Few providers").

A commissioner's imported benchmark for the indicator and period comes first; otherwise every
provider in qframe with a measurement for an indicator of the same code in the same period.
Fewer than 10 units in either: no reference, and the run's limits are provisional.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from qframe.engine.funnel import Reference
from qframe.engine.funnel_families import FunnelFamily, funnel_family
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.variation.models import BenchmarkValue


def reference_populations(
    framework: Framework, period: Period, indicators: Iterable[Indicator]
) -> dict[int, Reference]:
    """Indicator id → its reference population for this period, where one is available."""
    found: dict[int, Reference] = {}
    for indicator in indicators:
        if _family(indicator) is None or indicator.level != "provider":
            continue
        reference = benchmark_reference(framework.code, indicator, period.label)
        if reference is None:
            reference = qframe_reference(indicator, period)
        if reference is not None:
            found[indicator.id] = reference
    return found


def benchmark_reference(code: str, indicator: Indicator, label: str) -> Reference | None:
    """The imported benchmark's reference for an indicator and period, if any."""
    rows = db.session.execute(
        select(BenchmarkValue.value, BenchmarkValue.numerator, BenchmarkValue.denominator).where(
            BenchmarkValue.framework_code == code,
            BenchmarkValue.indicator_code == indicator.code,
            BenchmarkValue.period_label == label,
        )
    ).all()
    if not rows:
        return None
    counted = [(x, n) for _v, x, n in rows if x is not None and n is not None]
    family = _family(indicator)
    if family is None or family.reference is None:
        return None
    if family.reference_from_values is None or len(counted) == len(rows):
        return family.reference(counted, "benchmark")
    return family.reference_from_values([float(v) for v, _x, _n in rows], "benchmark")


def qframe_reference(indicator: Indicator, period: Period) -> Reference | None:
    """Every provider in qframe measured on an indicator of this code in this period."""
    stmt = (
        select(Measurement.organisation_id, Measurement.numerator, Measurement.denominator)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .where(
            Indicator.code == indicator.code,
            Indicator.measure == indicator.measure,
            Measurement.period_id == period.id,
            Measurement.missing.is_(False),
            Organisation.kind.in_(PROVIDER_KINDS),
        )
        .order_by(Measurement.id)
    )
    latest: dict[int, tuple[int, int]] = {}
    for org, x, n in db.session.execute(stmt):
        if x is not None and n is not None and n > 0:
            latest[org] = (x, n)
    family = _family(indicator)
    if family is None or family.reference is None:
        return None
    return family.reference(list(latest.values()), "qframe")


def _family(indicator: Indicator) -> FunnelFamily | None:
    name = measure_type(indicator.measure).funnel_family
    return None if name is None else funnel_family(name)
