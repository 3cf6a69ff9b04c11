"""Amount against weight for a run's recipients, caps marked: geometry for an inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from qframe.extensions import db
from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.web.svg import Scale, Tick

WIDTH, HEIGHT = 680, 320
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 16, 40
MAX_POINTS = 400  # beyond this a chart is a blur: an even sample by weight is drawn


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    cap_y: float
    label: str
    reason: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: int
    right: int
    top: int
    dots: tuple[Dot, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    sampled: int  # how many recipients the run has (dots may be fewer)


def short(value: float, money: bool) -> str:
    """Axis labels: £1.2m, £350k, 12.5k."""
    unit = "£" if money else ""
    if abs(value) >= 1_000_000:
        return f"{unit}{value / 1_000_000:.1f}m"
    if abs(value) >= 1000:
        return f"{unit}{value / 1000:.0f}k"
    return f"{unit}{value:.0f}" if money or value >= 10 else f"{value:.2g}"


def _rows(run: AllocationRun) -> tuple[list[Any], int]:
    count = db.session.scalar(select(func.count()).where(AllocationLine.run_id == run.id))
    stmt = (
        select(
            Organisation.code,
            AllocationLine.weight,
            AllocationLine.amount_pence,
            AllocationLine.cap_pence,
            AllocationLine.reason,
        )
        .join(Organisation, Organisation.id == AllocationLine.organisation_id)
        .where(AllocationLine.run_id == run.id)
    )
    rows = [tuple(row) for row in db.session.execute(stmt)]
    rows.sort(key=lambda r: (r[1], r[0]))
    if len(rows) > MAX_POINTS:
        step = len(rows) / MAX_POINTS
        rows = [rows[int(k * step)] for k in range(MAX_POINTS)] + [rows[-1]]
    return rows, count or 0


def run_chart(run: AllocationRun) -> Chart | None:
    """The chart for a run with lines (None for a failed run)."""
    rows, count = _rows(run)
    if not rows:
        return None
    return build_chart(rows, count)


def build_chart(rows: Sequence[tuple[str, Decimal, int, int, str]], count: int) -> Chart:
    """Dots at (weight, amount) with a cap marker above each; axes from zero."""
    top_weight = float(max(w for _, w, _, _, _ in rows)) or 1.0
    top_money = max(max(max(a, c) for _, _, a, c, _ in rows), 100) / 100
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    x, y = Scale(0, top_weight, LEFT, right), Scale(0, top_money, bottom, TOP)

    dots = tuple(
        Dot(
            x(float(w)),
            y(a / 100),
            y(c / 100),
            f"{key}: £{a / 100:,.2f} (cap £{c / 100:,.2f}), weight {w:,}",
            reason,
        )
        for key, w, a, c, reason in rows
    )
    steps = range(5)
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        bottom,
        right,
        TOP,
        dots,
        tuple(Tick(y(top_money * k / 4), short(top_money * k / 4, True)) for k in steps),
        tuple(Tick(x(top_weight * k / 4), short(top_weight * k / 4, False)) for k in steps),
        count,
    )
