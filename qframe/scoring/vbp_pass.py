"""The VBP part of a score run, in memory: exact measure scores with each provider's baseline,
composites from their strata, domain scores and the Total Performance Score.

`runs.score_period` builds the columns as for any framework; `vbp_column` gives a vbp
column its achievement and status, and `apply_vbp` then replaces its points with CMS's (and
returns what the run stores beside them). No database here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from qframe.engine.batch import ScoredColumn
from qframe.engine.errors import EngineError
from qframe.engine.types import Polarity, Status
from qframe.engine.vbp import vbp_points
from qframe.engine.vbp_domains import (
    ConsistencyInput,
    DomainRule,
    DomainScore,
    MeasureScore,
    composite_score,
    consistency_points,
    domain_scores,
    total_performance_score,
)
from qframe.errors import DomainError
from qframe.scoring.calculate import Column
from qframe.scoring.vbp_figures import performance


@dataclass(frozen=True, slots=True)
class VbpMeasure:
    """What the run needs to know of one vbp indicator."""

    id: int
    code: str
    domain: str
    measure: str
    polarity: Polarity
    multiplier: Decimal | None
    at: Decimal | None  # None only for a composite
    bm: Decimal | None
    floor: Decimal | None
    weight: Decimal | None
    strata: tuple[int, ...] = ()


@dataclass
class VbpResult:
    """Per (org, indicator): achievement and improvement points; per provider: domains, TPS."""

    points: dict[tuple[int, int], tuple[int, int | None]] = field(default_factory=dict)
    domains: dict[int, list[DomainScore]] = field(default_factory=dict)
    tps: dict[int, tuple[Fraction | None, str]] = field(default_factory=dict)
    undetermined: int = 0  # composite scores the data cannot determine


def apply_vbp(
    columns: list[Column],
    measures: Mapping[int, VbpMeasure],
    baselines: Mapping[tuple[int, int], Fraction],
    weights: Mapping[tuple[int, int], Decimal],
    rules: Sequence[DomainRule],
    min_domains: int,
    providers: set[int],
) -> VbpResult:
    """Score every vbp column in place and work out each provider's domains and TPS."""
    result = VbpResult()
    scores: dict[int, dict[int, Fraction | int | None]] = {}
    by_id = {c.indicator: c for c in columns if c.indicator in measures}
    simple = [m for m in measures.values() if not m.strata]
    for m in simple:
        _score_simple(by_id[m.id], m, baselines, result, scores)
    for m in measures.values():
        if m.strata:
            _score_composite(by_id[m.id], m, weights, result, scores)
    stratum_ids = {s for m in measures.values() for s in m.strata}
    where = {i: {org: n for n, org in enumerate(c.orgs)} for i, c in by_id.items()}
    for org in sorted(providers):
        mine = scores.get(org, {})
        counted = [
            MeasureScore(measures[i].domain, score, measures[i].weight or 1)
            for i, score in mine.items()
            if i not in stratum_ids
        ]
        consistency = _consistency(org, rules, measures, by_id, where, stratum_ids)
        try:
            domains = domain_scores(rules, counted, consistency)
            result.tps[org] = total_performance_score(domains, rules, min_domains)
        except EngineError as error:
            raise DomainError(f"Cannot work out VBP domain scores: {error}") from error
        result.domains[org] = domains
    return result


def _score_simple(
    column: Column,
    m: VbpMeasure,
    baselines: Mapping[tuple[int, int], Fraction],
    result: VbpResult,
    scores: dict[int, dict[int, Fraction | int | None]],
) -> None:
    scored = column.scored
    if scored is None or m.at is None or m.bm is None:
        raise DomainError(f"Cannot score {m.code}: no achievement threshold and benchmark")
    points = list(scored.points)
    for index, (org, obs) in enumerate(zip(column.orgs, column.obs, strict=True)):
        figure = performance(m.measure, obs, m.multiplier)
        if figure is None:
            continue
        baseline = baselines.get((org, m.id))
        try:
            got = vbp_points(figure, m.at, m.bm, baseline, m.polarity)
        except EngineError as error:
            raise DomainError(f"Cannot score {m.code}: {error}") from error
        points[index] = float(got.points)
        # No baseline: no improvement points at all (not 0 earned), as CMS shows it.
        result.points[(org, m.id)] = (
            got.achievement,
            None if baseline is None else got.improvement,
        )
        scores.setdefault(org, {})[m.id] = got.points
    column.scored = ScoredColumn(scored.achievement, points, scored.status, scored.breach)


def _score_composite(
    column: Column,
    m: VbpMeasure,
    weights: Mapping[tuple[int, int], Decimal],
    result: VbpResult,
    scores: dict[int, dict[int, Fraction | int | None]],
) -> None:
    points: list[float] = []
    status: list[Status] = []
    for org in column.orgs:
        strata = [
            (scores[org][s], weights.get((org, s))) for s in m.strata if s in scores.get(org, {})
        ]
        if not strata:
            points.append(0.0)
            status.append("missing")
            continue
        score = composite_score(strata)  # type: ignore[arg-type]
        scores.setdefault(org, {})[m.id] = score
        if score is None:
            result.undetermined += 1
        points.append(0.0 if score is None else float(score))
        status.append("undetermined" if score is None else "scored")  # type: ignore[arg-type]
    n = len(column.orgs)
    column.scored = ScoredColumn([None] * n, points, status, [False] * n)
    column.flags = [None] * n


def _consistency(
    org: int,
    rules: Sequence[DomainRule],
    measures: Mapping[int, VbpMeasure],
    by_id: Mapping[int, Column],
    where: Mapping[int, Mapping[int, int]],
    strata: set[int],
) -> dict[str, int]:
    out: dict[str, int] = {}
    for rule in rules:
        if not rule.consistency_points:
            continue
        inputs = []
        for m in measures.values():
            if m.domain != rule.code or m.id in strata or m.floor is None or m.at is None:
                continue
            index = where[m.id].get(org)
            if index is None:
                continue
            figure = performance(m.measure, by_id[m.id].obs[index], m.multiplier)
            if figure is not None:
                inputs.append(ConsistencyInput(figure, m.at, m.floor, m.polarity))
        if inputs:
            out[rule.code] = consistency_points(inputs, rule.consistency_points)
    return out
