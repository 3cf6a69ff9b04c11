"""Development plans, their actions (each with an owner) and the actions' milestones.

A milestone is either linked to an indicator (its status comes from the scored data, as a
commitment's does) or evidenced by a note and signed off by a named person. A sign-off is
written once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.dbtypes import ExactDecimal
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation


class DevelopmentPlan(Model):
    """A provider's plan for bringing services up to standard, from `starts_on` to `ends_on`."""

    __tablename__ = "development_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    actions: Mapped[list[PlanAction]] = relationship(order_by="PlanAction.id")


class PlanAction(Model):
    """Something the provider will do, and the person who owns it."""

    __tablename__ = "development_plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))

    milestones: Mapped[list[Milestone]] = relationship(
        order_by="Milestone.due_on", back_populates="action"
    )


class Milestone(Model):
    """A dated step of an action: indicator-linked (baseline → target) or signed off."""

    __tablename__ = "development_plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("development_plan_actions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    baseline: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    target: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    evidence: Mapped[str] = mapped_column(Text, default="")
    signed_off_by: Mapped[str | None] = mapped_column(String(200))  # the named person
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_notified: Mapped[bool] = mapped_column(Boolean, default=False)

    action: Mapped[PlanAction] = relationship(back_populates="milestones")
    indicator: Mapped[Indicator | None] = relationship()


@event.listens_for(Milestone, "before_update")
def _sign_off_once(_mapper: Any, _connection: Any, target: Milestone) -> None:
    state: Any = inspect(target)
    history = state.attrs.signed_off_at.history
    was_signed = (history.deleted[0] if history.deleted else target.signed_off_at) is not None
    fixed = ("signed_off_at", "signed_off_by", "evidence", "title", "due_on")
    if was_signed and any(state.attrs[k].history.has_changes() for k in fixed):
        raise Immutable(f"milestone {target.id} is signed off: it cannot change")


@event.listens_for(DevelopmentPlan, "before_delete")
@event.listens_for(PlanAction, "before_delete")
@event.listens_for(Milestone, "before_delete")
def _keep(_mapper: Any, _connection: Any, target: Any) -> None:
    raise Immutable("development plans are records: they cannot be deleted")
