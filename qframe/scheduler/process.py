"""The scheduler process: one APScheduler BlockingScheduler, started by `qframe scheduler`.

APScheduler 3 cannot share a job store between processes, so web workers never start it.
If a second process is started by mistake, the claim rows keep every run single.
"""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from qframe.scheduler.jobs import JOBS, TIMEZONE, latest_fire_time
from qframe.scheduler.runner import recover_dead_runs, run_job

log = logging.getLogger(__name__)


def fire(app: Flask, name: str) -> None:
    """APScheduler's callable: run the job for its latest scheduled time, in an app context."""
    spec = JOBS[name]
    with app.app_context():
        now = datetime.now(UTC)
        # Late or coalesced runs are claimed under the latest time they were due.
        run_job(spec, latest_fire_time(spec, now) or now)
        recover_dead_runs()


def catch_up(app: Flask, now: datetime | None = None) -> None:
    """Run each job once for its latest missed time, if still within its grace period.

    Missed runs coalesce: however many were missed while no scheduler ran, only the latest
    runs; a run that already happened is not repeated (its claim exists).
    """
    now = now or datetime.now(UTC)
    with app.app_context():
        recover_dead_runs()
    for spec in JOBS.values():
        latest = latest_fire_time(spec, now)
        if latest is not None and now - latest <= spec.grace:
            with app.app_context():
                run_job(spec, latest)


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=TIMEZONE,
        job_defaults={"coalesce": True, "max_instances": 1},
        executors={"default": {"type": "threadpool", "max_workers": 2}},
    )
    for spec in JOBS.values():
        scheduler.add_job(
            fire,
            spec.trigger(),
            args=[app, spec.name],
            id=spec.name,
            name=spec.description,
            coalesce=True,
            misfire_grace_time=int(spec.grace.total_seconds()),
            max_instances=1,
        )
    return scheduler


def serve(app: Flask) -> None:
    """Catch up, then run the schedule until SIGTERM or SIGINT (finishing running jobs)."""
    scheduler = build_scheduler(app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after running jobs finish", signum)
        if not scheduler.running:
            raise SystemExit(0)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    catch_up(app)
    log.info("scheduler started with %d jobs", len(JOBS))
    scheduler.start()
    log.info("scheduler stopped")
