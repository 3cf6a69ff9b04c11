"""The in-memory part of a score run: engine scores, funnel flags, peer medians, totals.

No database here: `runs.score_period` reads plain tuples, builds one `Column` per indicator,
calls `calculate`, and writes the rows. Columns (parallel lists) rather than an object per
row keep a national run (525,000 rows) within a few seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from math import fsum
from operator import eq
from statistics import median
from typing import cast

from qframe.engine.batch import ScoredColumn, score_column
from qframe.engine.errors import EngineError
from qframe.engine.funnel import Reference
from qframe.engine.points import score_indicator
from qframe.engine.scoring_methods import scoring_method
from qframe.engine.types import IndicatorSpec, Observation
from qframe.errors import DomainError
from qframe.scoring.rollup import Obs, level_of
from qframe.scoring.vbp_figures import vbp_column
from qframe.variation.flagging import flag_column, has_funnel

Stats = dict[str, dict[str, dict[str, float | int | None]]]
# indicator ids -> the reference population of each that has one (provider level)
References = Callable[[list[int]], Mapping[int, Reference]]


@dataclass(frozen=True, slots=True)
class VbpTerms:
    """A vbp indicator's achievement threshold and benchmark (None: a composite)."""

    achievement_threshold: Decimal | None
    benchmark: Decimal | None


@dataclass
class Column:
    """One indicator's rows: organisations, observations, whether each was combined; then
    the engine's results and the funnel flags."""

    indicator: int
    orgs: list[int]
    obs: list[Obs]
    rolled: list[bool]
    scored: ScoredColumn | None = None
    flags: list[str | None] = field(default_factory=list)
    ratio: bool = False  # each observation's value is an expected count (a ratio type)


def calculate(
    columns: list[Column],
    specs: Mapping[int, IndicatorSpec],
    vbp: Mapping[int, VbpTerms],
    kinds: Mapping[int, str],
    describe: Mapping[int, str],
    references: References | None = None,
) -> Stats:
    """Score every column with the engine, flag funnels per level, take peer medians.

    references: given indicator ids, their reference populations for the provider level
    (domain.md §7). A funnel uses its reference only when its own providers are too few to
    estimate τ², which is exactly when its flags without one come out provisional: so every
    funnel is flagged without, and only the provisional ones ask for their reference (in one
    call) and are flagged again (proportions, rates and ratios alike). A national run asks for
    none."""
    stats: Stats = {}
    provisional: list[tuple[Column, list[int], IndicatorSpec, dict[str, float | int | None]]] = []
    level_by_org: dict[int, str] = {}
    last: tuple[list[int], dict[str, list[int]]] = ([], {})
    for column in columns:
        spec = specs[column.indicator]
        column.scored = _score(column, spec, vbp.get(column.indicator), describe)
        column.flags = [None] * len(column.orgs)
        achieved = column.scored.achievement
        if column.orgs != last[0]:  # columns mostly list the same organisations
            last = (column.orgs, _levels(column.orgs, kinds, level_by_org))
        for level, indexes in last[1].items():
            if len(indexes) == len(achieved):  # every row (indexes count up from 0)
                values = (
                    cast("list[float]", achieved)
                    if None not in achieved
                    else [a for a in achieved if a is not None]
                )
            else:
                values = [a for a in (achieved[i] for i in indexes) if a is not None]
            stat: dict[str, float | int | None] = {
                "median": median(values) if values else None,
                "units": len(values),
            }
            if has_funnel(spec):
                stat.update(flag_column(column, indexes, spec, None))
                if level == "provider" and stat["provisional"] and references is not None:
                    provisional.append((column, indexes, spec, stat))
            stats.setdefault(str(column.indicator), {})[level] = stat
    if provisional and references is not None:
        found = references([column.indicator for column, *_ in provisional])
        for column, indexes, spec, stat in provisional:
            reference = found.get(column.indicator)
            if reference is not None:
                stat.update(flag_column(column, indexes, spec, reference))
    return stats


def _levels(
    orgs: list[int], kinds: Mapping[int, str], known: dict[int, str]
) -> dict[str, list[int]]:
    """Row indexes by the level each organisation is measured at ("other" for the rest)."""
    levels: dict[str, list[int]] = {}
    for index, org in enumerate(orgs):
        level = known.get(org)
        if level is None:
            level = known[org] = level_of(kinds.get(org, "")) or "other"
        found = levels.get(level)
        if found is None:
            levels[level] = [index]
        else:
            found.append(index)
    return levels


