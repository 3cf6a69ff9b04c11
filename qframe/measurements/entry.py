"""What an entry page shows: an organisation's indicators for one period, locks and history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select

from qframe.auth.models import User
from qframe.engine.achievement import achievement
from qframe.engine.errors import InvalidInput
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.declarations import STATUS_LABELS
from qframe.measurements.locks import Lock
from qframe.measurements.models import Declaration, Measurement
from qframe.measurements.rows import collection_kind
from qframe.measurements.services import org_refs
from qframe.measurements.windows import lock_book, may_amend_declared, provider_of
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.labels import PeriodSpec, periods_in_year
from qframe.periods.models import Period

HISTORY = 12


def org_level(org: Organisation) -> str | None:
    if org.kind in PROVIDER_KINDS:
        return "provider"
    return org.kind if org.kind in ("service_line", "ward") else None


def frameworks_for(org: Organisation) -> list[Framework]:
    """Published (or closed) frameworks with indicators at this organisation's level."""
    level, provider = org_level(org), provider_of(org)
    if level is None or provider is None:
        return []
    stmt = (
        select(Framework)
        .where(Framework.status.in_(("published", "closed")))
        .where(or_(Framework.setting == provider.kind, Framework.setting == "mixed"))
        .where(or_(Framework.owner_id.is_(None), Framework.owner_id == provider.parent_id))
        .where(Framework.indicators.any(Indicator.level == level))
        .order_by(Framework.year.desc(), Framework.code, Framework.version.desc())
    )
    return list(db.session.scalars(stmt))


History = tuple[str, float | None, Measurement]  # period label, achievement, measurement


@dataclass
class Row:
    indicator: Indicator
    measurement: Measurement | None
    history: list[History] = field(default_factory=list)
    # Ready for the page: the current value and each past one in words, and the trend line.
    current_text: str = "—"
    history_text: list[str] = field(default_factory=list)
    trend: str | None = None

    @property
    def computed(self) -> bool:
        return self.indicator.data_source != "submitted"


@dataclass
class EntryPage:
    org: Organisation
    framework: Framework
    periods: list[PeriodSpec]
    period: PeriodSpec
    rows: list[Row]
    lock: Lock | None
    declaration: Declaration | None
    provider: Organisation | None

    @property
    def declaration_status(self) -> str:
        return STATUS_LABELS[self.declaration.status if self.declaration else None]


def entry_page(
    org: Organisation, framework: Framework, user: User, label: str | None, today: date
) -> EntryPage:
    """Build the page in a fixed number of queries, whatever the number of indicators."""
    level = org_level(org)
    here = [i for i in framework.indicators if i.level == level]
    # Each indicator is collected at its own frequency (month, quarter or year).
    kind_of = {i.id: collection_kind(framework.setting, i.level, i.frequency) for i in here}
    kinds = set(kind_of.values()) or {collection_kind(framework.setting, level or "provider")}
    every = sorted(
        (p for kind in kinds for p in periods_in_year(framework.year, kind)),
        key=lambda p: (p.start, p.end),
    )
    periods = [p for p in every if p.start <= today] or every[:1]
    lock_for = lock_book(framework, today=today, amend_declared=may_amend_declared(user))
    ref = org_refs(user, [org.code])[org.code]
    chosen = next((p for p in periods if p.label == label), None)
    if chosen is None:
        open_now = [p for p in periods if lock_for(ref, p) is None]
        chosen = (open_now or periods)[-1]
    indicators = [i for i in here if kind_of[i.id] == chosen.kind]
    history = _history(org, framework, indicators, chosen)
    rows = []
    for ind in indicators:
        past = history.get(ind.code, [])
        current = next(
            (m for lbl, _a, m in past if lbl == chosen.label and m.indicator_id == ind.id), None
        )
        rows.append(_row(ind, current, past[-HISTORY:]))
    provider = provider_of(org)
    declaration = None
    if provider is not None:
        declaration = db.session.scalar(
            select(Declaration)
            .join(Period, Period.id == Declaration.period_id)
            .where(
                Declaration.framework_id == framework.id,
                Declaration.organisation_id == provider.id,
                Period.label == chosen.label,
            )
        )
    return EntryPage(
        org, framework, periods, chosen, rows, lock_for(ref, chosen), declaration, provider
    )


def _history(
    org: Organisation, framework: Framework, indicators: list[Indicator], upto: PeriodSpec
) -> dict[str, list[tuple[str, float | None, Measurement]]]:
    """The organisation's values for these indicator codes in any version of the framework, up to
    the chosen period, oldest first (one query)."""
    if not indicators:
        return {}
    by_code = {i.code: i for i in indicators}
    stmt = (
        select(Measurement, Indicator.code, Period.label)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Framework, Framework.id == Indicator.framework_id)
        .join(Period, Period.id == Measurement.period_id)
        .where(
            Measurement.organisation_id == org.id,
            Framework.code == framework.code,
            Indicator.code.in_(by_code),
            Period.start_date <= upto.start,
            Period.kind == upto.kind,
        )
        .order_by(Period.start_date)
    )
    out: dict[str, list[tuple[str, float | None, Measurement]]] = defaultdict(list)
    for m, code, label in db.session.execute(stmt):
        out[code].append((label, achieved(by_code[code], m), m))
    return out


def achieved(ind: Indicator, m: Measurement) -> float | None:
    """The achievement of a stored value for display (None when missing or no denominator)."""
    if m.missing:
        return None
    try:
        return achievement(
            ind.measure,
            m.numerator,
            m.denominator,
            _given(ind, m),
            float(ind.multiplier) if ind.multiplier is not None else None,
        )
    except InvalidInput:
        return None


def sparkline(points: list[float | None], width: int = 120, height: int = 28) -> str | None:
    """An SVG polyline `points` attribute for the values (gaps skipped), or None if too few."""
    values = [p for p in points if p is not None]
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / max(len(points) - 1, 1)
    coords = [
        f"{i * step:.1f},{height - 2 - (p - low) / span * (height - 4):.1f}"
        for i, p in enumerate(points)
        if p is not None
    ]
    return " ".join(coords)


def _given(ind: Indicator, m: Measurement) -> float | None:
    # A ratio's expected count takes the value's place (engine.measures_ratio).
    given = m.expected if measure_type(ind.measure).expected else m.value
    return None if given is None else float(given)


def display(ind: Indicator, value: float | None) -> str:
    """An achievement written for people: 96.3%, 4.1 per 1,000 occupied bed days, Yes/No."""
    if value is None:
        return "—"
    shown_as = measure_type(ind.measure).shown_as
    if shown_as == "percent":
        return f"{Decimal(str(value)):.1f}%"
    if shown_as == "yes_no":
        return "Yes" if value else "No"
    if shown_as == "rate":
        return f"{value:,.2f}" + (f" {ind.unit}" if ind.unit else "")
    return f"{value:,.0f}" if shown_as == "count" else f"{value:,.2f}"


def _row(ind: Indicator, current: Measurement | None, past: list[History]) -> Row:
    """One indicator's row with its figures written out for the page."""
    return Row(
        ind,
        current,
        past,
        current_text=display(ind, achieved(ind, current)) if current is not None else "—",
        history_text=["missing" if m.missing else display(ind, a) for _label, a, m in past],
        trend=sparkline([a for _label, a, _m in past]),
    )
