"""Ladder settings per framework, stored decisions, commissioners' notes and support plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.models import Period

PERIOD_KINDS = ("auto", "quarter", "month", "year")
PLAN_STATUSES = ("proposed", "accepted")


class EscalationSettings(Model):
    """A framework's ladder rules, the period kind it runs on, and the support budget."""

    __tablename__ = "escalation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), unique=True)
    # EscalationRules field → number as exact text (counts and percentages, never money).
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    period_kind: Mapped[str] = mapped_column(String(10), default="auto")
    support_budget_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    buddy_limit: Mapped[int] = mapped_column(Integer, default=2)
    # [{"id", "name", "cost_pence", "gain"}]: the support packages the commissioner offers.
    packages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship()

    __mapper_args__ = {"version_id_col": version}


class EscalationDecision(Model):
    """The level a provider holds after a period, what triggered it, and when it was worked out."""

    __tablename__ = "escalation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("score_runs.id"))
    level: Mapped[int] = mapped_column(Integer)
    triggered_level: Mapped[int] = mapped_column(Integer)
    # {"lines": [...], "alerts": [...], "alarms": [...], "breaches": [...], "indicators":
    #  {code: id}, "run": {...}, "overspend_percent": x}: words plus what the links need.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    financial_signal: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    period: Mapped[Period] = relationship()

    __table_args__ = (UniqueConstraint("framework_id", "organisation_id", "period_id"),)


class EscalationNote(Model):
    """A commissioner's note and the support offered; kept apart so re-evaluation keeps it."""

    __tablename__ = "escalation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)
    support_offered: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()
    period: Mapped[Period] = relationship()


class SupportRecord(Model):
    """Buddies and improvement packages for providers at levels 2–3 in one period."""

    __tablename__ = "support_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    buddy_limit: Mapped[int] = mapped_column(Integer)
    # [{"org_id", "level", "weak": [...], "buddy_id", "shared": [...], "package_id",
    #   "package_name", "cost_pence", "gain"}] — one row per supported provider.
    assignments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    total_cost_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    accountability: Mapped[str] = mapped_column(Text)
    solver_note: Mapped[str | None] = mapped_column(String(300))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    period: Mapped[Period] = relationship()
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    __table_args__ = (UniqueConstraint("framework_id", "period_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_accepted(self) -> bool:
        return self.status == "accepted"


@event.listens_for(SupportRecord, "before_update")
@event.listens_for(SupportRecord, "before_delete")
def _freeze_accepted(_mapper: Any, _connection: Any, target: SupportRecord) -> None:
    history = inspect(target).attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    if was == "accepted":
        raise Immutable("An accepted support plan cannot change; propose a new one next period")


@event.listens_for(EscalationNote, "before_update")
@event.listens_for(EscalationNote, "before_delete")
def _append_only(_mapper: Any, _connection: Any, _target: EscalationNote) -> None:
    raise Immutable("Notes are a record: add a new note instead of changing one")
