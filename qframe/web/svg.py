"""Pure helpers for server-rendered SVG charts: axis ticks and a linear data-to-pixel scale."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tick:
    """One axis label: its pixel position along the axis and its text."""

    at: float
    label: str


@dataclass(frozen=True)
class Scale:
    """Maps lo..hi onto start..end pixels (start > end flips a y axis), to 0.1 px."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return round(
            self.start + (self.end - self.start) * (value - self.lo) / (self.hi - self.lo), 1
        )
