"""Appraisal and revalidation rules: registration formats and date logic. Pure: no Flask, no DB."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PROFESSIONAL_GROUPS = ("medical", "nursing", "midwifery", "ahp", "other")
GROUP_LABELS = {
    "medical": "Medical",
    "nursing": "Nursing",
    "midwifery": "Midwifery",
    "ahp": "Allied health professional",
    "other": "Other",
}
REGISTRATION_BODIES = ("GMC", "NMC", "HCPC")
# The regulator each registered profession must be on; "other" staff may have none.
BODY_FOR_GROUP = {"medical": "GMC", "nursing": "NMC", "midwifery": "NMC", "ahp": "HCPC"}
REGISTRATION_FORMATS = {
    "GMC": (re.compile(r"[0-9]{7}"), "7 digits, e.g. 1234567"),
    "NMC": (
        re.compile(r"[0-9]{2}[A-Z][0-9]{4}[A-Z]"),
        "2 digits, a letter, 4 digits and a letter, e.g. 12A3456E",
    ),
    # HCPC numbers are a two-letter profession prefix (PH, OT, SL, ...) and a serial number.
    "HCPC": (re.compile(r"[A-Z]{2}[0-9]{4,6}"), "2 letters then 4 to 6 digits, e.g. PH123456"),
}
REVALIDATION_YEARS = {"medical": 5, "nursing": 3, "midwifery": 3}
REMINDER_DAYS = (90, 30)
READINESS = ("not_yet", "developing", "ready_now")
READINESS_LABELS = {"not_yet": "Not yet", "developing": "Developing", "ready_now": "Ready now"}
APPRAISAL_STATUSES = ("not_started", "scheduled", "completed", "signed_off")
DONE_STATUSES = frozenset({"completed", "signed_off"})
APPRAISAL_INTERVAL_MONTHS = 12

Problems = list[tuple[str, str]]  # (field, message)


def normalise_registration(number: str) -> str:
    """Registration numbers are stored upper-case without surrounding space."""
    return number.strip().upper()


def registration_problems(group: str, body: str, number: str) -> Problems:
    """Problems with a registration body and number for a professional group."""
    expected = BODY_FOR_GROUP.get(group)
    if expected is None:
        if not body and not number:
            return []
        if body not in REGISTRATION_FORMATS:
            return [("registration_body", "Choose GMC, NMC or HCPC, or leave both empty")]
    elif body != expected:
        return [
            ("registration_body", f"{GROUP_LABELS[group]} staff are registered with {expected}")
        ]
    if not number:
        return [("registration_number", f"Enter the {body} registration number")]
    pattern, shape = REGISTRATION_FORMATS[body]
    if not pattern.fullmatch(number):
        return [("registration_number", f"A {body} number is {shape}")]
    return []


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def revalidation_due(group: str, revalidated_on: date | None) -> date | None:
    """Doctors revalidate every 5 years, nurses and midwives every 3; others never."""
    years = REVALIDATION_YEARS.get(group)
    if years is None or revalidated_on is None:
        return None
    return add_months(revalidated_on, 12 * years)


def reminder_threshold(due: date | None, today: date) -> str | None:
    """The most urgent reminder a due date has reached: 'overdue', '30', '90' or None."""
    if due is None:
        return None
    days = (due - today).days
    if days < 0:
        return "overdue"
    for limit in sorted(REMINDER_DAYS):
        if days <= limit:
            return str(limit)
    return None


def rate_window_start(as_of: date) -> date:
    """The last day before the 12-month window ending on `as_of` (the window excludes it)."""
    return add_months(as_of, -APPRAISAL_INTERVAL_MONTHS)


def counts_for_rate(status: str, meeting: date | None, as_of: date) -> bool:
    """A completed or signed-off appraisal whose meeting was in the 12 months to `as_of`."""
    return (
        status in DONE_STATUSES
        and meeting is not None
        and rate_window_start(as_of) < meeting <= as_of
    )


@dataclass(frozen=True)
class StaffFacts:
    """What the appraisal rate needs about one person: time in post and appraisals done."""

    start: date
    left: date | None
    meetings: tuple[date, ...]  # meeting dates of completed or signed-off appraisals

    def in_post(self, as_of: date) -> bool:
        return self.start <= as_of and (self.left is None or self.left > as_of)


def count_appraised(staff: Iterable[StaffFacts], as_of: date) -> tuple[int, int]:
    """(staff in post with an appraisal in the last 12 months, staff in post) on `as_of`."""
    numerator = denominator = 0
    start = rate_window_start(as_of)
    for person in staff:
        if person.in_post(as_of):
            denominator += 1
            numerator += any(start < m <= as_of for m in person.meetings)
    return numerator, denominator


def trend_dates(as_of: date, points: int = 12) -> list[date]:
    """Month ends of the previous `points - 1` months, then `as_of` itself."""
    first_of_month = as_of.replace(day=1)
    ends = [add_months(first_of_month, -k) - timedelta(1) for k in range(points - 2, -1, -1)]
    return [*ends, as_of]


@dataclass(frozen=True)
class Standing:
    state: str  # done | due | overdue
    due: date


def appraisal_standing(
    today: date, start: date, last_meeting: date | None, open_due: date | None
) -> Standing:
    """Done (appraised in the last 12 months, nothing open), due, or overdue (date passed).

    The due date is the open appraisal's, else 12 months after the last meeting, else 12
    months after starting. An overdue open appraisal wins over an older completed one, and an
    open appraisal not yet completed is "due" however recent the last one was: a due date
    still to come is never "done".
    """
    if open_due is not None:
        due = open_due
    else:
        due = add_months(last_meeting or start, APPRAISAL_INTERVAL_MONTHS)
    if due < today:
        return Standing("overdue", due)
    if (
        open_due is None
        and last_meeting is not None
        and rate_window_start(today) < last_meeting <= today
    ):
        return Standing("done", due)
    return Standing("due", due)


def current_open_due(
    open_appraisals: Iterable[tuple[str, date]], last_done_year: str | None
) -> date | None:
    """The earliest due date among open appraisals newer than the last completed one.

    An open appraisal for a year before one that was completed has been overtaken: it no
    longer makes the person overdue.
    """
    dues = [due for year, due in open_appraisals if last_done_year is None or year > last_done_year]
    return min(dues, default=None)


def revalidation_standing(group: str, due: date | None, today: date) -> str:
    """not_required, unknown (no date recorded), ok, due (within 90 days) or overdue."""
    if group not in REVALIDATION_YEARS:
        return "not_required"
    if due is None:
        return "unknown"
    threshold = reminder_threshold(due, today)
    if threshold is None:
        return "ok"
    return "overdue" if threshold == "overdue" else "due"


def staff_date_problems(
    today: date, start: date, left: date | None, revalidated_on: date | None
) -> Problems:
    """Start dates cannot be in the future; leaving and revalidation dates must make sense."""
    problems: Problems = []
    if start > today:
        problems.append(("start_date", "The start date cannot be in the future"))
    if left is not None and left < start:
        problems.append(("left_on", "The leaving date cannot be before the start date"))
    if revalidated_on is not None and revalidated_on > today:
        problems.append(("revalidated_on", "The last revalidation cannot be in the future"))
    return problems


def appraisal_date_problems(
    *,
    today: date,
    year_start: date,
    year_end: date,
    staff_start: date,
    due: date,
    meeting: date | None,
    status: str,
) -> Problems:
    """Due in the appraisal year and not before the person started; the meeting in order."""
    problems: Problems = []
    if not year_start <= due <= year_end:
        problems.append(
            (
                "due_date",
                f"The due date must fall in the appraisal year ({year_start} to {year_end})",
            )
        )
    elif due < staff_start:
        problems.append(("due_date", "The due date cannot be before the staff member started"))
    if meeting is not None:
        if meeting < staff_start:
            problems.append(
                ("meeting_date", "The meeting cannot be before the staff member started")
            )
        elif meeting < year_start:
            problems.append(
                ("meeting_date", f"The meeting cannot be before the appraisal year ({year_start})")
            )
    if status in ("scheduled", "completed") and meeting is None:
        problems.append(("meeting_date", f"A {status} appraisal needs a meeting date"))
    if status == "completed" and meeting is not None and meeting > today:
        problems.append(("meeting_date", "A completed appraisal's meeting cannot be in the future"))
    return problems


def pdp_date_problems(year_start: date, due: date | None) -> Problems:
    """A development activity cannot be due before the appraisal year that set it."""
    if due is not None and due < year_start:
        return [("due", f"The activity cannot be due before the appraisal year ({year_start})")]
    return []
