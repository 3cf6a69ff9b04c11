"""The bulk reads of a score run: measurements as plain tuples, organisations, registers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Integer, func, select, true

from qframe.dbtypes import ExactDecimal
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement
from qframe.orgs.models import PROVIDER_KINDS, Organisation, OrgRegister
from qframe.periods.models import Period
from qframe.rawsql import raw_rows
from qframe.scoring.rollup import MISSING, ByIndicator, Obs

KIND_RANK = {"year": 1, "quarter": 2, "month": 3}
# the places in Readings.own's rows
ORG, INDICATOR, NUMERATOR, DENOMINATOR = map(itemgetter, range(4))


class OrgFacts(NamedTuple):
    """What scoring needs to know of an organisation, read by name."""

    kind: str
    parent_id: int | None
    list_size: int | None
    contract_value_pence: int | None
    code: str
    closed_on: date | None


class Readings(NamedTuple):
    """A period's measurements as read for scoring (see read_measurements)."""

    own: list[tuple[int, int, int | None, int | None]]  # org, indicator, numerator, denominator
    rest: list[tuple[int, int, int, int | None, int | None, int]]  # ..., period, ..., missing
    values: dict[tuple[int, int, int], float]  # (org, indicator, period) → value

    def rows(self, period_id: int) -> list[tuple[Any, ...]]:
        """Every row once, as (org, indicator, period, numerator, denominator, missing)."""
        missing = {
            (org, indicator) for org, indicator, period, *_ in self.rest if period == period_id
        }
        own = [
            (org, indicator, period_id, n, d, int((org, indicator) in missing))
            for org, indicator, n, d in self.own
        ]
        return own + [row for row in self.rest if row[2] != period_id]


def read_measurements(
    framework: Framework, period_id: int, inside: list[int], valued: set[int]
) -> Readings:
    """Every measurement of the period itself as (org, indicator, numerator, denominator): four
    plain columns, as most of a national run is; then the rest, with the period and the
    missing mark: the period's own rows marked missing (found through a partial index of
    them, not by reading every row) and every row for a period inside it; then the submitted
    values of the `valued` indicators (value, yes/no, register; a ratio's expected count).

    Reading only what the common case needs, and the exact-decimal value text only where it is
    used, keeps conversions off half a million rows.
    """
    framework_id = Measurement.framework_id == framework.id
    # the driver's plain tuples (no Row objects: a second nationally); all integer columns
    own = raw_rows(
        select(
            Measurement.organisation_id,
            Measurement.indicator_id,
            Measurement.numerator,
            Measurement.denominator,
        ).where(framework_id, Measurement.period_id == period_id)
    )
    marked = (
        Measurement.organisation_id,
        Measurement.indicator_id,
        Measurement.period_id,
        Measurement.numerator,
        Measurement.denominator,
        # As 0/1: a Boolean column converts every row in Python (0.3 s nationally).
        Measurement.missing.cast(Integer),
    )
    # `missing = 1` (true on PostgreSQL): the words of the partial index's condition
    rest = raw_rows(
        select(*marked).where(
            framework_id, Measurement.period_id == period_id, Measurement.missing == true()
        )
    )
    if inside:
        rest += raw_rows(select(*marked).where(framework_id, Measurement.period_id.in_(inside)))
    values: dict[tuple[int, int, int], float] = {}
    # A ratio's expected count takes the value's place (a ratio has no value; others no expected).
    given = func.coalesce(Measurement.expected, Measurement.value, type_=ExactDecimal)
    if valued:
        for org, indicator, period, value in db.session.execute(
            select(
                Measurement.organisation_id,
                Measurement.indicator_id,
                Measurement.period_id,
                given,
            ).where(
                framework_id,
                Measurement.period_id.in_([period_id, *inside]),
                Measurement.indicator_id.in_(valued),
                given.is_not(None),
            )
        ):
            assert value is not None  # noqa: S101 - the query keeps non-null values only
            values[(org, indicator, period)] = float(value)
    return Readings(own, rest, values)


