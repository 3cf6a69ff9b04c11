"""Scheduled work of the appraisal feature (run by `qframe scheduler`, never by web workers)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from qframe.appraisal.reminders import send_reminders

LONDON = ZoneInfo("Europe/London")


def send_appraisal_reminders(as_of: datetime) -> str:
    """Appraisal and revalidation reminders for the (UK) day of the scheduled run."""
    return str(send_reminders(as_of.astimezone(LONDON).date()))
