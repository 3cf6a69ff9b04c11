"""The appraisal rate: the data source for indicators whose `data_source == "appraisal"`.

Rate = staff in post on the date with a completed or signed-off appraisal whose meeting was
in the 12 months to that date / staff in post on the date. A ward counts the staff on the
ward; any other organisation (service line, provider, commissioner) counts the staff of every
service line at or below it. The measurements feature calls `appraisal_rates_for_period` for
such indicators instead of taking submitted numbers, so the indicator fills itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select

from qframe.appraisal.models import Appraisal, StaffMember
from qframe.appraisal.rules import (
    DONE_STATUSES,
    StaffFacts,
    count_appraised,
    rate_window_start,
    trend_dates,
)
from qframe.extensions import db
from qframe.orgs.models import Organisation

DATA_SOURCE = "appraisal"


def appraisal_rate(org_id: int, as_of: date) -> tuple[int, int]:
    """(numerator, denominator) of the appraisal rate for one organisation on a date."""
    return appraisal_rates_for_period([org_id], as_of)[org_id]


def appraisal_rates_for_period(
    org_ids: Iterable[int], period_end: date
) -> dict[int, tuple[int, int]]:
    """{org_id: (numerator, denominator)} on the period's last day (0/0 with no staff)."""
    facts = _facts(org_ids, rate_window_start(period_end))
    return {org_id: count_appraised(people, period_end) for org_id, people in facts.items()}


def appraisal_rate_trends(
    org_ids: Iterable[int], as_of: date, points: int = 12
) -> dict[int, list[tuple[date, int, int]]]:
    """{org_id: [(date, numerator, denominator)]} at month ends, ending with `as_of`."""
    dates = trend_dates(as_of, points)
    facts = _facts(org_ids, rate_window_start(dates[0]))
    return {
        org_id: [(day, *count_appraised(people, day)) for day in dates]
        for org_id, people in facts.items()
    }


def _facts(org_ids: Iterable[int], meetings_after: date) -> dict[int, list[StaffFacts]]:
    """Per organisation, its staff's time in post and qualifying meeting dates (2 queries)."""
    ids = sorted(set(org_ids))
    result: dict[int, list[StaffFacts]] = {org_id: [] for org_id in ids}
    if not ids:
        return result
    tree = (
        select(Organisation.id.label("root"), Organisation.id.label("id"))
        .where(Organisation.id.in_(ids))
        .cte("rate_tree", recursive=True)
    )
    tree = tree.union_all(
        select(tree.c.root, Organisation.id).where(Organisation.parent_id == tree.c.id)
    )
    # A ward has no children, so it matches only its own staff; a line matches its wards too.
    rows = db.session.execute(
        select(tree.c.root, StaffMember.id, StaffMember.start_date, StaffMember.left_on).join(
            tree, or_(StaffMember.ward_id == tree.c.id, StaffMember.service_line_id == tree.c.id)
        )
    ).all()
    members: dict[int, dict[int, tuple[date, date | None]]] = defaultdict(dict)
    for root, staff_id, start, left in rows:
        members[root][staff_id] = (start, left)
    staff_ids = {sid for people in members.values() for sid in people}
    meetings: dict[int, list[date]] = defaultdict(list)
    if staff_ids:
        for staff_id, meeting in db.session.execute(
            select(Appraisal.staff_id, Appraisal.meeting_date).where(
                Appraisal.staff_id.in_(staff_ids),
                Appraisal.status.in_(DONE_STATUSES),
                Appraisal.meeting_date > meetings_after,
            )
        ):
            assert meeting is not None  # noqa: S101 - NULL > meetings_after is never true
            meetings[staff_id].append(meeting)
    for root, people in members.items():
        result[root] = [
            StaffFacts(start, left, tuple(meetings.get(sid, ())))
            for sid, (start, left) in people.items()
        ]
    return result
