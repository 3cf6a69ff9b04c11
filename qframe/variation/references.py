"""Reference populations for a score run's funnels (domain.md §7 "Few providers").

A commissioner's imported benchmark for the indicator and period comes first; otherwise every
provider in qframe with a measurement for an indicator of the same code in the same period.
Fewer than 10 units in either: no reference, and the run's limits are provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from qframe.engine.funnel import Reference
from qframe.engine.funnel_families import FunnelFamily, funnel_family
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.rawsql import raw_rows
from qframe.variation.models import BenchmarkValue


def reference_populations(
    framework: Framework, period: Period, indicators: Iterable[Indicator]
) -> dict[int, Reference]:
    """Indicator id → its reference population for this period, where one is available."""
    found: dict[int, Reference] = {}
    unreferenced: list[Indicator] = []
    for indicator in indicators:
        if _family(indicator) is None or indicator.level != "provider":
            continue
        reference = benchmark_reference(framework.code, indicator, period.label)
        if reference is None:
            unreferenced.append(indicator)
        else:
            found[indicator.id] = reference
    found.update(qframe_references(unreferenced, period))
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


def qframe_references(indicators: Sequence[Indicator], period: Period) -> dict[int, Reference]:
    """For each indicator, every provider in qframe measured on an indicator of the same code
    and measure in this period: one read for them all (a national run has 75 indicators)."""
    if not indicators:
        return {}
    wanted = {(i.code, i.measure) for i in indicators}
    peers: dict[int, tuple[str, str]] = {
        peer_id: (code, measure)
        for peer_id, code, measure in db.session.execute(
            select(Indicator.id, Indicator.code, Indicator.measure).where(
                Indicator.code.in_(sorted({code for code, _m in wanted}))
            )
        )
        if (code, measure) in wanted
    }
    if not peers:
        return {}
    stmt = (
        select(
            Measurement.indicator_id,
            Measurement.organisation_id,
            Measurement.numerator,
            Measurement.denominator,
            # A ratio's size is its expected count (a ratio has no denominator); stored text.
            Measurement.expected,
        )
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .where(
            Measurement.indicator_id.in_(sorted(peers)),
            Measurement.period_id == period.id,
            Measurement.missing.is_(False),
            Organisation.kind.in_(PROVIDER_KINDS),
        )
        .order_by(Measurement.id)
    )
    # the latest measurement per organisation and (code, measure), as before one per indicator
    latest: dict[tuple[str, str], dict[int, tuple[int, float]]] = {key: {} for key in wanted}
    for peer_id, org, x, n, e in raw_rows(stmt):
        size = float(n) if n is not None else (None if e is None else float(e))
        if x is not None and size is not None and size > 0:
            latest[peers[peer_id]][org] = (x, size)
    found: dict[int, Reference] = {}
    for indicator in indicators:
        family = _family(indicator)
        if family is None or family.reference is None:
            continue
        pairs = list(latest[(indicator.code, indicator.measure)].values())
        reference = family.reference(pairs, "qframe")
        if reference is not None:
            found[indicator.id] = reference
    return found


def _family(indicator: Indicator) -> FunnelFamily | None:
    name = measure_type(indicator.measure).funnel_family
    return None if name is None else funnel_family(name)
