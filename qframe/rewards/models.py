"""Allocation runs, their per-recipient lines and (for service-line runs) the provider splits.

A run is written once: proposed (with lines) or failed (no lines). After that the only changes
the ORM allows are approval (proposed → approved) and supersession (approved → superseded).
Lines and splits never change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.dbtypes import BigId, ExactDecimal
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.models import Period

STATUSES = ("proposed", "failed", "approved", "superseded")
REASONS = ("share", "capped", "floored", "gated", "ineligible")


class AllocationRun(Model):
    """One proposal to share a pot among a framework period's providers (or service lines)."""

    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    commissioner_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # the input snapshot: the final score run it pays on, the policy and the pot
    score_run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"))
    score_version: Mapped[int] = mapped_column(Integer)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    pot_pence: Mapped[int] = mapped_column(BigInteger)
    inputs_hash: Mapped[str] = mapped_column(String(64), index=True)
    # the inputs hash while the run is live (proposed or approved), NULL once failed or
    # superseded: the unique constraint makes two identical live proposals impossible
    live_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    message: Mapped[str | None] = mapped_column(String(2000))
    solver: Mapped[str] = mapped_column(String(200), default="")
    objective_pence: Mapped[float | None] = mapped_column(Float(precision=53))
    total_pence: Mapped[int | None] = mapped_column(BigInteger)
    exchange_rate: Mapped[float | None] = mapped_column(Float(precision=53))
    solve_seconds: Mapped[float | None] = mapped_column(Float(precision=53))
    seconds: Mapped[float | None] = mapped_column(Float(precision=53))
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_runs.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # two finance users approving at once: the second gets 409, not a second approval
    version: Mapped[int] = mapped_column(Integer, default=1)

    framework: Mapped[Framework] = relationship()
    period: Mapped[Period] = relationship()
    commissioner: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def by_service_line(self) -> bool:
        return self.policy.get("recipients") == "service_line"

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<AllocationRun {self.id} {self.status}>"


class AllocationLine(Model):
    """One provider's terms in a run (weight, cap, floor, gate), its award and why."""

    __tablename__ = "allocation_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    weight: Mapped[Decimal] = mapped_column(ExactDecimal())
    cap_pence: Mapped[int] = mapped_column(BigInteger)
    floor_pence: Mapped[int] = mapped_column(BigInteger)
    gate: Mapped[Decimal] = mapped_column(ExactDecimal())
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(12))
    breaches: Mapped[int] = mapped_column(Integer, default=0)
    # the words, or (runs proposed in bulk) "=" and a code for what set the cap: the words are
    # then made from this line's numbers and its run's exchange rate and policy when shown
    stored_explanation: Mapped[str] = mapped_column("explanation", String(1000))

    run: Mapped[AllocationRun] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("run_id", "organisation_id"),)

    @property
    def explanation(self) -> str:
        """What the provider was paid and why, in one or two sentences."""
        from qframe.rewards.explain import expand  # explain imports the optimiser's inputs

        return expand(self)


class AllocationSplit(Model):
    """A service line's part of its provider's award, by the points its indicators earned."""

    __tablename__ = "allocation_splits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("allocation_lines.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    points: Mapped[Decimal] = mapped_column(ExactDecimal())
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    line: Mapped[AllocationLine] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("run_id", "organisation_id"),)


# What each committed status may still change (and into which status); a proposed run's
# `seconds` is set once its lines are stored.
ALLOWED = {
    "proposed": (
        {"status", "approved_by_id", "approved_at", "supersedes_id", "version", "seconds"},
        {"approved"},
    ),
    "approved": ({"status", "superseded_at", "live_hash", "version"}, {"superseded"}),
}


@event.listens_for(AllocationRun, "before_update")
def _freeze_run(_mapper: Any, _connection: Any, target: AllocationRun) -> None:
    state = inspect(target)
    history = state.attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    fields, into = ALLOWED.get(was, (set(), set()))
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed <= fields or (target.status != was and target.status not in into):
        raise Immutable(f"allocation run {target.id} is {was}: it cannot be changed")


@event.listens_for(AllocationRun, "before_delete")
def _keep_run(_mapper: Any, _connection: Any, target: AllocationRun) -> None:
    raise Immutable(f"allocation run {target.id} is a record: it cannot be deleted")


@event.listens_for(AllocationLine, "before_update")
@event.listens_for(AllocationLine, "before_delete")
@event.listens_for(AllocationSplit, "before_update")
@event.listens_for(AllocationSplit, "before_delete")
def _freeze_lines(_mapper: Any, _connection: Any, target: Any) -> None:
    raise Immutable("allocation lines are written once and never change")
