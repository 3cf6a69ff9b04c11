"""Pick-lists of financial years and quarters around today, grouped by financial year.

For a form whose period is a calendar fact rather than something scored (a commitment's
baseline and due periods): the past for a baseline, the future for a due date.
"""

from __future__ import annotations

from datetime import date

from wtforms.fields.choices import SelectChoice

from qframe.periods.labels import PeriodSpec, parse_period, periods_in_year, year_label


def _financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _year_and_quarters(first: int) -> list[PeriodSpec]:
    label = year_label(first)
    return [*periods_in_year(label, "quarter"), parse_period(label)]


def _choice(spec: PeriodSpec) -> SelectChoice:
    words = f"{spec.label} (whole year)" if spec.kind == "year" else spec.label
    return SelectChoice(spec.label, words, optgroup=spec.year)


def past_period_choices(today: date, years: int = 3) -> list[SelectChoice]:
    """Quarters and years that have started, newest year first (a baseline)."""
    current = _financial_year(today)
    return [
        _choice(spec)
        for first in range(current, current - years, -1)
        for spec in _year_and_quarters(first)
        if spec.start <= today
    ]


def future_period_choices(today: date, years: int = 4) -> list[SelectChoice]:
    """Quarters and years that end after today, soonest first (a due date)."""
    current = _financial_year(today)
    return [
        _choice(spec)
        for first in range(current, current + years)
        for spec in _year_and_quarters(first)
        if spec.end > today
    ]


def latest_ended_quarter(today: date) -> str:
    """The label of the last quarter that has ended (a baseline's default)."""
    ended = [
        spec
        for first in (_financial_year(today) - 1, _financial_year(today))
        for spec in periods_in_year(year_label(first), "quarter")
        if spec.end < today
    ]
    return ended[-1].label
