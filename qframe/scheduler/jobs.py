"""The scheduled jobs: what runs when. Each job calls a feature's service or `jobs` module.

Features that are not installed yet are skipped with a log line (and a "skipped" run). A hook
`qframe.<feature>.jobs.<function>` is called with the run's scheduled time (an aware UTC
datetime) if it takes an argument, else with none; a returned string becomes the run's message.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from flask import current_app

log = logging.getLogger(__name__)
TIMEZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class JobResult:
    status: str  # succeeded | skipped
    message: str = ""


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    schedule: str  # for people
    cron: dict[str, Any]
    run: Callable[[datetime], JobResult]
    grace: timedelta  # a run missed by more than this is dropped (a later one will come)
    lookback: timedelta = field(default=timedelta(days=1))

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=TIMEZONE, **self.cron)


def hook(module: str, function: str) -> Callable[[datetime], JobResult]:
    """Call `module.function` if that feature is installed; otherwise skip with a log line."""

    def run(scheduled_for: datetime) -> JobResult:
        if not _installed(module):
            message = f"{module} is not installed: nothing to do"
            log.info("%s.%s skipped: %s", module, function, message)
            return JobResult("skipped", message)
        target = getattr(importlib.import_module(module), function)
        takes_time = bool(inspect.signature(target).parameters)
        result = target(scheduled_for) if takes_time else target()
        if result is None or isinstance(result, str):
            return JobResult("succeeded", result or "")
        return JobResult("succeeded", f"{function} returned {result}")

    run.target = (module, function)  # type: ignore[attr-defined]  # tests import every hook
    return run


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package itself is missing
        return False


def _appraisal_reminders(scheduled_for: datetime) -> JobResult:
    from qframe.appraisal.jobs import send_appraisal_reminders

    return JobResult("succeeded", send_appraisal_reminders(scheduled_for))


def _email_outbox(_scheduled_for: datetime) -> JobResult:
    from qframe.notifications.services import deliver_pending_emails, email_enabled

    if not email_enabled(current_app.config):
        return JobResult("skipped", "SMTP_HOST is not set: e-mail is off")
    sent, failed = deliver_pending_emails(current_app.config)
    return JobResult("succeeded", f"{sent} e-mails sent, {failed} failed (kept for next run)")


JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec(
            "appraisal-reminders",
            "Appraisal and revalidation reminders at 90 and 30 days and when overdue",
            "daily at 06:00",
            {"hour": 6, "minute": 0},
            _appraisal_reminders,
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "close-collection-windows",
            "Close data collection windows whose deadline has passed",
            "every 15 minutes",
            {"minute": "*/15"},
            hook("qframe.measurements.jobs", "close_due_windows"),
            grace=timedelta(minutes=15),
            lookback=timedelta(hours=1),
        ),
        JobSpec(
            "rescore-open-periods",
            "Re-score every open period from the latest data",
            "nightly at 02:00",
            {"hour": 2, "minute": 0},
            hook("qframe.scoring.jobs", "rescore_open_periods"),
            grace=timedelta(hours=6),
        ),
        JobSpec(
            "assessment-reminders",
            "Baseline assessment reminders 14 days before the due date and when overdue",
            "daily at 06:10",
            {"hour": 6, "minute": 10},
            hook("qframe.assessment.jobs", "send_assessment_reminders"),
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "development-plan-overdue",
            "Overdue development plan milestones to the provider's inbox (once each)",
            "daily at 06:20",
            {"hour": 6, "minute": 20},
            hook("qframe.devplans.jobs", "notify_overdue_milestones"),
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "escalation-board-chase",
            "Chase level-2/3 support decisions the provider's board has not acknowledged",
            "daily at 07:00",
            {"hour": 7, "minute": 0},
            hook("qframe.escalation.board", "chase_unacknowledged"),
            grace=timedelta(hours=12),
        ),
        JobSpec(
            "email-outbox",
            "Send queued notification e-mails (only when SMTP_HOST is set)",
            "every 5 minutes",
            {"minute": "*/5"},
            _email_outbox,
            grace=timedelta(minutes=5),
            lookback=timedelta(hours=1),
        ),
    )
}


def latest_fire_time(spec: JobSpec, now: datetime) -> datetime | None:
    """The job's most recent scheduled time at or before `now` (within its lookback)."""
    trigger = spec.trigger()
    latest = None
    fire = trigger.get_next_fire_time(None, now - spec.lookback)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def next_fire_time(spec: JobSpec, now: datetime) -> datetime | None:
    return spec.trigger().get_next_fire_time(None, now)
