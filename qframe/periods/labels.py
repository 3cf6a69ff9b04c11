"""Parse and describe period labels; pure (no Flask, no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

YEAR_RE = re.compile(r"(\d{4})/(\d{2})", re.ASCII)
QUARTER_RE = re.compile(r"(\d{4})/(\d{2}) Q([1-4])", re.ASCII)
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])", re.ASCII)


class BadPeriod(ValueError):
    """The label is not a financial year, quarter or month."""


@dataclass(frozen=True, order=True)
class PeriodSpec:
    start: date
    end: date
    label: str
    kind: str  # year | quarter | month
    year: str  # the financial year it belongs to, e.g. 2025/26


def year_label(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_period(label: str) -> PeriodSpec:
    """`2025/26`, `2025/26 Q1` or `2025-04` as dates; anything else raises BadPeriod."""
    text = label.strip()
    if m := QUARTER_RE.fullmatch(text):
        first = _first_year(m.group(1), m.group(2), text)
        q = int(m.group(3))
        month = 4 + 3 * (q - 1)
        year = first + (month > 12)
        month = (month - 1) % 12 + 1
        start = date(year, month, 1)
        end_month = month + 2
        return PeriodSpec(start, _month_end(year, end_month), text, "quarter", year_label(first))
    if m := YEAR_RE.fullmatch(text):
        first = _first_year(m.group(1), m.group(2), text)
        return PeriodSpec(
            date(first, 4, 1), date(first + 1, 3, 31), text, "year", year_label(first)
        )
    if m := MONTH_RE.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
        first = year if month >= 4 else year - 1
        return PeriodSpec(
            date(year, month, 1), _month_end(year, month), text, "month", year_label(first)
        )
    raise BadPeriod(f"{label!r} is not a period: use 2025/26, 2025/26 Q1 or 2025-04")


def _first_year(first: str, second: str, text: str) -> int:
    year = int(first)
    if (year + 1) % 100 != int(second):
        raise BadPeriod(f"{text!r}: the years must be consecutive, e.g. {year_label(year)}")
    return year


def periods_in_year(year: str, kind: str) -> list[PeriodSpec]:
    """Every month or quarter of a financial year (or the year itself), in order."""
    spec = parse_period(year)
    first = spec.start.year
    if kind == "year":
        return [spec]
    if kind == "quarter":
        return [parse_period(f"{year} Q{q}") for q in range(1, 5)]
    months = [(first + (m > 12), (m - 1) % 12 + 1) for m in range(4, 16)]
    return [parse_period(f"{y}-{m:02d}") for y, m in months]
