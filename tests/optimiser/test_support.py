"""Improvement support: at most one package per recipient, within budget, most expected gain."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.optimiser import InvalidInput, Package, plan_improvement_support


def p(recipient: str, package: str, cost: int, gain: float) -> Package:
    return Package(recipient, package, cost, gain)


def test_the_best_plan_takes_one_package_each_within_budget() -> None:
    # A's two packages together (250p, gain 5.0) would be best but count twice for A;
    # C alone gains 4.0; A's p2 with B's q costs exactly 250p and gains 4.5
    packages = [p("A", "p1", 100, 2.0), p("A", "p2", 150, 3.0), p("B", "q", 100, 1.5)]
    packages.append(p("C", "r", 200, 4.0))
    plan = plan_improvement_support(packages, 250)
    assert [(x.recipient, x.package_id) for x in plan.chosen] == [("A", "p2"), ("B", "q")]
    assert plan.total_cost_pence == 250
    assert plan.total_gain == pytest.approx(4.5)
    assert plan.status == "optimal"


def test_among_equal_gains_the_cheaper_plan_is_chosen() -> None:
    plan = plan_improvement_support([p("A", "dear", 300, 2.0), p("A", "cheap", 120, 2.0)], 1000)
    assert [x.package_id for x in plan.chosen] == ["cheap"]


def test_a_zero_budget_buys_only_free_packages() -> None:
    plan = plan_improvement_support([p("A", "x", 10, 1.0), p("B", "free", 0, 0.5)], 0)
    assert [x.package_id for x in plan.chosen] == ["free"]
    assert plan.total_cost_pence == 0


def test_nothing_affordable_gives_an_empty_plan() -> None:
    plan = plan_improvement_support([p("A", "x", 500, 1.0)], 100)
    assert plan.chosen == ()
    assert plan.total_gain == 0


@pytest.mark.parametrize(
    ("packages", "budget", "message"),
    [
        ([p("A", "x", -1, 1.0)], 10, "package 'x' for 'A': cost must be whole pence"),
        ([p("A", "x", 1, -0.5)], 10, "package 'x' for 'A': expected gain must be a number"),
        ([p("A", "x", 1, math.nan)], 10, "expected gain must be a number, at least 0, got nan"),
        ([p("A", "x", 1, 1.0)], -5, "the support budget must be whole pence"),
        ([p("A", "x", 1, 1.0), p("A", "x", 2, 1.0)], 10, "package 'x' for 'A' appears 2 times"),
    ],
)
def test_negative_or_malformed_input_is_refused(
    packages: list[Package], budget: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        plan_improvement_support(packages, budget)


packages_strategy = st.lists(
    st.builds(
        Package,
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from(["p1", "p2", "p3"]),
        st.integers(0, 500),
        st.integers(0, 20).map(float),
    ),
    max_size=9,
    unique_by=lambda x: (x.recipient, x.package_id),
)


@settings(max_examples=60, deadline=None, database=None)
@given(packages_strategy, st.integers(0, 1200))
def test_the_plan_matches_the_best_plan_found_by_brute_force(
    packages: list[Package], budget: int
) -> None:
    plan = plan_improvement_support(packages, budget)
    best = 0.0
    for size in range(len(packages) + 1):
        for combo in itertools.combinations(packages, size):
            recipients = [x.recipient for x in combo]
            cost = sum(x.cost_pence for x in combo)
            if len(set(recipients)) == len(recipients) and cost <= budget:
                best = max(best, sum(x.expected_gain for x in combo))
    assert plan.total_gain == pytest.approx(best)
    assert plan.total_cost_pence <= budget
    assert len({x.recipient for x in plan.chosen}) == len(plan.chosen)
