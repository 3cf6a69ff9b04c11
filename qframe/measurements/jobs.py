"""Scheduled work for measurements (run by the one scheduler process, which commits)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from qframe.extensions import db
from qframe.measurements.models import StagedUpload
from qframe.measurements.windows import close_windows

STAGED_UPLOAD_HOURS = 24


def close_due_windows(now: datetime) -> int:
    """Close every collection window past its deadline plus grace; returns how many closed.

    A closed window never changes again: corrections need a commissioner to reopen it for one
    organisation, and are recorded as new, audited revisions. Upload previews nobody
    confirmed within a day are discarded on the same run.
    """
    closed = close_windows(now)
    db.session.execute(
        delete(StagedUpload).where(StagedUpload.at < now - timedelta(hours=STAGED_UPLOAD_HOURS))
    )
    return len(closed)
