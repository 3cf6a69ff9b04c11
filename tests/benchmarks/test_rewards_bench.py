"""Reward allocation runs end to end: read the final scores, build, solve, round, explain,
store; beside the limit measured in the same run (one read, the closed form in numpy, one bulk
write into the same table). CPU seconds, peak RSS, the ratio; no wall-clock assertion.

Each side runs in a fresh process (`rewards_fresh.py`) that builds the same region in its own
SQLite file, commits, collects garbage and only then resets the peak resident set, so the peak
is the allocation's own and not what earlier benchmarks left in a shared process. The sides
alternate (limit, qframe, limit, ...) QFRAME_BENCH_REPEAT times (default 3); the figures are
the medians of the CPU and wall seconds, and the largest peak and rise seen.

Run: PYTHONPATH=. .venv/bin/python -m pytest tests/benchmarks/test_rewards_bench.py \
     -m benchmark -s -p no:cacheprovider
(always SQLite: PostgreSQL would share the session's tables.)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.benchmark

HERE = Path(__file__).resolve().parent
REPEAT = int(os.environ.get("QFRAME_BENCH_REPEAT", "3"))


def fresh(side: str, n: int, directory: Path) -> dict[str, Any]:
    """One side measured in a new Python process (see rewards_fresh.py)."""
    root = str(HERE.parents[1])
    env = os.environ | {"PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(  # noqa: S603 - our own script, our own interpreter
        [sys.executable, str(HERE / "rewards_fresh.py"), side, str(n), str(directory)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for old in directory.glob("*.sqlite3"):
        old.unlink()
    return result


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Median seconds; the largest peak and the largest rise over the repetitions."""
    return {
        "cpu": statistics.median(r["cpu"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "peak": max(r["peak_mib"] for r in runs),
        "rise": max(r["peak_mib"] - r["start_mib"] for r in runs),
        "start": max(r["start_mib"] for r in runs),
    }


@pytest.mark.parametrize("n", [10_000, 100_000])
def test_an_allocation_run_is_stored_optimally_and_reported_beside_the_limit(n, tmp_path):
    limits, ours = [], []
    for _ in range(REPEAT):
        limits.append(fresh("limit", n, tmp_path))
        ours.append(fresh("qframe", n, tmp_path))
    q, b = summary(ours), summary(limits)
    print(
        f"\nallocation end to end (read, build, solve, round, explain, store), {n:,}, "
        f"median of {REPEAT} fresh processes each: qframe {q['cpu']:.3f} s CPU "
        f"({q['wall']:.3f} s wall; peak RSS {q['peak']:.0f} MiB, started at {q['start']:.0f}, "
        f"+{q['rise']:.0f} during the call) | limit (read + closed form + bulk write) "
        f"{b['cpu']:.3f} s CPU ({b['wall']:.3f} s wall; peak {b['peak']:.0f} MiB, started at "
        f"{b['start']:.0f}, +{b['rise']:.0f}) | ratio {q['cpu'] / b['cpu']:.2f}x"
    )
    print(f"  qframe CPU per process: {', '.join(f'{r['cpu']:.3f}' for r in ours)}; limit: "
          f"{', '.join(f'{r['cpu']:.3f}' for r in limits)}")  # fmt: skip
    worst = max(r["worst_pence"] for r in ours)
    solves = statistics.median(r["solve_seconds"] for r in ours)
    print(f"  {solves:.3f} s in solves; largest |LP - closed form| {worst:.2e}p")
    for r in ours:
        assert r["lines"] == n
        assert r["stored_pence"] == r["total_pence"] == r["pot_pence"]
        assert r["worst_pence"] <= 1e-9 * r["pot_pence"]
    assert all(r["lines"] == n for r in limits)
