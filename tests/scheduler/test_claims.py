"""One scheduled run, one execution: two claimers (threads or processes) never both run it.

These tests use their own database (a fresh SQLite file, and a throwaway PostgreSQL schema when
QFRAME_TEST_DATABASE_URL is set): the shared test fixture is one connection in one transaction,
which cannot show two processes racing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text

from qframe.app import create_app
from qframe.extensions import db as _db
from qframe.scheduler.jobs import JobResult, JobSpec
from qframe.scheduler.models import JobRun
from qframe.scheduler.runner import run_job

SCHEDULED = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
PG_URL = os.environ.get("QFRAME_TEST_DATABASE_URL")


def make_app(url: str, **overrides: Any) -> Flask:
    # Copied from tests/conftest.py (conftest cannot be imported under importlib mode).
    return create_app(
        {"QFRAME_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", **overrides}
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(URL for a separate process, engine options for this one) on an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.sqlite3'}", {}
        return
    if not PG_URL:
        pytest.skip("QFRAME_TEST_DATABASE_URL is not set")
    schema = f"qframe_claims_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield (
            f"{PG_URL}{separator}options=-csearch_path%3D{schema}",
            {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}},
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def fresh_app(database) -> Iterator[Flask]:
    url, options = database
    application = make_app(url, **options)
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.engine.dispose()


def runs(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.job_name, r.status) for r in _db.session.scalars(select(JobRun))]


def test_two_threads_claiming_the_same_run_execute_it_exactly_once(fresh_app):
    executions: list[str] = []
    start = threading.Barrier(2)

    def work(_scheduled_for: datetime) -> JobResult:
        executions.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for the other claimer to arrive while this one runs
        return JobResult("succeeded", "done")

    spec = JobSpec("race", "test", "now", {"hour": 6}, work, grace=timedelta(hours=1))
    outcomes: dict[str, str] = {}

    def claimer(name: str) -> None:
        with fresh_app.app_context():
            start.wait()
            run = run_job(spec, SCHEDULED)
            outcomes[name] = "skipped: claimed elsewhere" if run is None else run.status

    threads = [threading.Thread(target=claimer, args=(n,), name=n) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(executions) == 1
    assert sorted(outcomes.values()) == ["skipped: claimed elsewhere", "succeeded"]
    assert runs(fresh_app) == [("race", "succeeded")]


def test_a_later_run_of_the_same_job_is_a_new_claim(fresh_app):
    spec = JobSpec(
        "daily", "test", "daily", {"hour": 6}, lambda _t: JobResult("succeeded"), timedelta(1)
    )
    with fresh_app.app_context():
        assert run_job(spec, SCHEDULED) is not None
        assert run_job(spec, SCHEDULED + timedelta(microseconds=400)) is None  # same second
        assert run_job(spec, SCHEDULED + timedelta(days=1)) is not None
    assert len(runs(fresh_app)) == 2


def test_two_scheduler_processes_started_together_run_a_job_once(fresh_app, database, tmp_path):
    url, _options = database
    env = os.environ | {
        "QFRAME_ENV": "testing",
        "QFRAME_DATABASE_URL": url,
        "QFRAME_SECRET_KEY": "t",
        "QFRAME_INSTANCE_PATH": str(tmp_path),
    }
    command = [
        str(Path(sys.executable).with_name("qframe")),
        "scheduler",
        "--once",
        "appraisal-reminders",
        "--at",
        SCHEDULED.isoformat(),
    ]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    lines = sorted(out.strip() for out, _err in outputs)
    assert lines[0] == "appraisal-reminders: already claimed by another scheduler; not run"
    assert lines[1].startswith("appraisal-reminders: succeeded")
    assert runs(fresh_app) == [("appraisal-reminders", "succeeded")]


def _ghost_run(app: Flask, name: str, lease_ends: datetime) -> None:
    """A claim left behind by a scheduler process that was killed mid-job."""
    with app.app_context():
        _db.session.add(
            JobRun(
                job_name=name,
                scheduled_for=SCHEDULED,
                status="running",
                worker="ghost:1",
                lease_until=lease_ends,
            )
        )
        _db.session.commit()


def test_a_run_whose_process_died_is_marked_dead_after_its_lease_and_runs_again(
    fresh_app, monkeypatch
):
    from qframe.scheduler import jobs as jobs_module
    from qframe.scheduler.runner import recover_dead_runs

    executions: list[datetime] = []
    spec = JobSpec(
        "nightly",
        "test",
        "now",
        {"hour": 6},
        lambda t: executions.append(t) or JobResult("succeeded", "done"),
        grace=timedelta(hours=1),
    )
    monkeypatch.setitem(jobs_module.JOBS, "nightly", spec)
    _ghost_run(fresh_app, "nightly", datetime.now(UTC) - timedelta(minutes=1))
    with fresh_app.app_context():
        (rerun,) = recover_dead_runs()
        assert (rerun.status, rerun.attempt) == ("succeeded", 2)
        assert rerun.worker != "ghost:1"
    assert executions == [SCHEDULED]
    assert runs(fresh_app) == [("nightly", "succeeded")]


def test_a_run_still_within_its_lease_is_neither_marked_dead_nor_run_twice(fresh_app):
    from qframe.scheduler.runner import recover_dead_runs

    executions: list[datetime] = []
    spec = JobSpec(
        "busy",
        "test",
        "now",
        {"hour": 6},
        lambda t: executions.append(t) or JobResult("succeeded"),
        grace=timedelta(hours=1),
    )
    _ghost_run(fresh_app, "busy", datetime.now(UTC) + timedelta(minutes=30))
    with fresh_app.app_context():
        assert recover_dead_runs() == []
        assert run_job(spec, SCHEDULED) is None
    assert executions == []
    assert runs(fresh_app) == [("busy", "running")]


def test_two_schedulers_recovering_the_same_dead_run_execute_it_once(fresh_app):
    executions: list[str] = []
    start = threading.Barrier(2)

    def work(_scheduled_for: datetime) -> JobResult:
        executions.append(threading.current_thread().name)
        time.sleep(0.3)
        return JobResult("succeeded", "done")

    spec = JobSpec("phoenix", "test", "now", {"hour": 6}, work, grace=timedelta(hours=1))
    _ghost_run(fresh_app, "phoenix", datetime.now(UTC) - timedelta(minutes=1))

    def recoverer() -> None:
        with fresh_app.app_context():
            start.wait()
            run_job(spec, SCHEDULED)

    threads = [threading.Thread(target=recoverer, name=n) for n in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(executions) == 1
    assert runs(fresh_app) == [("phoenix", "succeeded")]
