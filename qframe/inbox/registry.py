"""The inbox source registry: one function per kind of waiting work.

A feature adds its own source with `@source("Heading", roles=(...))`; the function takes the
signed-in user and today's date and returns InboxItems (each with the link that does the job).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


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
    roles: tuple[str, ...]
    find: Callable[[Any, date], list[InboxItem]]


SOURCES: list[Source] = []


def source(heading: str, roles: tuple[str, ...]) -> Callable[..., Any]:
    """Register an inbox source for these roles (admins see every source)."""

    def register(find: Callable[[Any, date], list[InboxItem]]) -> Callable[..., Any]:
        SOURCES.append(Source(heading, roles, find))
        return find

    return register


def inbox_for(user: Any, today: date) -> list[tuple[str, list[InboxItem]]]:
    """Each of the user's sources with what waits in it (empty sources left out)."""
    found = []
    for src in SOURCES:
        if user.role != "admin" and user.role not in src.roles:
            continue
        items = src.find(user, today)
        if items:
            found.append((src.heading, items))
    return found


def inbox_count(user: Any, today: date) -> int:
    return sum(len(items) for _heading, items in inbox_for(user, today))
