"""Admin page: the scheduled jobs, when they next run, and the history of every run."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, render_template, request
from sqlalchemy import select

from qframe.auth.permissions import requires
from qframe.extensions import db
from qframe.scheduler.jobs import JOBS, next_fire_time
from qframe.scheduler.models import JobRun
from qframe.web.paging import page_number

bp = Blueprint("scheduler", __name__, url_prefix="/scheduler")
PAGE = 100


@bp.get("/")
@requires("run_jobs")
def index():
    job = request.args.get("job") or None
    page = page_number()
    stmt = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
    if job in JOBS:
        stmt = stmt.where(JobRun.job_name == job)
    runs = db.session.scalars(stmt.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    now = datetime.now(UTC)
    jobs = [(spec, next_fire_time(spec, now)) for spec in JOBS.values()]
    return render_template(
        "scheduler/index.html",
        jobs=jobs,
        runs=runs[:PAGE],
        more=len(runs) > PAGE,
        page=page,
        job=job,
    )
