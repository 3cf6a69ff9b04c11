"""The in-memory part of a score run: engine scores, funnel flags, peer medians, totals.

No database here: `runs.score_period` reads plain tuples, builds one `Column` per indicator,
calls `calculate`, and writes the rows. Columns (parallel lists) rather than an object per
row keep a national run (525,000 rows) within a few seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from math import fsum
from statistics import median

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
    references: Mapping[int, Reference] | None = None,
) -> Stats:
    """Score every column with the engine, flag funnels per level, take peer medians.

    references: indicator id → reference population for the provider level (domain.md §7)."""
    stats: Stats = {}
    for column in columns:
        spec = specs[column.indicator]
        column.scored = _score(column, spec, vbp.get(column.indicator), describe)
        column.flags = [None] * len(column.orgs)
        levels: dict[str, list[int]] = {}
        for index, org in enumerate(column.orgs):
            levels.setdefault(level_of(kinds.get(org, "")) or "other", []).append(index)
        achieved = column.scored.achievement
        for level, indexes in levels.items():
            values = [a for a in (achieved[i] for i in indexes) if a is not None]
            stat: dict[str, float | int | None] = {
                "median": median(values) if values else None,
                "units": len(values),
            }
            reference = (references or {}).get(column.indicator) if level == "provider" else None
            if has_funnel(spec):
                stat.update(flag_column(column, indexes, spec, reference))
            stats.setdefault(str(column.indicator), {})[level] = stat
    return stats


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
    points: dict[int, dict[int, float]] = {org: {} for org in wanted}
    alerts: Counter[int] = Counter()
    alarms: Counter[int] = Counter()
    breached: dict[int, set[int]] = {}
    for column in columns:
        indicator, scored = column.indicator, column.scored
        assert scored is not None  # noqa: S101 - calculate() has run
        rows = zip(column.orgs, scored.points, scored.breach, column.flags, strict=True)
        for org, earned, breach, flag in rows:
            if org in wanted:
                points[org][indicator] = earned
                if flag == "alert":
                    alerts[org] += 1
                elif flag == "alarm":
                    alarms[org] += 1
            if breach:
                for who in (org, *ancestors_of.get(org, ())):
                    breached.setdefault(who, set()).add(indicator)
    out = {
        org: Totals(
            fsum(points[org].values()),
            fsum(specs[i].max_points for i in points[org]),
            len(breached.get(org, ())),
            alerts[org],
            alarms[org],
        )
        for org in wanted
    }
    return out, points


def status_counts(columns: Iterable[Column]) -> dict[str, int]:
    """How many rows of each status, breaches, alerts and alarms."""
    counts: Counter[str] = Counter()
    for column in columns:
        assert column.scored is not None  # noqa: S101 - calculate() has run
        counts.update(column.scored.status)
        counts.update(flag for flag in column.flags if flag in ("alert", "alarm"))
        counts["breaches"] += sum(column.scored.breach)
    return dict(counts)
