"""Development-plan progress for the annual quality report, in plain words."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from qframe.extensions import db
from qframe.orgs.models import Organisation

from .models import DevelopmentPlan
from .services import progress_words


def report_progress(code: str, year: str, today: date) -> list[tuple[str, str]]:
    """(plan title, progress words) for the organisation's plans overlapping the financial
    year "YYYY/YY" (1 April to 31 March)."""
    first = int(year[:4])
    start, end = date(first, 4, 1), date(first + 1, 3, 31)
    plans = db.session.scalars(
        select(DevelopmentPlan)
        .join(Organisation, Organisation.id == DevelopmentPlan.organisation_id)
        .where(
            Organisation.code == code,
            DevelopmentPlan.starts_on <= end,
            DevelopmentPlan.ends_on >= start,
        )
        .order_by(DevelopmentPlan.starts_on)
    )
    return [(p.title, progress_words(p, today)) for p in plans]
