"""The scheduler: run outcomes, feature hooks, coalesced catch-up, configuration, CLI, history."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import func, select

from qframe.notifications.models import Notification
from qframe.notifications.services import notify
from qframe.scheduler import process
from qframe.scheduler.jobs import JOBS, JobResult, JobSpec, hook, latest_fire_time
from qframe.scheduler.models import JobRun
from qframe.scheduler.runner import run_job, run_named

T = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)


def naive_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; PostgreSQL with one."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def all_runs(db) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.scheduled_for)))


def test_a_failing_job_is_recorded_as_failed_and_its_work_is_undone(db, tree, make_user):
    user = make_user("finance", [tree.icb])

    def broken(_t: datetime) -> JobResult:
        notify([user.id], "half-done work")
        raise RuntimeError("ledger file missing")

    run = run_job(JobSpec("broken", "test", "now", {}, broken, timedelta(1)), T)
    assert run is not None
    assert (run.status, run.message) == ("failed", "RuntimeError: ledger file missing")
    assert run.finished_at is not None
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_missing_feature_is_skipped_with_a_log_line(db, caplog):
    caplog.set_level(logging.INFO)
    spec = JobSpec("absent", "test", "now", {}, hook("qframe_absent.jobs", "go"), timedelta(1))
    run = run_job(spec, T)
    assert run is not None
    assert run.status == "skipped"
    assert "qframe_absent.jobs is not installed" in caplog.text


def test_a_feature_hook_is_called_with_the_scheduled_time(db, tmp_path, monkeypatch):
    package = f"probe_{uuid.uuid4().hex[:8]}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / "jobs.py").write_text(
        "def with_time(now):\n    return f'closed windows due by {now.isoformat()}'\n"
        "def without():\n    return None\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert hook(f"{package}.jobs", "with_time")(T) == JobResult(
        "succeeded", "closed windows due by 2026-01-15T06:00:00+00:00"
    )
    assert hook(f"{package}.jobs", "without")(T) == JobResult("succeeded", "")


def counting_spec(name: str, calls: list[datetime], grace: timedelta) -> JobSpec:
    def work(scheduled_for: datetime) -> JobResult:
        calls.append(scheduled_for)
        return JobResult("succeeded")

    return JobSpec(name, "test", "hourly", {"minute": 0}, work, grace, timedelta(hours=2))


def test_missed_runs_coalesce_into_one_catch_up_run_within_the_grace_time(app, db, monkeypatch):
    hourly, late = [], []
    jobs = {
        "hourly": counting_spec("hourly", hourly, timedelta(hours=3)),
        "strict": counting_spec("strict", late, timedelta(minutes=10)),
    }
    monkeypatch.setattr(process, "JOBS", jobs)
    now = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # runs at 05:00 … 09:00 were all missed
    process.catch_up(app, now)
    process.catch_up(app, now + timedelta(minutes=5))  # a restart: nothing runs twice
    assert hourly == [datetime(2026, 1, 15, 9, 0, tzinfo=UTC)]
    assert late == []  # 30 minutes late is beyond its 10-minute grace
    assert [(r.job_name, naive_utc(r.scheduled_for)) for r in all_runs(db)] == [
        ("hourly", datetime(2026, 1, 15, 9, 0))
    ]


def test_a_duplicate_firing_in_the_same_slot_is_skipped(app, db, monkeypatch):
    calls: list[datetime] = []
    spec = JobSpec(
        "nightly",
        "test",
        "nightly",
        {"hour": 0, "minute": 0},
        lambda t: calls.append(t) or JobResult("succeeded"),
        timedelta(hours=1),
        timedelta(days=2),
    )
    monkeypatch.setattr(process, "JOBS", {"nightly": spec})
    process.fire(app, "nightly")
    process.fire(app, "nightly")
    assert len(calls) == 1
    assert calls[0] == latest_fire_time(spec, datetime.now(UTC)).astimezone(UTC)


def test_the_scheduler_coalesces_and_never_overlaps_a_job(app):
    scheduler = process.build_scheduler(app)
    assert isinstance(scheduler, BlockingScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    for name, job in jobs.items():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == JOBS[name].grace.total_seconds()


def test_the_schedule_is_daily_reminders_nightly_scoring_and_quarter_hourly_windows():
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    fired = {name: latest_fire_time(spec, now) for name, spec in JOBS.items()}
    assert fired["appraisal-reminders"] == datetime(2026, 1, 15, 6, 0, tzinfo=UTC)
    assert fired["rescore-open-periods"] == datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
    assert fired["close-collection-windows"] == datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_the_e_mail_job_is_skipped_when_smtp_is_off(db):
    run = run_named("email-outbox", T)
    assert run is not None
    assert (run.status, run.message) == ("skipped", "SMTP_HOST is not set: e-mail is off")


def test_the_command_runs_a_job_once_and_refuses_to_repeat_it(runner):
    at = ["scheduler", "--once", "appraisal-reminders", "--at", "2026-01-15T06:00:00"]
    first = runner.invoke(args=at)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("appraisal-reminders: succeeded")
    second = runner.invoke(args=at)
    assert "already claimed by another scheduler" in second.output


def test_the_command_lists_jobs_and_rejects_unknown_ones(runner):
    listing = runner.invoke(args=["scheduler", "--list"])
    assert all(name in listing.output for name in JOBS)
    unknown = runner.invoke(args=["scheduler", "--once", "make-tea"])
    assert unknown.exit_code == 2
    assert "unknown job 'make-tea'" in unknown.output


@pytest.mark.parametrize("status", ["succeeded", "failed"])
def test_admins_see_the_run_history(db, client, login_as, status):
    db.session.add(
        JobRun(
            job_name="rescore-open-periods", scheduled_for=T, status=status, message="12 periods"
        )
    )
    db.session.commit()
    login_as("admin")
    page = client.get("/scheduler/?job=rescore-open-periods").get_data(as_text=True)
    assert "12 periods" in page
    assert status.capitalize() in page


def test_every_scheduled_jobs_hook_names_a_function_that_exists():
    # A hook whose module or function is missing would make its job skip silently forever.
    import importlib

    hooks = [getattr(spec.run, "target", None) for spec in JOBS.values()]
    for module, function in [h for h in hooks if h is not None]:
        assert callable(getattr(importlib.import_module(module), function, None)), (
            f"{module}.{function}"
        )
    assert {h for h in hooks if h} >= {
        ("qframe.measurements.jobs", "close_due_windows"),
        ("qframe.scoring.jobs", "rescore_open_periods"),
    }
