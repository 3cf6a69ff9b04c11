"""Buddy matching: pair providers needing support with strong performers (an assignment MILP)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pulp

from ._highs import Deadline, solve, values
from .errors import InvalidInput

# Score of a pair in the second solve: each shared weak indicator is worth 2, the same
# commissioner 1, so a same-commissioner buddy wins only among buddies covering as much.
SHARED_WEIGHT = 2
SAME_COMMISSIONER_BONUS = 1


@dataclass(frozen=True)
class Needing:
    """A provider needing support on its weak indicators."""

    org: str
    commissioner: str
    weak_indicators: frozenset[str]


@dataclass(frozen=True)
class Mentor:
    """A high performer that can support others on its strong indicators."""

    org: str
    commissioner: str
    strong_indicators: frozenset[str]


@dataclass(frozen=True)
class BuddyPair:
    """A supported provider and its buddy (accountability stays with the provider's board)."""

    org: str
    buddy: str
    shared_indicators: tuple[str, ...]
    same_commissioner: bool


def _problems(needing: Sequence[Needing], mentors: Sequence[Mentor], k: int) -> list[str]:
    problems = []
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        problems.append(f"each buddy's limit k must be a whole number, at least 0, got {k!r}")
    for label, orgs in (("needing support", needing), ("as a buddy", mentors)):
        counts = Counter(o.org for o in orgs)
        problems += [f"{org!r} is listed {n} times {label}" for org, n in counts.items() if n > 1]
    return problems


def _candidates(needing: Sequence[Needing], mentors: Sequence[Mentor]) -> list[BuddyPair]:
    pairs = []
    for n in sorted(needing, key=lambda n: n.org):
        for m in sorted(mentors, key=lambda m: m.org):
            shared = n.weak_indicators & m.strong_indicators
            if n.org != m.org and shared:
                same = n.commissioner == m.commissioner
                pairs.append(BuddyPair(n.org, m.org, tuple(sorted(shared)), same))
    return pairs


def match_buddies(
    needing: Sequence[Needing], mentors: Sequence[Mentor], k: int, time_limit_s: float = 60
) -> tuple[BuddyPair, ...]:
    """Pairs sorted by org: at most one buddy each, at most k per buddy, never oneself.

    First solve: support as many providers as possible (so everyone that some buddy covers
    gets one whenever the limits allow). Second solve, keeping that number: maximise
    2 x shared weak indicators + 1 x same commissioner. A buddy must share at least one weak
    indicator. The model is built in org order, so the same input gives the same pairs.
    """
    problems = _problems(needing, mentors, k)
    if problems:
        raise InvalidInput(problems)
    deadline = Deadline.start(time_limit_s)
    pairs = _candidates(needing, mentors)
    if not pairs or k == 0:
        return ()
    prob = pulp.LpProblem("buddy_matching", pulp.LpMaximize)
    by_index = prob.add_variable_dicts("pair", range(len(pairs)), cat="Binary")
    chosen: list[pulp.LpVariable] = [by_index[i] for i in range(len(pairs))]
    per_org: defaultdict[str, list[pulp.LpVariable]] = defaultdict(list)
    per_buddy: defaultdict[str, list[pulp.LpVariable]] = defaultdict(list)
    for var, pair in zip(chosen, pairs, strict=True):
        per_org[pair.org].append(var)
        per_buddy[pair.buddy].append(var)
    for group in per_org.values():
        prob += pulp.lpSum_vars(group) <= 1
    for group in per_buddy.values():
        if len(group) > k:
            prob += pulp.lpSum_vars(group) <= k
    supported = pulp.lpSum_vars(chosen)
    prob.setObjective(supported)
    most = solve(prob, deadline, mip=True).objective
    prob += supported >= round(most) - 0.5  # counts are whole: keep every supported provider
    scores = [
        SHARED_WEIGHT * len(p.shared_indicators) + SAME_COMMISSIONER_BONUS * p.same_commissioner
        for p in pairs
    ]
    prob.setObjective(pulp.lpSum_vars_coefs(list(zip(chosen, map(float, scores), strict=True))))
    solve(prob, deadline, mip=True)
    return tuple(p for p, x in zip(pairs, values(chosen), strict=True) if x > 0.5)
