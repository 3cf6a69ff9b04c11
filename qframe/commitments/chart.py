"""A small inline-SVG chart of a commitment: the straight line to the target and the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .status import Reading

WIDTH, HEIGHT = 360, 160
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


@dataclass(frozen=True)
class CommitmentChart:
    """Coordinates for the template: plan line, target line, milestones, results, axis labels."""

    width: int
    height: int
    plan: tuple[tuple[float, float], tuple[float, float]]
    target_y: float
    results: tuple[tuple[float, float, str], ...]  # x, y, label
    milestones: tuple[tuple[float, float, str], ...]
    y_labels: tuple[tuple[float, str], ...]
    x_labels: tuple[tuple[float, str], ...]
    description: str

    @property
    def results_path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.results)


def _fmt(value: float) -> str:
    return f"{value:,.1f}"


def commitment_chart(
    baseline: float,
    target: float,
    start: date,
    due: date,
    readings: Sequence[Reading],
    milestones: Sequence[tuple[date, float]],
) -> CommitmentChart:
    """Scale everything into a WIDTH × HEIGHT box; time runs from the baseline to the due date."""
    shown = [r for r in readings if r.on > start]
    last = max([due, *(r.on for r in shown)])
    values = [baseline, target, *(r.value for r in shown), *(v for _, v in milestones)]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad
    span = max((last - start).days, 1)

    def x(on: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (on - start).days / span

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)

    results = tuple((x(r.on), y(r.value), f"{r.on:%b %Y}: {_fmt(r.value)}") for r in shown)
    marks = tuple((x(on), y(v), f"Milestone {on:%b %Y}: {_fmt(v)}") for on, v in milestones)
    words = ", ".join(label for _x, _y, label in results) or "no results yet"
    return CommitmentChart(
        width=WIDTH,
        height=HEIGHT,
        plan=((x(start), y(baseline)), (x(due), y(target))),
        target_y=y(target),
        results=results,
        milestones=marks,
        y_labels=((y(baseline), _fmt(baseline)), (y(target), _fmt(target))),
        x_labels=((x(start), f"{start:%b %Y}"), (x(due), f"{due:%b %Y}")),
        description=(
            f"From {_fmt(baseline)} ({start:%b %Y}) to a target of {_fmt(target)} by "
            f"{due:%b %Y}; results: {words}"
        ),
    )
