"""Job runs: one row per (job, scheduled time), so that a run is claimed exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qframe.audit.models import utcnow
from qframe.extensions import Model

RUN_STATUSES = ("running", "succeeded", "failed", "skipped", "dead")


class JobRun(Model):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(60))
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), default="running", index=True)
    message: Mapped[str | None] = mapped_column(String(2000))
    # Which process ran it (host:pid), to tell two schedulers apart in the history.
    worker: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A running claim is only good until its lease ends: past it, the process is taken to have
    # died, the run is marked dead and a scheduler runs the slot again (attempt + 1).
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (UniqueConstraint("job_name", "scheduled_for"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None or self.started_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
