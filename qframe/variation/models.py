"""Benchmark datasets a commissioner imports as a reference population (domain.md §7)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qframe.audit.models import utcnow
from qframe.dbtypes import ExactDecimal
from qframe.extensions import Model


class BenchmarkValue(Model):
    """One unit's value (and counts when known) for an indicator code and period."""

    __tablename__ = "benchmark_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_code: Mapped[str] = mapped_column(String(40))
    indicator_code: Mapped[str] = mapped_column(String(40))
    period_label: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(120))
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    numerator: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(120), default="benchmark")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_benchmark_lookup", "framework_code", "indicator_code", "period_label"),
    )
