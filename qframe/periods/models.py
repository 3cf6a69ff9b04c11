"""Stored periods (label with start and end dates)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from qframe.extensions import Model, db
from qframe.periods.labels import parse_period


class Period(Model):
    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[str] = mapped_column(String(7), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Period {self.label}>"


def get_or_create_period(label: str) -> Period:
    """The stored period for a label (created on first use); BadPeriod for a malformed label."""
    spec = parse_period(label)
    period = db.session.scalar(select(Period).where(Period.label == spec.label))
    if period is None:
        period = Period(
            label=spec.label,
            kind=spec.kind,
            year=spec.year,
            start_date=spec.start,
            end_date=spec.end,
        )
        db.session.add(period)
        db.session.flush()
    return period