def sub_periods(period: Period) -> dict[int, tuple[int, date]]:
    """Stored periods strictly inside the scored one, with their coarseness and start."""
    if period.kind == "month":
        return {}
    found = db.session.execute(
        select(Period.id, Period.kind, Period.start_date).where(
            Period.start_date >= period.start_date,
            Period.end_date <= period.end_date,
            Period.id != period.id,
        )
    )
    return {pid: (KIND_RANK.get(kind, 9), start) for pid, kind, start in found}


def observations(
    rows: Any, values: dict[tuple[int, int, int], float]
) -> Iterator[tuple[int, int, int, Any]]:
    """(org, indicator, period, (numerator, denominator, value)); missing rows carry nothing."""
    get = values.get
    for org, indicator, period, numerator, denominator, missing in rows:
        if missing:
            yield org, indicator, period, MISSING
        else:
            yield org, indicator, period, (numerator, denominator, get((org, indicator, period)))


def whole_period(readings: Readings, period_id: int) -> ByIndicator | None:
    """select_in_time's columns when no row is for a period inside the scored one (nothing to
    combine over time): the same observations, built an indicator at a time in C rather than a
    row at a time (a national run's 525,000 rows). None when there is such a row."""
    if any(row[2] != period_id for row in readings.rest):
        return None
    values = readings.values
    valued = {indicator for _org, indicator, _period in values}
    columns: ByIndicator = {}
    for indicator, group in groupby(sorted(readings.own, key=INDICATOR), key=INDICATOR):
        found = list(group)
        if indicator in valued:
            obs: Iterable[Obs] = (
                (n, d, values.get((org, indicator, period_id))) for org, _i, n, d in found
            )
        else:  # counts only: (numerator, denominator, no value)
            obs = zip(map(NUMERATOR, found), map(DENOMINATOR, found), repeat(None))
        columns[indicator] = dict(zip(map(ORG, found), obs, strict=False))
    for org, indicator, *_ in readings.rest:  # the period's own rows marked missing
        columns.setdefault(indicator, {})[org] = MISSING
    return columns


def organisations() -> dict[int, OrgFacts]:
    """Every organisation: kind, parent, list size, contract value (pence), code, closed on."""
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.kind,
            Organisation.parent_id,
            Organisation.list_size,
            Organisation.contract_value_pence,
            Organisation.code,
            Organisation.closed_on,
        )
    )
    return {
        org: OrgFacts(kind, parent, size, value, code, closed)
        for org, kind, parent, size, value, code, closed in rows
    }


def open_units(orgs: dict[int, OrgFacts], period: Period) -> dict[int, list[int]]:
    """Each provider's service lines and wards that were open during the period."""
    children: dict[int, list[int]] = {}
    for org, facts in orgs.items():
        if facts.parent_id is not None and facts.kind in ("service_line", "ward"):
            if facts.closed_on is None or facts.closed_on >= period.start_date:
                children.setdefault(facts.parent_id, []).append(org)
    units: dict[int, list[int]] = {}
    for provider in (o for o, facts in orgs.items() if facts.kind in PROVIDER_KINDS):
        stack, found = list(children.get(provider, ())), []
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(children.get(unit, ()))
        if found:
            units[provider] = found
    return units


def registers(org_ids: set[int]) -> dict[int, dict[str, int]]:
    """Disease-register sizes of the given providers, by group."""
    found: dict[int, dict[str, int]] = {}
    for org, group, size in db.session.execute(
        select(OrgRegister.organisation_id, OrgRegister.group, OrgRegister.size)
    ):
        if org in org_ids:
            found.setdefault(org, {})[group] = size
    return found


RANK_WORDS = {1: ("year", "years"), 2: ("quarter", "quarters"), 3: ("month", "months")}


def from_sub_periods(
    rows: Any, period_id: int, inside: dict[int, tuple[int, date]], combined: set[Any]
) -> str:
    """Words for the sub-periods a run's figures were built from ("4 quarters")."""
    used = {row[2] for row in rows if row[2] != period_id and (row[0], row[1]) in combined}
    if not used:
        return ""
    coarsest = min(inside[p][0] for p in used)
    count = sum(1 for p in used if inside[p][0] == coarsest)
    one, many = RANK_WORDS.get(coarsest, ("period", "periods"))
    return f"{count} {one if count == 1 else many}"
