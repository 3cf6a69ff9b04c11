"""Run a job exactly once per scheduled time, whichever scheduler process gets there first.

The claim is a row in `job_runs` (unique on job name + scheduled time) inserted and committed
in its own transaction before the job starts: a second process inserting the same claim gets
an integrity error (SQLite serialises it with BEGIN IMMEDIATE, PostgreSQL with the unique
index) and skips. The job then runs in one transaction, committed once; its outcome is
written to the claim row afterwards.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from qframe.audit.models import utcnow
from qframe.extensions import db
from qframe.scheduler.jobs import JOBS, JobResult, JobSpec
from qframe.scheduler.models import JobRun

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"[:120]


def normalise(moment: datetime) -> datetime:
    """UTC to the second: every process must spell the same scheduled time the same way."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def claim_run(job_name: str, scheduled_for: datetime) -> int | None:
    """Insert and commit the claim; None if another process already claimed this run."""
    run = JobRun(
        job_name=job_name, scheduled_for=normalise(scheduled_for), status="running", worker=WORKER
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run.id


def run_job(spec: JobSpec, scheduled_for: datetime) -> JobRun | None:
    """Claim, run and record one run of a job; None when someone else has claimed it."""
    scheduled_for = normalise(scheduled_for)
    run_id = claim_run(spec.name, scheduled_for)
    if run_id is None:
        log.info("%s at %s: already claimed by another scheduler", spec.name, scheduled_for)
        return None
    log.info("%s at %s: started", spec.name, scheduled_for)
    try:
        result = spec.run(scheduled_for)
        db.session.commit()
    except Exception as error:  # a failed job is recorded, never fatal to the scheduler
        db.session.rollback()
        log.exception("%s at %s: failed", spec.name, scheduled_for)
        return _finish(run_id, JobResult("failed", f"{type(error).__name__}: {error}"))
    log.info("%s at %s: %s %s", spec.name, scheduled_for, result.status, result.message)
    return _finish(run_id, result)


def run_named(name: str, scheduled_for: datetime | None = None) -> JobRun | None:
    """Run a job by name now (or for a given scheduled time), claimed like any other run."""
    return run_job(JOBS[name], scheduled_for or datetime.now(UTC))


def _finish(run_id: int, result: JobResult) -> JobRun:
    run = db.session.get(JobRun, run_id)
    assert run is not None  # noqa: S101 - committed by claim_run above
    run.status, run.message = result.status, result.message[:2000]
    run.finished_at = utcnow()
    db.session.commit()
    return run
