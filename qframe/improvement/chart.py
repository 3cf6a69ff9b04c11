"""Inline-SVG geometry for a plan run: the timeline of funded projects and the trade-off curve."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qframe.web.svg import Scale, Tick

WIDTH, LEFT, RIGHT, TOP, ROW = 720, 160, 20, 30, 22


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    y: float
    width: float


def timeline(lines: list[Any], years: list[str]) -> dict[str, Any]:
    """One bar per funded project across the years it runs, earliest first."""
    funded = [line for line in lines if line.funded]
    funded.sort(key=lambda line: (line.start, line.project.code))
    step = (WIDTH - LEFT - RIGHT) / max(len(years), 1)
    bars = [
        Bar(
            f"{line.project.code} ({line.project.organisation.code})",
            LEFT + step * line.start,
            TOP + ROW * i,
            step * (line.end - line.start + 1) - 2,
        )
        for i, line in enumerate(funded)
    ]
    ticks = [Tick(LEFT + step * i + step / 2, label) for i, label in enumerate(years)]
    return {"bars": bars, "ticks": ticks, "height": TOP + ROW * len(bars) + 10, "width": WIDTH}


def _millions(pence: int) -> str:
    return f"£{(Decimal(pence) / 100_000_000).quantize(Decimal('0.01'))}m"


def curve(points: list[dict[str, Any]], current_budget: int) -> dict[str, Any]:
    """Best expected gain (with its range) against total budget, one point per solve."""
    points = [p for p in points if p.get("feasible", True)]
    height, bottom = 300, 40
    top_gain = max([p["gain_high"] for p in points] + [1.0])
    top_budget = max([p["budget_pence"] for p in points] + [1])
    x = Scale(0, top_budget, LEFT - 90, WIDTH - RIGHT)
    y = Scale(0, top_gain, height - bottom, TOP)
    dots = [
        {
            "x": x(p["budget_pence"]),
            "y": y(p["gain"]),
            "low": y(p["gain_low"]),
            "high": y(p["gain_high"]),
            "current": p["budget_pence"] == current_budget,
            "title": f"budget £{p['budget_pence'] // 100:,}: gain {p['gain']:.1f} "
            f"(range {p['gain_low']:.1f}–{p['gain_high']:.1f}), {p['funded']} projects",
        }
        for p in points
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dots))
    xticks = [Tick(x(p["budget_pence"]), _millions(p["budget_pence"])) for p in points]
    yticks = [Tick(y(top_gain * k / 4), f"{top_gain * k / 4:.0f}") for k in range(5)]
    return {
        "dots": dots,
        "path": path,
        "xticks": xticks,
        "yticks": yticks,
        "height": height,
        "width": WIDTH,
        "left": LEFT - 90,
        "base": height - bottom,
    }
