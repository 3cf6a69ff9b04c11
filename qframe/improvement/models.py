"""Health improvement plans, their years and projects, and the optimised runs on them.

A plan's inputs are written once at import. A run is written once when proposed (with its
lines); after that the ORM allows only approval (proposed → approved) and supersession
(approved → superseded). Lines never change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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
from qframe.dbtypes import ExactDecimal
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.orgs.models import Organisation


class ImprovementPlan(Model):
    """A commissioner's portfolio of proposed projects over a run of financial years."""

    __tablename__ = "improvement_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int] = mapped_column(Integer)  # 2026 = 2026/27
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commissioner: Mapped[Organisation] = relationship()
    years: Mapped[list[PlanYear]] = relationship(order_by="PlanYear.index")
    projects: Mapped[list[ImprovementProject]] = relationship(order_by="ImprovementProject.code")

    def year_label(self, index: int) -> str:
        start = self.first_year + index
        return f"{start}/{(start + 1) % 100:02d}"


class PlanYear(Model):
    """One year of a plan: its budget for improvement projects and its staff capacity."""

    __tablename__ = "improvement_plan_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    staff_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("plan_id", "index"),)


class ImprovementProject(Model):
    """A proposed project: provider, indicators, expected gain with a range, cost and time."""

    __tablename__ = "improvement_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    indicators: Mapped[list[str]] = mapped_column(JSON)
    gain: Mapped[Decimal] = mapped_column(ExactDecimal())
    gain_low: Mapped[Decimal] = mapped_column(ExactDecimal())
    gain_high: Mapped[Decimal] = mapped_column(ExactDecimal())
    cost_pence: Mapped[int] = mapped_column(BigInteger)  # per year while it runs
    duration: Mapped[int] = mapped_column(Integer)
    staff_days: Mapped[int] = mapped_column(Integer)
    prerequisites: Mapped[list[str]] = mapped_column(JSON)
    earliest_start: Mapped[int] = mapped_column(Integer)  # year index

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("plan_id", "code"),)


class PlanRun(Model):
    """One optimised proposal for a plan: options, solver figures, trade-off curve, status."""

    __tablename__ = "improvement_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # proposed | approved | superseded
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    total_gain: Mapped[Decimal] = mapped_column(ExactDecimal())
    gain_low: Mapped[Decimal] = mapped_column(ExactDecimal())
    gain_high: Mapped[Decimal] = mapped_column(ExactDecimal())
    spend_pence: Mapped[list[int]] = mapped_column(JSON)
    staff_days: Mapped[list[int]] = mapped_column(JSON)
    curve: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    gap: Mapped[float] = mapped_column(Float(precision=53))
    solve_seconds: Mapped[float] = mapped_column(Float(precision=53))
    solver: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[ImprovementPlan] = relationship()
    lines: Mapped[list[PlanRunLine]] = relationship(order_by="PlanRunLine.id", back_populates="run")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PlanRunLine(Model):
    """A project in a run: funded with its years, or not funded and why."""

    __tablename__ = "improvement_run_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("improvement_runs.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("improvement_projects.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    funded: Mapped[bool] = mapped_column(Boolean)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(500), default="")

    project: Mapped[ImprovementProject] = relationship()
    run: Mapped[PlanRun] = relationship(back_populates="lines")


ALLOWED = {
    "proposed": ({"status", "approved_by_id", "approved_at", "version"}, {"approved"}),
    "approved": ({"status", "superseded_at", "version"}, {"superseded"}),
}


@event.listens_for(PlanRun, "before_update")
def _freeze_run(_mapper: Any, _connection: Any, target: PlanRun) -> None:
    state: Any = inspect(target)
    history = state.attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    fields, into = ALLOWED.get(was, (set(), set()))
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed <= fields or (target.status != was and target.status not in into):
        raise Immutable(f"improvement plan run {target.id} is {was}: it cannot be changed")


@event.listens_for(PlanRun, "before_delete")
@event.listens_for(PlanRunLine, "before_update")
@event.listens_for(PlanRunLine, "before_delete")
@event.listens_for(ImprovementProject, "before_update")
@event.listens_for(ImprovementProject, "before_delete")
@event.listens_for(PlanYear, "before_update")
@event.listens_for(PlanYear, "before_delete")
def _keep(_mapper: Any, _connection: Any, target: Any) -> None:
    raise Immutable("improvement plan inputs and runs are records: they cannot change")
