"""CMS VBP measures into domains and the Total Performance Score, in exact arithmetic.

A measure's score may be *undetermined* (a composite whose strata differ but whose weights
are not known): a domain that would count it is then undetermined too, and so is the TPS.
Nothing is guessed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from qframe.engine.errors import InvalidInput, InvalidWeights
from qframe.engine.types import Polarity, check_polarity
from qframe.engine.vbp import Number, exact, half_up

DomainStatus = Literal["scored", "not_scored", "undetermined"]
UNDETERMINED: DomainStatus = "undetermined"


def composite_score(strata: Sequence[tuple[Number, Number | None]]) -> Fraction | None:
    """The strata's scores weighted by their weights; None when that cannot be known.

    One stratum: its score. Strata that all score the same: that score, whatever the weights.
    Otherwise every stratum needs a weight (CMS: predicted infections), not all zero.
    """
    if not strata:
        raise InvalidInput("a composite needs at least one stratum")
    scores = [exact(score) for score, _ in strata]
    if len(set(scores)) == 1:
        return scores[0]
    if any(weight is None for _, weight in strata):
        return None
    weights = [exact(weight) for _, weight in strata if weight is not None]
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise InvalidWeights("stratum weights must be >= 0 and not all zero")
    return sum((w * s for w, s in zip(weights, scores, strict=True)), Fraction(0)) / sum(weights)


@dataclass(frozen=True, slots=True)
class ConsistencyInput:
    """One measure's performance, achievement threshold and floor (worst baseline value)."""

    x: Number
    at: Number
    floor: Number
    polarity: Polarity


def consistency_points(measures: Sequence[ConsistencyInput], maximum: int = 20) -> int:
    """round(maximum × p − 0.5) in 0..maximum, p the lowest measure's (x − floor)/(AT − floor);
    the maximum when every measure is at or beyond its achievement threshold."""
    if not measures:
        raise InvalidInput("consistency needs at least one measure")
    lowest: Fraction | None = None
    for m in measures:
        check_polarity(m.polarity)
        sign = 1 if m.polarity == "higher_is_better" else -1
        x, at, floor = sign * exact(m.x), sign * exact(m.at), sign * exact(m.floor)
        if x >= at:
            continue
        if at <= floor:
            raise InvalidInput("the floor must be worse than the achievement threshold")
        p = (x - floor) / (at - floor)
        lowest = p if lowest is None else min(lowest, p)
    if lowest is None:
        return maximum
    return min(maximum, max(0, half_up(maximum * lowest - Fraction(1, 2))))


@dataclass(frozen=True, slots=True)
class DomainRule:
    """A domain's TPS weight, minimum scored measures and consistency points (0 = none)."""

    code: str
    weight: Number
    min_measures: int = 1
    consistency_points: int = 0


@dataclass(frozen=True, slots=True)
class MeasureScore:
    """A provider's score on one measure (0..10, or None = undetermined) and its weight."""

    domain: str
    score: Fraction | int | None
    weight: Number = 1


@dataclass(frozen=True, slots=True)
class DomainScore:
    """A normalised domain score 0..100 (None unless scored) and how many measures counted."""

    code: str
    status: DomainStatus
    score: Fraction | None
    measures: int


def domain_scores(
    rules: Sequence[DomainRule],
    measures: Sequence[MeasureScore],
    consistency: Mapping[str, int] | None = None,
) -> list[DomainScore]:
    """Each domain: points earned / possible over the measures present, scaled to
    100 − consistency points, plus the consistency points given for it."""
    consistency = consistency or {}
    known = {r.code for r in rules}
    stray = sorted({m.domain for m in measures} - known)
    if stray:
        raise InvalidInput(f"no domain rule for {', '.join(stray)}")
    out = []
    for rule in rules:
        mine = [m for m in measures if m.domain == rule.code]
        if len(mine) < max(1, rule.min_measures):
            out.append(DomainScore(rule.code, "not_scored", None, len(mine)))
            continue
        if any(m.score is None for m in mine):
            out.append(DomainScore(rule.code, UNDETERMINED, None, len(mine)))
            continue
        scores = [(m.weight, m.score) for m in mine if m.score is not None]  # all, checked above
        earned = sum((exact(w) * exact(s) for w, s in scores), Fraction(0))
        possible = sum((exact(m.weight) * 10 for m in mine), Fraction(0))
        if possible == 0:
            raise InvalidWeights(f"{rule.code}: measure weights are all zero")
        scale = 100 - rule.consistency_points
        score = earned / possible * scale + consistency.get(rule.code, 0)
        out.append(DomainScore(rule.code, "scored", score, len(mine)))
    return out


def total_performance_score(
    domains: Sequence[DomainScore], rules: Sequence[DomainRule], min_domains: int
) -> tuple[Fraction | None, str]:
    """Σ weight × domain score, weights re-normalised over the scored domains; with a reason
    ("scored", "too_few_domains", "undetermined")."""
    weights = {r.code: exact(r.weight) for r in rules}
    if any(w < 0 for w in weights.values()):
        raise InvalidWeights("domain weights must be >= 0")
    if any(d.status == UNDETERMINED for d in domains):
        return None, UNDETERMINED
    scored = [d for d in domains if d.status == "scored"]
    if len(scored) < max(1, min_domains):
        return None, "too_few_domains"
    total = sum((weights[d.code] for d in scored), Fraction(0))
    if total == 0:
        raise InvalidWeights("the scored domains' weights are all zero")
    value = sum((weights[d.code] * d.score for d in scored if d.score is not None), Fraction(0))
    return value / total, "scored"
