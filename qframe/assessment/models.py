"""Baseline assessments, their rated areas, and the reminders sent about them.

An accepted assessment is fixed: the ORM refuses any change to it or its items. A later
assessment for the same organisation and year is a new record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
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
from qframe.orgs.models import Organisation

GOVERNANCE_AREAS = (
    ("clinical_audit", "Clinical audit"),
    ("risk_management", "Risk management"),
    ("it_information", "IT and information"),
    ("staff_development", "Staff development and training"),
    ("management", "Management"),
    ("communications", "Communications"),
    ("patient_involvement", "Patient and public involvement"),
)
RATINGS = ("strong", "adequate", "needs development", "problematic")
# ratings that must name the services or areas concerned
NAMING = ("needs development", "problematic")
STATUSES = ("draft", "submitted", "returned", "accepted")


class Assessment(Model):
    """One organisation's baseline assessment for a financial year."""

    __tablename__ = "baseline_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[str] = mapped_column(String(7))  # 2026/27
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    items: Mapped[list[AssessmentItem]] = relationship(
        order_by="AssessmentItem.position", back_populates="assessment"
    )
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "returned")


class AssessmentItem(Model):
    """One area assessed: a framework domain or a governance area, rated with evidence."""

    __tablename__ = "baseline_assessment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("baseline_assessments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(80))  # governance code or domain:<code>
    label: Mapped[str] = mapped_column(String(200))
    rating: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text, default="")
    named: Mapped[str] = mapped_column(Text, default="")  # services or areas it names

    assessment: Mapped[Assessment] = relationship(back_populates="items")

    __table_args__ = (UniqueConstraint("assessment_id", "area"),)


class AssessmentReminder(Model):
    """A reminder already sent (so the daily job sends each one once)."""

    __tablename__ = "baseline_assessment_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("baseline_assessments.id"))
    kind: Mapped[str] = mapped_column(String(20))  # due_soon | overdue
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("assessment_id", "kind"),)


@event.listens_for(Assessment, "before_update")
def _freeze_accepted(_mapper: Any, _connection: Any, target: Assessment) -> None:
    history: Any = inspect(target).attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    if was == "accepted":
        raise Immutable(f"assessment {target.id} is accepted: start a new one instead")


@event.listens_for(Assessment, "before_delete")
@event.listens_for(AssessmentItem, "before_delete")
def _keep(_mapper: Any, _connection: Any, target: Any) -> None:
    raise Immutable("assessments are records: they cannot be deleted")


@event.listens_for(AssessmentItem, "before_update")
def _freeze_item(_mapper: Any, _connection: Any, target: AssessmentItem) -> None:
    if target.assessment.status in ("accepted", "submitted"):
        raise Immutable(f"assessment {target.assessment_id} is {target.assessment.status}")
