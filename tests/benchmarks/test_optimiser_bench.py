"""Reward allocation (validate, build, solve with HiGHS, round) at 10,000 and 100,000
recipients, each figure beside the limit measured in the same run.

- end to end: `allocate_rewards` against the closed form in numpy plus rounding down to pence
  (the least arithmetic that produces the amounts);
- the LP alone: the policy LP through PuLP (`solve_policy`: the segment LP reduced to the
  segments near where the pot runs out, then the policy check) against the same two solves of
  the same reduced LP handed to highspy directly as arrays with the same starting basis.
CPU seconds (the machine is shared; each the median of five calls in this process), peak
memory, and the ratio; no wall-clock assertion. The
answer is checked against the exact closed form (to 1e-9 of the pot) outside the timing.

Run: make bench, or PYTHONPATH=. .venv/bin/python -m pytest -m benchmark -s \
     tests/benchmarks/test_optimiser_bench.py
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import highspy
import numpy as np
import pytest

from qframe.optimiser import Recipient, allocate_rewards, closed_form_allocation
from qframe.optimiser._highs import Deadline
from qframe.optimiser.allocation_lp import (
    NEAR,
    closed_form_basis,
    group_starts,
    segments_of,
    solve_policy,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_measure import closed_form_arrays, measure_median, report  # noqa: E402

pytestmark = pytest.mark.benchmark
REPEAT = 5  # each figure is the median of five calls in this process


def national(n: int, seed: int = 2025) -> tuple[list[Recipient], int]:
    """Providers with £0.5m-£50m contracts, caps at 2.5%, a few floors and breaches."""
    rng = random.Random(seed)
    recipients = []
    for i in range(n):
        cap = rng.randint(50_000_000, 5_000_000_000) * 25 // 1000
        floor = min(cap, rng.randint(0, 500_000)) if rng.random() < 0.2 else 0
        gate = rng.choices([Decimal(1), Decimal(0), Decimal("0.5")], [90, 5, 5])[0]
        weight = Decimal(rng.randint(0, 100_000)) / 100
        recipients.append(Recipient(f"P{i:06d}", weight, cap, floor, gate))
    return recipients, sum(x.cap_pence for x in recipients) * 6 // 10


def closed_form_pence(recipients: list[Recipient], pot: int) -> np.ndarray:
    floors = np.array([r.floor_pence for r in recipients], dtype=np.float64)
    caps = np.array([r.cap_pence for r in recipients], dtype=np.float64)
    slopes = np.array([float(r.gate * r.weight) for r in recipients])
    _rate, y = closed_form_arrays(slopes, caps - floors, pot - floors.sum())
    return np.floor(floors + y)


def lp_in_arrays(slopes: np.ndarray, room: np.ndarray, budget: float) -> np.ndarray:
    """The LP qframe solves (the segment LP reduced to the segments near where the pot runs
    out, the same groups), its two solves built straight in highspy (no PuLP), same basis."""
    seg = segments_of(slopes, room)
    lengths, money = seg.lengths[seg.used], seg.money[seg.used]
    starts = group_starts(money, budget, NEAR)
    lengths, money = np.add.reduceat(lengths, starts), np.add.reduceat(money, starts)
    start, restart = closed_form_basis(money, budget, None)  # type: ignore[arg-type]
    code = {"lower": highspy.HighsBasisStatus.kLower, "basic": highspy.HighsBasisStatus.kBasic,
            "upper": highspy.HighsBasisStatus.kUpper}  # fmt: skip
    m = len(money)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")
    none = np.zeros(0, np.int32)
    h.addCols(m, money, np.zeros(m), np.ones(m), 0, none, none, [])
    h.addRow(-highspy.kHighsInf, budget, m, np.arange(m, dtype=np.int32), money)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for basis, rows in ((start, None), (restart, "second")):
        if rows:
            total = h.getInfo().objective_function_value
            h.changeRowBounds(0, total - 1e-9 - 4e-16 * total, highspy.kHighsInf)
            h.changeColsCost(m, np.arange(m, dtype=np.int32), lengths)
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        b = highspy.HighsBasis()
        b.col_status = [code[s] for s in basis.columns]
        b.row_status = [code[s] for s in basis.rows]
        b.valid = True
        h.setBasis(b)
        h.run()
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    fills = np.asarray(h.getSolution().col_value)
    return np.repeat(fills, np.diff(starts, append=len(seg.used)))


@pytest.mark.parametrize("n", [10_000, 100_000])
def test_allocation_is_optimal_and_reported_beside_the_closed_form(n: int) -> None:
    recipients, pot = national(n)
    limit = measure_median(lambda: closed_form_pence(recipients, pot), REPEAT)
    ours = measure_median(lambda: allocate_rewards(recipients, pot, time_limit_s=600), REPEAT)
    result = ours.result
    print("\n" + report(f"allocation, {n:,} recipients", ours, limit, "closed form in numpy", 3))
    # the LP alone, through PuLP, against the same LP handed to HiGHS as arrays
    floors = np.array([r.floor_pence for r in recipients], dtype=np.float64)
    slopes = np.array([float(r.gate * r.weight) for r in recipients])
    room = np.array([r.cap_pence for r in recipients], dtype=np.float64) - floors
    live = (slopes > 0) & (room > 0)
    budget = pot - int(floors.sum())
    bare = measure_median(lambda: lp_in_arrays(slopes[live], room[live], float(budget)), REPEAT)
    lp = measure_median(lambda: solve_policy(slopes, room, budget, Deadline.start(600)), REPEAT)
    print(report(f"the LP alone, {n:,}", lp, bare, "same LP to highspy as arrays", 4))
    rate, exact = closed_form_allocation(recipients, pot)
    worst = max(abs(x - y) for x, y in zip(result.lp_amounts_pence, exact, strict=True))
    print(f"  largest |LP - closed form| {worst:.2e}p = {worst / pot:.1e} of the pot")
    assert worst <= 1e-9 * pot
    assert result.exchange_rate == pytest.approx(rate, rel=1e-9)
    assert sum(line.amount_pence for line in result.lines) == result.total_pence == pot
    assert all(x.floor_pence <= x.amount_pence <= x.cap_pence for x in result.lines)
