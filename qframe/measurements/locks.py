"""Whether data entry is open, and if not, why in words. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Lock:
    """Entry is refused; `reason` says why in words a user understands."""

    code: str
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class WindowDates:
    """A collection window: entry opens, closes, and stays open `grace_days` after closing."""

    opens_on: date
    closes_on: date
    grace_days: int = 0
    closed: bool = False  # marked closed by the scheduler: final, whatever the dates say

    @property
    def deadline(self) -> date:
        return self.closes_on + timedelta(days=self.grace_days)


@dataclass(frozen=True)
class DeclarationState:
    status: str  # awaiting | declared | approved | returned
    on: date | None = None


def say_date(day: date) -> str:
    """1 May 2025 (no leading zero), the way dates are written in messages."""
    return f"{day.day} {day:%b %Y}"


def entry_lock(
    *,
    today: date,
    framework_status: str,
    window: WindowDates | None = None,
    declaration: DeclarationState | None = None,
    reopened_until: date | None = None,
    may_amend_declared: bool = False,
) -> Lock | None:
    """The reason entry is locked for one organisation and period, or None when it is open.

    A framework's state comes first, then the declaration (approved data never changes; declared
    data only through the provider lead who declared it), then a commissioner's reopening for the
    organisation, then the window dates. No window means open while the framework is published.
    """
    if framework_status == "closed":
        return Lock("framework_closed", "framework closed")
    if framework_status != "published":
        return Lock("framework_not_published", "framework not published yet")
    if declaration is not None and declaration.status == "approved":
        when = f" on {say_date(declaration.on)}" if declaration.on else ""
        return Lock("approved", f"approved{when}")
    if declaration is not None and declaration.status == "declared" and not may_amend_declared:
        return Lock("awaiting_approval", "declared and awaiting approval")
    if reopened_until is not None and today <= reopened_until:
        return None
    if window is None:
        return None
    if today < window.opens_on:
        return Lock("window_not_open", f"not yet open (opens {say_date(window.opens_on)})")
    if window.closed or today > window.deadline:
        return Lock("window_closed", f"closed on {say_date(window.deadline)}")
    return None
