"""The inbox source registry: one function per kind of waiting work.

A feature adds its own source with `@source("Heading", capability="...")`; the function takes the
signed-in user and today's date and returns InboxItems (each with the link that does the job).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from qframe.auth.permissions import can


@dataclass(frozen=True)
class InboxItem:
    title: str
    detail: str
    link: str
    action: str
    when: date | None = None


@dataclass(frozen=True)
class Source:
    heading: str
    capability: str
    find: Callable[[Any, date], list[InboxItem]]


SOURCES: list[Source] = []


def source(heading: str, capability: str) -> Callable[..., Any]:
    """Register an inbox source for users holding the capability (unscoped users see every one)."""

    def register(find: Callable[[Any, date], list[InboxItem]]) -> Callable[..., Any]:
        SOURCES.append(Source(heading, capability, find))
        return find

    return register


def inbox_for(user: Any, today: date) -> list[tuple[str, list[InboxItem]]]:
    """Each of the user's sources with what waits in it (empty sources left out)."""
    found = []
    for src in SOURCES:
        # "all_organisations" (admin) keeps the old rule that admins see every source, including
        # approve_rewards and receive_appraisal_reminders, which admin does not hold.
        if not (can(user, src.capability) or can(user, "all_organisations")):
            continue
        items = src.find(user, today)
        if items:
            found.append((src.heading, items))
    return found


def inbox_count(user: Any, today: date) -> int:
    return sum(len(items) for _heading, items in inbox_for(user, today))
