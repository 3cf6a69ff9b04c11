"""Buddy matching: a buddy for everyone a buddy can help, within each buddy's limit."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.optimiser import BuddyPair, InvalidInput, Mentor, Needing, match_buddies


def need(org: str, commissioner: str, *weak: str) -> Needing:
    return Needing(org, commissioner, frozenset(weak))


def mentor(org: str, commissioner: str, *strong: str) -> Mentor:
    return Mentor(org, commissioner, frozenset(strong))


def pairs(result: tuple[BuddyPair, ...]) -> set[tuple[str, str]]:
    return {(x.org, x.buddy) for x in result}


def test_everyone_a_buddy_can_cover_gets_one_when_the_limits_allow() -> None:
    # coverage alone would give N1 the 3-indicator buddy M1 and leave N2 (only M1 covers
    # it) without one; supporting both comes first
    needing = [need("N1", "C", "x", "y", "z"), need("N2", "C", "y")]
    mentors = [mentor("M1", "C", "x", "y", "z"), mentor("M2", "C", "x")]
    assert pairs(match_buddies(needing, mentors, 1)) == {("N1", "M2"), ("N2", "M1")}


def test_more_shared_indicators_beat_the_same_commissioner() -> None:
    result = match_buddies(
        [need("N1", "C1", "a", "b")], [mentor("NEAR", "C1", "a"), mentor("FAR", "C2", "a", "b")], 1
    )
    assert result == (BuddyPair("N1", "FAR", ("a", "b"), False),)


def test_the_same_commissioner_wins_when_coverage_is_equal() -> None:
    result = match_buddies(
        [need("N1", "C1", "a")], [mentor("AFAR", "C2", "a"), mentor("NEAR", "C1", "a")], 1
    )
    assert result == (BuddyPair("N1", "NEAR", ("a",), True),)


def test_a_buddy_supports_at_most_k() -> None:
    needing = [need(f"N{i}", "C", "a") for i in range(3)]
    result = match_buddies(needing, [mentor("M", "C", "a")], 2)
    assert len(result) == 2
    assert {x.buddy for x in result} == {"M"}


def test_nobody_is_their_own_buddy_and_nothing_in_common_means_no_buddy() -> None:
    needing = [need("BOTH", "C", "a"), need("LONELY", "C", "z")]
    assert match_buddies(needing, [mentor("BOTH", "C", "a", "b")], 5) == ()


def test_a_limit_of_zero_pairs_nobody() -> None:
    assert match_buddies([need("N", "C", "a")], [mentor("M", "C", "a")], 0) == ()


@pytest.mark.parametrize(
    ("needing", "mentors", "k", "message"),
    [
        ([need("N", "C", "a")], [mentor("M", "C", "a")], -1, "limit k must be a whole number"),
        ([need("N", "C", "a"), need("N", "C", "b")], [], 1, "'N' is listed 2 times needing"),
        ([], [mentor("M", "C", "a"), mentor("M", "D", "b")], 1, "'M' is listed 2 times as a"),
    ],
)
def test_malformed_input_is_refused(
    needing: list[Needing], mentors: list[Mentor], k: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        match_buddies(needing, mentors, k)


indicators = st.frozensets(st.sampled_from("abcd"), max_size=3)
needing_orgs = st.lists(
    st.builds(
        Needing, st.sampled_from(["N1", "N2", "N3", "N4", "X"]), st.sampled_from("CD"), indicators
    ),
    max_size=4,
    unique_by=lambda x: x.org,
)
mentor_orgs = st.lists(
    st.builds(Mentor, st.sampled_from(["M1", "M2", "M3", "X"]), st.sampled_from("CD"), indicators),
    max_size=3,
    unique_by=lambda x: x.org,
)


def best_by_brute_force(needing: list[Needing], mentors: list[Mentor], k: int) -> tuple[int, int]:
    best = (0, 0)
    for choice in itertools.product([None, *mentors], repeat=len(needing)):
        load = [m.org for m in choice if m is not None]
        if any(load.count(org) > k for org in load):
            continue
        count = score = 0
        for n, m in zip(needing, choice, strict=True):
            if m is None:
                continue
            shared = n.weak_indicators & m.strong_indicators
            if m.org == n.org or not shared:
                break
            count += 1
            score += 2 * len(shared) + (n.commissioner == m.commissioner)
        else:
            best = max(best, (count, score))
    return best


@settings(max_examples=60, deadline=None, database=None)
@given(needing_orgs, mentor_orgs, st.integers(1, 2), st.randoms(use_true_random=False))
def test_matching_is_optimal_and_ignores_input_order(
    needing: list[Needing], mentors: list[Mentor], k: int, rng: random.Random
) -> None:
    result = match_buddies(needing, mentors, k)
    score = sum(2 * len(x.shared_indicators) + x.same_commissioner for x in result)
    assert (len(result), score) == best_by_brute_force(needing, mentors, k)
    shuffled_needing, shuffled_mentors = list(needing), list(mentors)
    rng.shuffle(shuffled_needing)
    rng.shuffle(shuffled_mentors)
    assert match_buddies(shuffled_needing, shuffled_mentors, k) == result
