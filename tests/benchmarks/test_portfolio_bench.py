"""Health improvement plan at scale: 500 projects over 5 years (build, solve, optimality gap).

Run: PYTHONPATH=. .venv/bin/python -m pytest tests/benchmarks/test_portfolio_bench.py \
     -m benchmark -s -p no:cacheprovider
"""

from __future__ import annotations

import random
import time

import pytest

from qframe.optimiser.portfolio import plan_portfolio
from qframe.optimiser.portfolio_inputs import Horizon, Project

pytestmark = pytest.mark.benchmark


def portfolio(n: int, years: int, seed: int = 2026) -> tuple[list[Project], Horizon]:
    """50 providers' projects: £20k-£400k a year for 1-3 years, a fifth needing an earlier one."""
    rng = random.Random(seed)
    projects = []
    for i in range(n):
        gain = rng.randint(5, 200) / 10
        needs = (f"H{rng.randrange(i):04d}",) if i and rng.random() < 0.2 else ()
        projects.append(
            Project(
                f"H{i:04d}",
                f"P{rng.randrange(50):02d}",
                gain,
                gain * 0.6,
                gain * 1.4,
                rng.randint(20, 400) * 100_000,
                rng.randint(1, 3),
                rng.randint(10, 300),
                needs,
                rng.choice([0, 0, 0, 1, 2]),
            )
        )
    # about a third of the yearly demand is affordable
    demand = sum(p.cost_pence * p.duration for p in projects) // years
    staff = sum(p.staff * p.duration for p in projects) // years
    return projects, Horizon((demand // 3,) * years, (staff // 2,) * years)


# gapRel 0 (a proven optimum) did not finish in 600 s on this instance: figures use a small gap
@pytest.mark.parametrize("gap_rel", [1e-3, 1e-4])
def test_a_500_project_5_year_plan_reports_build_solve_and_gap(gap_rel: float) -> None:
    projects, horizon = portfolio(500, 5)
    started = time.perf_counter()
    plan = plan_portfolio(projects, horizon, gap_rel=gap_rel, time_limit_s=600)
    elapsed = time.perf_counter() - started
    print(
        f"\n500 projects x 5 years, gapRel {gap_rel:g}: {plan.variables} binaries; build "
        f"{plan.build_seconds:.2f} s, solve {plan.solve_seconds:.2f} s, {elapsed:.2f} s end to "
        f"end; funded {len(plan.scheduled)}, gain {plan.total_gain:.1f}, bound "
        f"{plan.best_bound:.2f}, gap {plan.gap:.2e}; {plan.solver}"
    )
    assert plan.gap <= max(gap_rel, 1e-6) * 1.0001
    assert all(s <= b for s, b in zip(plan.spend_pence, horizon.budgets_pence, strict=True))
