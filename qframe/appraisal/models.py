"""Staff, their yearly appraisals, objectives, development plans and the reminders sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.appraisal.rules import GROUP_LABELS, READINESS_LABELS
from qframe.audit.models import utcnow
from qframe.dbtypes import ExactDecimal
from qframe.extensions import Model
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation

STATUS_LABELS = {
    "not_started": "Not started",
    "scheduled": "Scheduled",
    "completed": "Completed",
    "signed_off": "Signed off",
}


class StaffMember(Model):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    staff_number: Mapped[str] = mapped_column(String(20), unique=True)
    professional_group: Mapped[str] = mapped_column(String(12), index=True)
    registration_body: Mapped[str | None] = mapped_column(String(6))
    registration_number: Mapped[str | None] = mapped_column(String(12))
    band: Mapped[str] = mapped_column(String(40))
    service_line_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    start_date: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    revalidated_on: Mapped[date | None] = mapped_column(Date)
    # Derived from the group and the last revalidation; stored so reminders can query it.
    revalidation_due: Mapped[date | None] = mapped_column(Date, index=True)
    leadership_aspiration: Mapped[bool] = mapped_column(Boolean, default=False)
    leadership_readiness: Mapped[str] = mapped_column(String(12), default="not_yet")
    leadership_actions: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    service_line: Mapped[Organisation] = relationship(foreign_keys=[service_line_id])
    ward: Mapped[Organisation | None] = relationship(foreign_keys=[ward_id])
    line_manager: Mapped[StaffMember | None] = relationship(remote_side=[id])
    appraisals: Mapped[list[Appraisal]] = relationship(
        back_populates="staff",
        foreign_keys="Appraisal.staff_id",
        order_by="Appraisal.year.desc()",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def home_org_id(self) -> int:
        """The organisation whose managers look after this person: the ward, else the line."""
        return self.ward_id or self.service_line_id

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.professional_group, self.professional_group)

    @property
    def readiness_label(self) -> str:
        return READINESS_LABELS.get(self.leadership_readiness, self.leadership_readiness)

    @property
    def registration(self) -> str:
        if not self.registration_body:
            return ""
        return f"{self.registration_body} {self.registration_number}"

    def __repr__(self) -> str:
        return f"<StaffMember {self.staff_number}>"


class Appraisal(Model):
    """One person's appraisal for one financial year."""

    __tablename__ = "appraisals"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[str] = mapped_column(String(7))
    appraiser_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    meeting_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="not_started", index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    appraisee_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    appraisee_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appraiser_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    appraiser_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    staff: Mapped[StaffMember] = relationship(back_populates="appraisals", foreign_keys=[staff_id])
    appraiser: Mapped[StaffMember] = relationship(foreign_keys=[appraiser_id])
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="appraisal", cascade="all, delete-orphan", order_by="Objective.id"
    )
    pdp_items: Mapped[list[PdpItem]] = relationship(
        back_populates="appraisal", cascade="all, delete-orphan", order_by="PdpItem.id"
    )

    __table_args__ = (UniqueConstraint("staff_id", "year"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_signed_off(self) -> bool:
        return self.status == "signed_off"


class Objective(Model):
    __tablename__ = "appraisal_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("appraisals.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    target: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    version: Mapped[int] = mapped_column(Integer, default=1)

    appraisal: Mapped[Appraisal] = relationship(back_populates="objectives")
    indicator: Mapped[Indicator | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PdpItem(Model):
    """A personal development plan item: a learning need and the activity that meets it."""

    __tablename__ = "appraisal_pdp_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        ForeignKey("appraisals.id", ondelete="CASCADE"), index=True
    )
    learning_need: Mapped[str] = mapped_column(Text)
    activity: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    appraisal: Mapped[Appraisal] = relationship(back_populates="pdp_items")

    __mapper_args__ = {"version_id_col": version}


class ReminderSent(Model):
    """One row per reminder sent: (staff, kind, threshold, due date) is never sent twice."""

    __tablename__ = "appraisal_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # appraisal | revalidation
    threshold: Mapped[str] = mapped_column(String(8))  # 90 | 30 | overdue
    due_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("staff_id", "kind", "threshold", "due_date"),)
