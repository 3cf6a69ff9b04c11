"""How the benchmarks measure: CPU seconds (less sensitive to a busy machine than wall time),
wall seconds, and the peak resident memory during the call.

Peak memory: Linux keeps a process's high-water mark (VmHWM); writing 5 to /proc/self/clear_refs
resets it, so the mark read after the call is the peak during the call (numpy and HiGHS
memory included, which tracemalloc would miss). Elsewhere it falls back to tracemalloc's peak
of Python allocations.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CLEAR = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")


@dataclass(frozen=True)
class Measured[T]:
    result: T
    cpu: float
    wall: float
    peak_mib: float  # peak resident set during the call (or tracemalloc peak where no /proc)
    how: str
    start_mib: float = 0.0  # resident set when the call started (what earlier work left)

    @property
    def grew_mib(self) -> float:
        """How far the peak rose above the resident set at the start: the call's own memory."""
        return self.peak_mib - self.start_mib


def _status_mib(field: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure[T](action: Callable[[], T]) -> Measured[T]:
    """Run `action` once; its CPU and wall seconds and the peak memory while it ran."""
    try:
        CLEAR.write_text("5")
        rss = True
    except OSError:
        rss = False
        tracemalloc.start()
    start = _status_mib("VmRSS") if rss else 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if rss:
        return Measured(result, cpu, wall, _status_mib("VmHWM"), "peak RSS", start)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return Measured(result, cpu, wall, peak, "tracemalloc peak")


def report(
    label: str, ours: Measured[Any], limit: Measured[Any], limit_label: str, digits: int = 2
) -> str:
    """One line: qframe's figure, the limit measured in the same run, the ratio (CPU)."""
    ratio = ours.cpu / limit.cpu if limit.cpu > 0 else float("inf")
    d = digits
    return (
        f"{label}: qframe {ours.cpu:.{d}f} s CPU ({ours.wall:.{d}f} s wall, {ours.how} "
        f"{ours.peak_mib:.0f} MiB, +{ours.grew_mib:.0f} during the call) | limit ({limit_label}) "
        f"{limit.cpu:.{d}f} s CPU ({limit.wall:.{d}f} s wall, {limit.peak_mib:.0f} MiB, "
        f"+{limit.grew_mib:.0f}) | ratio {ratio:.{min(d - 1, 2)}f}x"
    )


def closed_form_arrays(slopes: Any, room: Any, budget: float) -> tuple[float, Any]:
    """The policy's closed form in numpy floats (the limit's arithmetic, not the oracle):
    y_i = min(u_i, s a_i) with s the smallest rate that spends the budget."""
    import numpy as np

    a, u = np.asarray(slopes, dtype=np.float64), np.asarray(room, dtype=np.float64)
    live = (a > 0) & (u > 0)
    t = np.where(live, u / np.where(live, a, 1.0), 0.0)
    if u[live].sum() <= budget:
        rate = float(t.max(initial=0.0))
    else:
        order = np.flatnonzero(live)[np.argsort(t[live], kind="stable")]
        capped_before = np.cumsum(u[order]) - u[order]
        slope_from = np.cumsum(a[order][::-1])[::-1]
        total_at = capped_before + slope_from * t[order]
        k = int(np.searchsorted(total_at, budget))
        rate = float((budget - capped_before[k]) / slope_from[k])
    return rate, np.minimum(u, rate * a) * live


def measure_median[T](action: Callable[[], T], repeat: int) -> Measured[T]:
    """`measure` run `repeat` times: the run with the median CPU seconds (for calls of a few
    milliseconds, where one run is mostly noise on a shared machine)."""
    runs = sorted((measure(action) for _ in range(repeat)), key=lambda m: m.cpu)
    return runs[len(runs) // 2]
