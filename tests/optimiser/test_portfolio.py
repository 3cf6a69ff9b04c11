"""Health improvement plan: which projects to fund and when, within budgets, staff and order."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.optimiser import InvalidInput
from qframe.optimiser.portfolio import plan_portfolio, starts
from qframe.optimiser.portfolio_curve import trade_off
from qframe.optimiser.portfolio_inputs import Horizon, Project, input_problems

K = 100_000  # £1,000 in pence


def proj(pid, provider, gain, cost_k, years, staff, needs=(), earliest=0, low=None, high=None):  # type: ignore[no-untyped-def]
    low = gain if low is None else low
    high = gain if high is None else high
    return Project(pid, provider, gain, low, high, cost_k * K, years, staff, tuple(needs), earliest)


# The worked example, checked by hand.
# Three years with budgets £100k, £100k, £60k and 100 staff days a year.
#   A (P1) gain 6 (4-8), £60k/yr for 2 years, 40 days/yr
#   B (P1) gain 5 (3-7), £50k for 1 year, 30 days, needs A finished first
#   C (P2) gain 4 (2-5), £40k/yr for 2 years, 50 days/yr
#   D (P2) gain 3, £70k for 1 year, 20 days
#   E (P3) gain 1, £90k/yr for 3 years, 10 days/yr (1 point for £270k: 3.7 points per £1m)
#   F (P3) gain 2, £10k for 1 year, 90 days
#   G (P3) gain 3, £10k for 1 year, 5 days, needs D finished first
# B can only start in year 3 (A takes years 1-2). A and C both fit years 1-2 (£100k, 90 days
# each year); C in years 2-3 would need £40k + B's £50k = £90k in year 3, over £60k. Year 3
# then has £60k: B (£50k, 30 days) beats D (£70k: over) and F (2 < 5). So A, C (years 1-2) and
# B (year 3) gain 6 + 4 + 5 = 15 (range 9-20), spending £100k, £100k, £50k.
# Anything with D: D's £70k never fits beside A's £60k nor in year 3 (£60k), so D means no A
# and no B; the best without A is D (year 1) + C (years 2-3) + G = 3 + 4 + 3 = 10 < 15.
# F's 90 days fit beside nothing but E, so F only displaces more valuable work.
# Why the others are out: D needs £70k; year 1 has £0 left. E (no floor) needs £90k in year 1,
# which has £0 left. F: the £10k fits only in year 3, which has 100 - 30 = 70 days left, not
# 90. G: its prerequisite D is not funded. With a floor of 10 points per £1m, E (3.7) is out for
# low value. At half the budgets (£50k, £50k, £30k) A and D never fit; C in years 1-2 and F in
# year 3 (alone: 90 days) give 4 + 2 = 6, and nothing else fits beside them.
EXAMPLE = [
    proj("A", "P1", 6, 60, 2, 40, low=4, high=8),
    proj("B", "P1", 5, 50, 1, 30, needs=["A"], low=3, high=7),
    proj("C", "P2", 4, 40, 2, 50, low=2, high=5),
    proj("D", "P2", 3, 70, 1, 20),
    proj("E", "P3", 1, 90, 3, 10),
    proj("F", "P3", 2, 10, 1, 90),
    proj("G", "P3", 3, 10, 1, 5, needs=["D"]),
]
HORIZON = Horizon((100 * K, 100 * K, 60 * K), (100, 100, 100))


def test_the_worked_example_funds_a_and_c_first_then_b_for_a_gain_of_15() -> None:
    plan = plan_portfolio(EXAMPLE, HORIZON)
    assert [(s.project.project_id, s.start, s.end) for s in plan.scheduled] == [
        ("A", 0, 1),
        ("C", 0, 1),
        ("B", 2, 2),
    ]
    assert plan.total_gain == pytest.approx(15)
    assert (plan.gain_low, plan.gain_high) == (pytest.approx(9), pytest.approx(20))
    assert plan.spend_pence == (100 * K, 100 * K, 50 * K)
    assert plan.staff == (90, 90, 30)
    assert plan.gap == pytest.approx(0, abs=1e-9)


def test_the_worked_example_says_why_each_other_project_is_out() -> None:
    plan = plan_portfolio(EXAMPLE, HORIZON)
    reasons = {r.project.project_id: (r.reason, r.year, r.blockers) for r in plan.rejected}
    assert reasons == {
        "D": ("budget", 0, ()),
        "E": ("budget", 0, ()),
        "F": ("capacity", 2, ()),
        "G": ("prerequisite", None, ("D",)),
    }
    assert "£70,000 a year; year 1 has £0 left" in plan.rejected[0].detail


def test_a_floor_on_gain_per_pound_leaves_out_the_poor_value_project() -> None:
    plan = plan_portfolio(EXAMPLE, HORIZON, min_gain_per_million=Decimal(10))
    [e] = [r for r in plan.rejected if r.project.project_id == "E"]
    assert e.reason == "low_value"
    assert "gains 3.7 points per £1m" in e.detail  # 1 point for £270k
    assert plan.total_gain == pytest.approx(15)


def test_the_trade_off_curve_at_half_the_budget_funds_c_and_f_for_6() -> None:
    curve = trade_off(EXAMPLE, HORIZON, scales=[Decimal("0.5"), Decimal(1), Decimal(2)])
    assert [p.scale for p in curve] == [Decimal("0.5"), Decimal(1), Decimal(2)]
    assert curve[0].gain == pytest.approx(6)
    assert curve[0].budget_pence == 130 * K
    assert curve[1].gain == pytest.approx(15)
    assert curve[2].gain >= curve[1].gain


def test_a_minimum_per_provider_gives_the_weaker_provider_its_project() -> None:
    # One year, £100k. X (P1) gain 5 £60k, Y (P1) gain 4 £40k, Z (P2) gain 1 £40k.
    # Best overall: X + Y = 9. With one project each: X + Z = 6 beats Y + Z = 5.
    items = [
        proj("X", "P1", 5, 60, 1, 0),
        proj("Y", "P1", 4, 40, 1, 0),
        proj("Z", "P2", 1, 40, 1, 0),
    ]
    one_year = Horizon((100 * K,), (10,))
    assert plan_portfolio(items, one_year).total_gain == pytest.approx(9)
    protected = plan_portfolio(items, one_year, min_projects_per_provider=1)
    assert sorted(s.project.project_id for s in protected.scheduled) == ["X", "Z"]


def test_a_minimum_no_budget_can_meet_is_explained_not_solved_badly() -> None:
    items = [proj("X", "P1", 5, 60, 1, 0), proj("Z", "P2", 1, 60, 1, 0)]
    with pytest.raises(InvalidInput, match="minimum number of projects for every provider"):
        plan_portfolio(items, Horizon((100 * K,), (10,)), min_projects_per_provider=1)


def test_bad_inputs_are_all_reported_before_solving() -> None:
    items = [
        proj("A", "P1", 1, 10, 1, 0, needs=["A"]),
        proj("B", "P1", 1, 10, 1, 0, needs=["C"]),
        proj("C", "P1", 1, 10, 1, 0, needs=["B"]),
        proj("D", "P1", 9, 10, 1, 0, needs=["nope"], low=1, high=5),
        proj("D", "P1", 1, -1, 0, 0, earliest=7),
    ]
    found = {(p.project_id, p.field, p.message[:30]) for p in input_problems(items, HORIZON, 2)}
    assert ("A", "prerequisites", "a project cannot be its own pr") in found
    assert ("B", "prerequisites", "its prerequisites form a cycle") in found
    assert ("C", "prerequisites", "its prerequisites form a cycle") in found
    assert ("D", "prerequisites", "prerequisite 'nope' is not a p") in found
    assert ("D", "gain", "expected gain 9 is outside its") in found
    assert ("D", "project_id", "project 'D' appears 2 times") in found
    fields = {f for pid, f, _ in found if pid == "D"}
    assert {"cost", "duration", "earliest_start"} <= fields
    with pytest.raises(InvalidInput, match="own prerequisite"):
        plan_portfolio(items, HORIZON)


def test_a_horizon_with_mismatched_capacity_is_refused() -> None:
    with pytest.raises(InvalidInput, match="one staff capacity per budget year"):
        plan_portfolio(EXAMPLE, Horizon((1, 2), (5,)))


def test_a_project_too_long_for_the_plan_is_out_for_the_horizon() -> None:
    plan = plan_portfolio([proj("L", "P1", 5, 1, 3, 0, earliest=1)], HORIZON)
    assert plan.rejected[0].reason == "horizon"


def brute_force(projects: list[Project], horizon: Horizon) -> float:
    """Best gain over every assignment of a start (or none) to each project."""
    years, best = horizon.years, 0.0
    options = [[None, *starts(p, years)] for p in projects]
    for choice in itertools.product(*options):
        at = {p.project_id: s for p, s in zip(projects, choice, strict=True) if s is not None}
        money, staff, ok = [0] * years, [0] * years, True
        for p in projects:
            s = at.get(p.project_id)
            if s is None:
                continue
            for t in range(s, s + p.duration):
                money[t] += p.cost_pence
                staff[t] += p.staff
            by = {q.project_id: q for q in projects}
            ok &= all(q in at and at[q] + by[q].duration <= s for q in p.prerequisites)
        ok &= all(m <= b for m, b in zip(money, horizon.budgets_pence, strict=True))
        ok &= all(m <= c for m, c in zip(staff, horizon.capacity, strict=True))
        if ok:
            best = max(best, sum(p.gain for p in projects if p.project_id in at))
    return best


@st.composite
def instances(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 5))
    projects = []
    for i in range(n):
        needs = draw(st.sets(st.integers(0, i - 1), max_size=1)) if i else set()
        projects.append(
            proj(
                f"P{i}",
                f"O{draw(st.integers(0, 2))}",
                draw(st.integers(0, 9)),
                draw(st.integers(0, 60)),
                draw(st.integers(1, 3)),
                draw(st.integers(0, 60)),
                needs=[f"P{j}" for j in needs],
                earliest=draw(st.integers(0, 2)),
            )
        )
    budgets = tuple(draw(st.integers(0, 100)) * K for _ in range(3))
    capacity = tuple(draw(st.integers(0, 100)) for _ in range(3))
    return projects, Horizon(budgets, capacity)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_the_plan_matches_exhaustive_search_and_respects_every_limit(case) -> None:  # type: ignore[no-untyped-def]
    projects, horizon = case
    plan = plan_portfolio(projects, horizon)
    assert plan.total_gain == pytest.approx(brute_force(projects, horizon))
    assert all(s <= b for s, b in zip(plan.spend_pence, horizon.budgets_pence, strict=True))
    assert all(s <= c for s, c in zip(plan.staff, horizon.capacity, strict=True))
    finish = {s.project.project_id: s.end for s in plan.scheduled}
    for s in plan.scheduled:
        assert all(finish.get(q, 99) < s.start for q in s.project.prerequisites)
    assert len(plan.scheduled) + len(plan.rejected) == len(projects)
    assert "gap" not in {r.reason for r in plan.rejected if r.project.gain > 0}


def test_the_curve_marks_budgets_too_small_for_the_minimum_instead_of_failing() -> None:
    # X (P1) and Z (P2) cost £60k each in one year: the minimum of one each needs £120k
    items = [proj("X", "P1", 5, 60, 1, 0), proj("Z", "P2", 1, 60, 1, 0)]
    curve = trade_off(
        items, Horizon((120 * K,), (10,)), [Decimal("0.5"), Decimal(1)], min_projects_per_provider=1
    )
    assert [(p.feasible, p.gain) for p in curve] == [(False, 0.0), (True, pytest.approx(6))]
