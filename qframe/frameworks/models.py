"""Frameworks, their domains and indicators. A framework that is not a draft never changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.dbtypes import ExactDecimal
from qframe.engine.measure_type import MeasureType
from qframe.engine.measure_types import measure_type
from qframe.errors import Immutable
from qframe.extensions import Model, db
from qframe.orgs.models import Organisation

STATUSES = ("draft", "published", "closed")
SETTINGS = ("acute", "community", "mental_health", "primary_care", "mixed")
POLARITIES = ("higher_is_better", "lower_is_better")
LEVELS = ("provider", "service_line", "ward")


class Framework(Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    setting: Mapped[str] = mapped_column(String(20))
    year: Mapped[str] = mapped_column(String(7))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # active_history: the old status is loaded before a change even when the row was expired
    # (e.g. after a commit), so that the guard below sees what it is changing from.
    status: Mapped[str] = mapped_column(
        String(10), default="draft", index=True, active_history=True
    )
    payment_model: Mapped[str] = mapped_column(String(20))
    # Payment parameters exactly as in the framework JSON (decimal strings, never floats).
    payment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # VBP rules as in the framework JSON `vbp` object (baseline_period, min_domains), or None.
    vbp: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    change_reason: Mapped[str | None] = mapped_column(Text)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("frameworks.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    domains: Mapped[list[FrameworkDomain]] = relationship(
        back_populates="framework",
        cascade="all, delete-orphan",
        order_by="FrameworkDomain.position",
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Indicator.position"
    )

    __table_args__ = (UniqueConstraint("code", "version"),)
    __mapper_args__ = {"version_id_col": row_version}

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def __repr__(self) -> str:
        return f"<Framework {self.code} v{self.version} {self.status}>"


class FrameworkDomain(Model):
    __tablename__ = "framework_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # VBP: fewer scored measures and the domain is not scored; consistency points (HCAHPS).
    min_measures: Mapped[int | None] = mapped_column(Integer)
    consistency_points: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(back_populates="domains")

    __table_args__ = (UniqueConstraint("framework_id", "code"),)


class Indicator(Model):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    domain_id: Mapped[int] = mapped_column(ForeignKey("framework_domains.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(String(40))
    measure: Mapped[str] = mapped_column(String(12))
    multiplier: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    unit: Mapped[str | None] = mapped_column(String(80))
    polarity: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(15))
    method: Mapped[str] = mapped_column(String(10))
    max_points: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    lower: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    upper: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # The indicator's share of a contract_share payment (JSON `weight`; None = equal shares).
    weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # The vbp method's weight (JSON `scoring.weight`), a different thing from the share above.
    vbp_weight: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    achievement_threshold: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    benchmark: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    # VBP: the floor for consistency points, and the strata combined into this measure.
    floor: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    composite_of: Mapped[list[str] | None] = mapped_column(JSON)
    # month, quarter or year; None = the default by setting and level (measurements.rows).
    frequency: Mapped[str | None] = mapped_column(String(8))
    minimum_standard: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    min_denominator: Mapped[int | None] = mapped_column(Integer)
    data_source: Mapped[str] = mapped_column(String(20), default="submitted")
    prevalence_adjusted: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship(back_populates="indicators")
    domain: Mapped[FrameworkDomain] = relationship()

    __table_args__ = (UniqueConstraint("framework_id", "code"),)
    __mapper_args__ = {"version_id_col": row_version}

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"

    @property
    def measure_kind(self) -> MeasureType:
        """The registered measure type: what pages ask instead of comparing measure names."""
        return measure_type(self.measure)


# Immutability, enforced for every path (form, API, CLI, direct service call): the ORM refuses
# to change a domain or indicator of a framework that is not a draft, and a framework that has
# left draft may only move from published to closed.
CLOSING_FIELDS = {"status", "closed_at", "row_version"}


@event.listens_for(FrameworkDomain, "before_update")
@event.listens_for(FrameworkDomain, "before_delete")
@event.listens_for(Indicator, "before_update")
@event.listens_for(Indicator, "before_delete")
@event.listens_for(FrameworkDomain, "before_insert")
@event.listens_for(Indicator, "before_insert")
def _freeze_children(_mapper: Any, _connection: Any, target: FrameworkDomain | Indicator) -> None:
    framework = target.framework or db.session.get(Framework, target.framework_id)
    if framework is not None and _committed_status(framework) != "draft":
        raise Immutable(
            f"{framework.code} v{framework.version} is {framework.status}: "
            "it cannot be edited; create a new version"
        )


@event.listens_for(Framework, "before_update")
@event.listens_for(Framework, "before_delete")
def _freeze_framework(_mapper: Any, _connection: Any, target: Framework) -> None:
    was = _committed_status(target)
    if was == "draft":
        return
    changed = {attr.key for attr in inspect(target).attrs if attr.history.has_changes()}
    closing = was == "published" and target.status == "closed" and changed <= CLOSING_FIELDS
    if not closing or inspect(target).deleted:
        raise Immutable(
            f"{target.code} v{target.version} is {was}: it cannot be edited; create a new version"
        )


def _committed_status(framework: Framework) -> str:
    history = inspect(framework).attrs.status.history
    return history.deleted[0] if history.deleted else framework.status
