"""Run a job exactly once per scheduled time, whichever scheduler process gets there first.

The claim is a row in `job_runs` (unique on job name + scheduled time) inserted and committed
in its own transaction before the job starts: a second process inserting the same claim gets
an integrity error (SQLite serialises it with BEGIN IMMEDIATE, PostgreSQL with the unique
index) and skips. The job then runs in one transaction, committed once; its outcome is
written to the claim row afterwards.

A claim carries a lease (SCHEDULER_LEASE_MINUTES). A run still "running" after its lease
belongs to a process that died: `recover_dead_runs` marks it dead and runs the slot again, and
the re-run takes the row over with one conditional UPDATE, so two schedulers recovering at once
still run it once.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
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


def lease() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("SCHEDULER_LEASE_MINUTES", 60)))


def claim_run(job_name: str, scheduled_for: datetime) -> int | None:
    """Insert and commit the claim; None if another live process already claimed this run."""
    scheduled_for = normalise(scheduled_for)
    run = JobRun(
        job_name=job_name,
        scheduled_for=scheduled_for,
        status="running",
        worker=WORKER,
        lease_until=utcnow() + lease(),
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _take_over(job_name, scheduled_for)
    return run.id


def _expired(now: datetime):
    return and_(
        JobRun.status == "running",
        or_(
            JobRun.lease_until < now,
            and_(JobRun.lease_until.is_(None), JobRun.started_at < now - lease()),
        ),
    )


def _take_over(job_name: str, scheduled_for: datetime) -> int | None:
    """Claim a slot whose earlier attempt died (marked dead, or running past its lease)."""
    now = utcnow()
    where = (
        JobRun.job_name == job_name,
        JobRun.scheduled_for == scheduled_for,
        or_(JobRun.status == "dead", _expired(now)),
    )
    run_id = db.session.scalar(select(JobRun.id).where(*where))
    if run_id is None:
        return None
    taken = db.session.execute(
        update(JobRun)
        .where(JobRun.id == run_id, *where)
        .values(
            status="running",
            worker=WORKER,
            started_at=now,
            finished_at=None,
            lease_until=now + lease(),
            attempt=JobRun.attempt + 1,
            message="the previous attempt's process died; run again",
            version=JobRun.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return run_id if getattr(taken, "rowcount", 0) == 1 else None


def mark_dead_runs(now: datetime | None = None) -> list[tuple[str, datetime]]:
    """Mark runs past their lease as dead; return their (job, scheduled time) slots."""
    now = now or utcnow()
    stale = db.session.execute(
        select(JobRun.id, JobRun.job_name, JobRun.scheduled_for).where(_expired(now))
    ).all()
    if stale:
        db.session.execute(
            update(JobRun)
            .where(JobRun.id.in_([row.id for row in stale]), _expired(now))
            .values(
                status="dead",
                finished_at=now,
                message="no result before the lease ended: the process died",
                version=JobRun.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    for row in stale:
        log.warning("%s at %s: marked dead (lease expired)", row.job_name, row.scheduled_for)
    return [(row.job_name, normalise(row.scheduled_for)) for row in stale]


def recover_dead_runs(now: datetime | None = None) -> list[JobRun]:
    """Mark expired runs dead and run each of those slots again (once, whoever gets there)."""
    mark_dead_runs(now)
    dead = db.session.execute(
        select(JobRun.job_name, JobRun.scheduled_for).where(JobRun.status == "dead")
    ).all()
    rerun = []
    for name, scheduled_for in dead:
        if name in JOBS:
            run = run_job(JOBS[name], scheduled_for)
            if run is not None:
                rerun.append(run)
    return rerun


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
