"""A provider's local commitment: indicator, baseline, target, due period, milestones, why."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.dbtypes import ExactDecimal
from qframe.extensions import Model
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.periods.models import Period


class Commitment(Model):
    """What a provider promises its population. Its status is derived, never stored or typed."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    baseline: Mapped[Decimal] = mapped_column(ExactDecimal)
    baseline_period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    target: Mapped[Decimal] = mapped_column(ExactDecimal)
    due_period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    # [{"period": "2025/26 Q2", "value": "5.5"}], in period order.
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    why: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    indicator: Mapped[Indicator] = relationship()
    baseline_period: Mapped[Period] = relationship(foreign_keys=[baseline_period_id])
    due_period: Mapped[Period] = relationship(foreign_keys=[due_period_id])
    created_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
