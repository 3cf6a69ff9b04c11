"""The bulk reads of a score run: measurements as plain tuples, organisations, registers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Integer, func, select

from qframe.dbtypes import ExactDecimal
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement
from qframe.orgs.models import PROVIDER_KINDS, Organisation, OrgRegister
from qframe.periods.models import Period
from qframe.rawsql import raw_rows
from qframe.scoring.rollup import MISSING

KIND_RANK = {"year": 1, "quarter": 2, "month": 3}


class OrgFacts(NamedTuple):
    """What scoring needs to know of an organisation, read by name."""

    kind: str
    parent_id: int | None
    list_size: int | None
    contract_value_pence: int | None
    code: str
    closed_on: date | None


def read_measurements(
    framework: Framework, period_ids: list[int], valued: set[int]
) -> tuple[list[Any], dict[tuple[int, int, int], float]]:
    """(org, indicator, period, numerator, denominator, missing) rows in one query, and the
    submitted values of the `valued` indicators (value, yes/no, register; a ratio's expected
    count) in a second one.

    Counts are most of a national run; reading the exact-decimal value text only where it is
    used keeps its conversion off half a million rows.
    """
    where = (Measurement.framework_id == framework.id, Measurement.period_id.in_(period_ids))
    # the driver's plain tuples (no Row objects: a second nationally); all integer columns
    rows = raw_rows(
        select(
            Measurement.organisation_id,
            Measurement.indicator_id,
            Measurement.period_id,
            Measurement.numerator,
            Measurement.denominator,
            # As 0/1: a Boolean column converts every row in Python (0.3 s nationally).
            Measurement.missing.cast(Integer),
        ).where(*where)
    )
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
            ).where(*where, Measurement.indicator_id.in_(valued), given.is_not(None))
        ):
            assert value is not None  # noqa: S101 - the query keeps non-null values only
            values[(org, indicator, period)] = float(value)
    return rows, values


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
