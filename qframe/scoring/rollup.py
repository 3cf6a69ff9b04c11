"""Which observation each organisation is scored on: sub-periods and wards rolled up. Pure.

qframe rules (domain.md is silent on them):
- Time: a measurement for the scored period itself wins. Otherwise the measurements of the
  coarsest kind found inside the period are combined (quarters before months, never both, so
  nothing is counted twice); a measurement marked missing for the period itself stays missing.
- Organisations: a ward-level indicator is scored per ward and rolled up to the ward's service
  line and provider; a service-line indicator is rolled up to its provider. Proportions and
  rates sum numerators and denominators over the units that submitted (a unit with no data adds
  nothing, and the unit's own row shows it as missing); yes/no is met only if every unit met
  it; a value is the unweighted mean of the units; a register size is the sum; a ratio sums
  its observed and its expected counts. A figure the
  parent submitted itself for the same indicator wins over the roll-up.
- Every organisation in the run gets a row for each indicator at or below its level: scored,
  rolled up, or missing; so a provider's maximum is the framework's maximum. Organisations in
  the run: those with data, the units above them, and every open unit of those providers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from qframe.engine.measure_types import measure_type
from qframe.orgs.kinds import PROVIDER_KINDS

# numerator, denominator, value
Obs = tuple[int | None, int | None, float | None]
MISSING: Obs = (None, None, None)
Key = tuple[int, int]  # organisation id, indicator id
LEVEL_RANK = {"provider": 0, "service_line": 1, "ward": 2}


def level_of(kind: str) -> str | None:
    """The indicator level an organisation kind is measured at (None for commissioners)."""
    if kind in PROVIDER_KINDS:
        return "provider"
    return kind if kind in ("service_line", "ward") else None


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    measure: str
    level: str


def combine(measure: str, items: Sequence[Obs], over_time: bool = False) -> Obs | None:
    """One observation from several (units or sub-periods, in time order); None if no data."""
    kind = measure_type(measure)
    if kind.counted:
        counted = [(n, d) for n, d, _ in items if n is not None and d is not None]
        if not counted:
            return None
        return sum(n for n, _ in counted), sum(d for _, d in counted), None
    if kind.expected:  # a ratio: observed and expected counts both add up
        pairs = [(n, v) for n, _, v in items if n is not None and v is not None]
        if not pairs:
            return None
        return sum(n for n, _ in pairs), None, kind.combine([v for _, v in pairs], over_time)
    values = [v for _, _, v in items if v is not None]
    if not values:
        return None
    return None, None, kind.combine(values, over_time)


ByIndicator = dict[int, dict[int, Obs]]  # indicator id → organisation id → observation


def select_in_time(
    rows: Iterable[tuple[int, int, int, Obs]],
    period_id: int,
    sub_periods: Mapping[int, tuple[int, date]],
    measures: Mapping[int, str],
) -> tuple[ByIndicator, set[Key]]:
    """Pick each (org, indicator)'s observation; also return the keys built from sub-periods.

    `rows` are (org, indicator, period, obs); `sub_periods` maps a contained period id to
    (granularity rank, start) where a smaller rank is coarser.
    """
    exact: ByIndicator = {}
    inside: dict[Key, list[tuple[int, date, Obs]]] = {}
    for org, indicator, period, obs in rows:
        if period == period_id:
            column = exact.get(indicator)
            if column is None:
                column = exact[indicator] = {}
            column[org] = obs
        else:
            rank, start = sub_periods[period]
            inside.setdefault((org, indicator), []).append((rank, start, obs))
    combined: set[Key] = set()
    for (org, indicator), items in inside.items():
        column = exact.setdefault(indicator, {})
        if org in column:
            continue
        coarsest = min(rank for rank, _, _ in items)
        chosen = sorted((i for i in items if i[0] == coarsest), key=lambda i: i[1])
        merged = combine(measures[indicator], [o for _, _, o in chosen], over_time=True)
        column[org] = merged or MISSING
        combined.add((org, indicator))
    return exact, combined


def roll_up(
    direct: ByIndicator,
    indicators: Mapping[int, IndicatorInfo],
    parents: Mapping[int, tuple[str, int | None]],
) -> ByIndicator:
    """Rows for service lines and providers built from their units' observations."""
    rolled: ByIndicator = {}
    for indicator, column in direct.items():
        info = indicators[indicator]
        if info.level == "provider":
            continue
        groups: dict[int, list[Obs]] = {}
        for org, obs in column.items():
            if obs == MISSING:
                continue
            for ancestor in ancestors(org, parents):
                groups.setdefault(ancestor, []).append(obs)
        rolled[indicator] = {
            org: combine(info.measure, items) or MISSING
            for org, items in groups.items()
            if org not in column
        }
    return rolled


def ancestors(org: int, parents: Mapping[int, tuple[str, int | None]]) -> list[int]:
    """The service line and provider above a ward or service line (nearest first)."""
    found: list[int] = []
    parent = parents.get(org, ("", None))[1]
    while parent is not None:
        kind, above = parents.get(parent, ("", None))
        if level_of(kind) is None:
            break
        found.append(parent)
        parent = above
    return found


def present_orgs(
    with_data: Iterable[int],
    parents: Mapping[int, tuple[str, int | None]],
    units_of: Mapping[int, Iterable[int]],
) -> set[int]:
    """Organisations in the run: those with data, the units above them, and every open unit
    of a provider in the run (so a ward that sent nothing shows as missing, not absent)."""
    present: set[int] = set()
    for org in with_data:
        present.add(org)
        present.update(ancestors(org, parents))
    for org in list(present):
        if level_of(parents.get(org, ("", None))[0]) == "provider":
            present.update(units_of.get(org, ()))
    return present


def expected_orgs(
    present: Iterable[int],
    indicators: Mapping[int, IndicatorInfo],
    parents: Mapping[int, tuple[str, int | None]],
) -> dict[int, set[int]]:
    """Per indicator, the organisations the run must report: those at or above its level."""
    by_rank: dict[int, set[int]] = {rank: set() for rank in LEVEL_RANK.values()}
    for org in present:
        level = level_of(parents.get(org, ("", None))[0])
        if level is not None:
            by_rank[LEVEL_RANK[level]].add(org)
    out: dict[int, set[int]] = {}
    for indicator, info in indicators.items():
        rank = LEVEL_RANK[info.level]
        out[indicator] = set().union(*(orgs for r, orgs in by_rank.items() if r <= rank))
    return out
