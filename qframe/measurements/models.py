"""Measurements, their revision history, imports, collection windows and declarations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.dbtypes import ExactDecimal
from qframe.extensions import Model
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import Organisation
from qframe.periods.models import Period

SOURCES = ("form", "file", "api", "computed")
DECLARATION_STATUSES = ("awaiting", "declared", "approved", "returned")


class Measurement(Model):
    """One value per (organisation, indicator, period). Missing is a flag, never a zero."""

    __tablename__ = "measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    # Looked up through the unique (organisation, indicator, period) and (framework, period)
    # indexes; fewer indexes keep bulk loads fast.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    numerator: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)
    exclusions: Mapped[int | None] = mapped_column(BigInteger)
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # A stratum's weight in a composite measure (formats.md Measurements CSV `weight`).
    weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # A ratio's expected count (observed / expected, e.g. SHMI): fractional, so not a count.
    expected: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    missing_reason: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_imports.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    indicator: Mapped[Indicator] = relationship()
    period: Mapped[Period] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "indicator_id", "period_id"),
        Index("ix_measurements_framework_period", "framework_id", "period_id"),
        # the few rows marked missing, found without reading every row of a period (scoring)
        Index(
            "ix_measurements_missing",
            "framework_id",
            "period_id",
            sqlite_where=text("missing = 1"),
            postgresql_where=text("missing"),
        ),
    )
    __mapper_args__ = {"version_id_col": version}


class MeasurementRevision(Model):
    """The state a measurement had before a change, and who changed it, when, how and why."""

    __tablename__ = "measurement_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("measurements.id"), index=True)
    old_version: Mapped[int] = mapped_column(Integer)
    old_numerator: Mapped[int | None] = mapped_column(BigInteger)
    old_denominator: Mapped[int | None] = mapped_column(BigInteger)
    old_exclusions: Mapped[int | None] = mapped_column(BigInteger)
    old_value: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    old_weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    old_expected: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    old_missing_reason: Mapped[str | None] = mapped_column(String(20))
    old_comment: Mapped[str | None] = mapped_column(Text)
    old_source: Mapped[str] = mapped_column(String(10))
    old_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    old_submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    new_numerator: Mapped[int | None] = mapped_column(BigInteger)
    new_denominator: Mapped[int | None] = mapped_column(BigInteger)
    new_exclusions: Mapped[int | None] = mapped_column(BigInteger)
    new_value: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    new_weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    new_expected: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    new_missing_reason: Mapped[str | None] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_imports.id"))


class MeasurementImport(Model):
    """One accepted batch (file, API request, form save): counts and the content hash."""

    __tablename__ = "measurement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str | None] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship()


class CollectionWindow(Model):
    """When a framework's data for one period may be entered."""

    __tablename__ = "collection_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship()
    period: Mapped[Period] = relationship()
    reopenings: Mapped[list[WindowReopening]] = relationship(
        back_populates="window", order_by="WindowReopening.id"
    )

    __table_args__ = (UniqueConstraint("framework_id", "period_id"),)
    __mapper_args__ = {"version_id_col": version}


class WindowReopening(Model):
    """A commissioner reopened a window for one organisation (and everything under it)."""

    __tablename__ = "window_reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("collection_windows.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    until: Mapped[date] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    window: Mapped[CollectionWindow] = relationship(back_populates="reopenings")
    organisation: Mapped[Organisation] = relationship()


class Declaration(Model):
    """A provider's declaration that a period's data is complete, and the commissioner's answer."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="awaiting")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str | None] = mapped_column(String(2000))
    version: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship()
    period: Mapped[Period] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("framework_id", "period_id", "organisation_id"),)
    __mapper_args__ = {"version_id_col": version}


class StagedUpload(Model):
    """A validated upload waiting for the uploader to confirm it (the preview step)."""

    __tablename__ = "measurement_staged_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    framework: Mapped[Framework] = relationship()


class IdempotentRequest(Model):
    """The stored answer to an API request sent with an Idempotency-Key."""

    __tablename__ = "measurement_idempotent_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key"),)