def _score(
    column: Column, spec: IndicatorSpec, vbp: VbpTerms | None, describe: Mapping[int, str]
) -> ScoredColumn:
    if scoring_method(spec.method).peer_scored:
        # CMS points need each provider's baseline: scoring.vbp_pass.apply_vbp gives them.
        multiplier = None if spec.multiplier is None else Decimal(repr(spec.multiplier))
        return vbp_column(spec.measure, multiplier, column.obs)
    try:
        return score_column(spec, column.obs)
    except EngineError:
        pass
    # Find the row the engine refused, to say which organisation's data is wrong.
    for org, obs in zip(column.orgs, column.obs, strict=True):
        try:
            score_indicator(spec, Observation(*obs))
        except EngineError as error:
            where = describe.get(org, str(org))
            raise DomainError(f"Cannot score {spec.code} for {where}: {error}") from error
    raise DomainError(f"Cannot score {spec.code}")


@dataclass(frozen=True, slots=True)
class Totals:
    """One provider's totals in a run."""

    points: float
    max_points: float
    breaches: int
    alerts: int
    alarms: int


def totals(
    columns: Iterable[Column],
    specs: Mapping[int, IndicatorSpec],
    providers: Iterable[int],
    ancestors_of: Mapping[int, list[int]],
) -> tuple[dict[int, Totals], dict[int, dict[int, float]]]:
    """Each provider's totals over its own rows (breaches also over its units), and its
    points by indicator id (for payment)."""
    wanted = set(providers)
    columns = list(columns)
    points = _points_by_provider(columns, wanted)
    alerts: Counter[int] = Counter()
    alarms: Counter[int] = Counter()
    breached: dict[int, set[int]] = {}
    for column in columns:
        indicator, scored = column.indicator, column.scored
        assert scored is not None  # noqa: S101 - calculate() has run
        orgs = column.orgs
        for flag, counter in (("alert", alerts), ("alarm", alarms)):  # a few rows in a hundred
            flagged = compress(orgs, map(eq, column.flags, repeat(flag)))  # in C
            counter.update(org for org in flagged if org in wanted)
        if any(scored.breach):
            for org, breach in zip(orgs, scored.breach, strict=True):
                if breach:
                    for who in (org, *ancestors_of.get(org, ())):
                        breached.setdefault(who, set()).add(indicator)
    maxima: dict[tuple[int, ...], float] = {}  # providers mostly have the same indicators
    for earned in points.values():
        key = tuple(earned)
        if key not in maxima:
            maxima[key] = fsum(specs[i].max_points for i in key)
    out = {
        org: Totals(
            fsum(points[org].values()),
            maxima[tuple(points[org])],
            len(breached.get(org, ())),
            alerts[org],
            alarms[org],
        )
        for org in wanted
    }
    return out, points


def _points_by_provider(columns: list[Column], wanted: set[int]) -> dict[int, dict[int, float]]:
    """Each provider's points by indicator id, in column order."""
    points: dict[int, dict[int, float]] = {org: {} for org in wanted}
    if columns and all(column.orgs == columns[0].orgs for column in columns):
        # Every column lists the same organisations (a national run): one row each, in C.
        ids = [column.indicator for column in columns]
        rows = zip(*(_scored(column).points for column in columns), strict=True)
        for org, row in zip(columns[0].orgs, rows, strict=True):
            if org in points:
                points[org] = dict(zip(ids, row, strict=True))
        return points
    for column in columns:
        assert column.scored is not None  # noqa: S101 - calculate() has run
        for org, earned in zip(column.orgs, column.scored.points, strict=True):
            mine = points.get(org)
            if mine is not None:
                mine[column.indicator] = earned
    return points


def _scored(column: Column) -> ScoredColumn:
    assert column.scored is not None  # noqa: S101 - calculate() has run
    return column.scored


def status_counts(columns: Iterable[Column]) -> dict[str, int]:
    """How many rows of each status, breaches, alerts and alarms."""
    counts: Counter[str] = Counter()
    for column in columns:
        assert column.scored is not None  # noqa: S101 - calculate() has run
        counts.update(column.scored.status)
        for flag in ("alert", "alarm"):
            found = column.flags.count(flag)  # in C, not a step per row
            if found:
                counts[flag] += found
        counts["breaches"] += sum(column.scored.breach)
    return dict(counts)
