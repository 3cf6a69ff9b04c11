"""A good-practice entry: what a provider at or beyond the benchmark did on one indicator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.extensions import Model
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.scoring.models import ScoreRun


class GoodPractice(Model):
    """Recorded with the final score that qualified it (run, achievement, benchmark)."""

    __tablename__ = "good_practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"))
    achievement: Mapped[float] = mapped_column(Float(precision=53))
    benchmark: Mapped[str] = mapped_column(String(40))  # exact text of the threshold used
    title: Mapped[str] = mapped_column(String(200))
    what_they_did: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    indicator: Mapped[Indicator] = relationship()
    run: Mapped[ScoreRun] = relationship()
