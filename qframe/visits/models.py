"""Visits to a local health system (a commissioner and its providers) and their recommendations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.extensions import Model
from qframe.orgs.models import Organisation

CYCLE_YEARS = 3


class Visit(Model):
    """A governance visit: planned for a date, then recorded as done with its findings."""

    __tablename__ = "governance_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    commissioner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    planned_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned | done
    visited_on: Mapped[date | None] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commissioner: Mapped[Organisation] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(order_by="Recommendation.id")


class Recommendation(Model):
    """A visit's recommendation to a provider, carried as an action in its development plan."""

    __tablename__ = "governance_visit_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("governance_visits.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    action_id: Mapped[int] = mapped_column(ForeignKey("development_plan_actions.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship()
