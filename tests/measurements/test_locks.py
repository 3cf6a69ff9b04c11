"""entry_lock: whether entry is open, and the reason in words when it is not (pure, no app)."""

from datetime import date

import pytest

from qframe.measurements.locks import DeclarationState, WindowDates, entry_lock, say_date

MAY = WindowDates(date(2025, 5, 1), date(2025, 5, 20), grace_days=3)
DECLARED = DeclarationState("declared", date(2025, 5, 18))
APPROVED = DeclarationState("approved", date(2025, 6, 3))
RETURNED = DeclarationState("returned", date(2025, 5, 25))

# (case, today, framework status, window, declaration, reopened until, may amend, code, reason)
CASES = [
    ("open inside the window", date(2025, 5, 10), "published", MAY, None, None, False, None, None),
    (
        "no window: open while published",
        date(2030, 1, 1),
        "published",
        None,
        None,
        None,
        False,
        None,
        None,
    ),
    (
        "before the window",
        date(2025, 4, 30),
        "published",
        MAY,
        None,
        None,
        False,
        "window_not_open",
        "not yet open (opens 1 May 2025)",
    ),
    ("opening day", date(2025, 5, 1), "published", MAY, None, None, False, None, None),
    ("closing day", date(2025, 5, 20), "published", MAY, None, None, False, None, None),
    ("in the grace days", date(2025, 5, 23), "published", MAY, None, None, False, None, None),
    (
        "after the grace days",
        date(2025, 5, 24),
        "published",
        MAY,
        None,
        None,
        False,
        "window_closed",
        "closed on 23 May 2025",
    ),
    (
        "closed by the scheduler",
        date(2025, 5, 10),
        "published",
        WindowDates(date(2025, 5, 1), date(2025, 5, 20), closed=True),
        None,
        None,
        False,
        "window_closed",
        "closed on 20 May 2025",
    ),
    (
        "framework closed beats everything",
        date(2025, 5, 10),
        "closed",
        MAY,
        None,
        date(2025, 12, 1),
        True,
        "framework_closed",
        "framework closed",
    ),
    (
        "draft framework",
        date(2025, 5, 10),
        "draft",
        MAY,
        None,
        None,
        True,
        "framework_not_published",
        "framework not published yet",
    ),
    (
        "declared: ward staff wait for approval",
        date(2025, 5, 10),
        "published",
        MAY,
        DECLARED,
        None,
        False,
        "awaiting_approval",
        "declared and awaiting approval",
    ),
    (
        "declared: the provider lead may still amend",
        date(2025, 5, 10),
        "published",
        MAY,
        DECLARED,
        None,
        True,
        None,
        None,
    ),
    (
        "approved data is locked for everyone",
        date(2025, 5, 10),
        "published",
        MAY,
        APPROVED,
        None,
        True,
        "approved",
        "approved on 3 Jun 2025",
    ),
    (
        "returned data can be corrected",
        date(2025, 5, 10),
        "published",
        MAY,
        RETURNED,
        None,
        False,
        None,
        None,
    ),
    (
        "reopened for the organisation after closing",
        date(2025, 7, 1),
        "published",
        MAY,
        None,
        date(2025, 7, 14),
        False,
        None,
        None,
    ),
    (
        "reopening that has run out",
        date(2025, 7, 15),
        "published",
        MAY,
        None,
        date(2025, 7, 14),
        False,
        "window_closed",
        "closed on 23 May 2025",
    ),
]


@pytest.mark.parametrize(
    ("case", "today", "status", "window", "declaration", "reopened", "amend", "code", "reason"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_entry_lock_gives_the_reason_in_words(
    case, today, status, window, declaration, reopened, amend, code, reason
):
    lock = entry_lock(
        today=today,
        framework_status=status,
        window=window,
        declaration=declaration,
        reopened_until=reopened,
        may_amend_declared=amend,
    )
    assert (lock.code if lock else None, lock.reason if lock else None) == (code, reason)


def test_dates_in_messages_have_no_leading_zero():
    assert say_date(date(2026, 4, 3)) == "3 Apr 2026"


def test_the_deadline_is_the_closing_day_plus_grace():
    assert MAY.deadline == date(2025, 5, 23)
