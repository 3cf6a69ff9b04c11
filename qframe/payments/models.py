"""Payment statement lines: money on account, year-end settlement, adjustments. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from qframe.audit.models import utcnow
from qframe.errors import Immutable
from qframe.extensions import Model

KINDS = ("aspiration", "achievement", "on_account", "reconciliation", "adjustment")


class PaymentLine(Model):
    """One payment (positive pence) or recovery (negative) to a provider under a framework."""

    __tablename__ = "payment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[str] = mapped_column(String(7))
    month: Mapped[int | None] = mapped_column(Integer)  # 1 = April … 12 = March; None: year end
    kind: Mapped[str] = mapped_column(String(16))
    pence: Mapped[int] = mapped_column(BigInteger)
    why: Mapped[str] = mapped_column(String(300))
    score_run_id: Mapped[int | None] = mapped_column(ForeignKey("score_runs.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_payment_lines_framework_org_year", "framework_id", "organisation_id", "year"),
    )


@event.listens_for(PaymentLine, "before_update")
@event.listens_for(PaymentLine, "before_delete")
def _append_only(_mapper: Any, _connection: Any, _target: PaymentLine) -> None:
    raise Immutable("payment lines are never edited: a change is a new adjustment line")
