"""The navigation registry: one entry per page a role can start from.

The header menu and each role's home page are both drawn from this list, so a feature adds
itself here once. Entries whose endpoint is not registered are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = ("admin", "commissioner", "finance", "clinical_director", "nurse_manager", "provider_lead")


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    description: str


NAV: list[NavItem] = [
    NavItem(
        "Organisations",
        "orgs.index",
        ALL,
        "Browse the commissioner, providers, service lines and wards you work with.",
    ),
    NavItem(
        "Users",
        "users.index",
        ("admin",),
        "Create users, set their role and scope, disable accounts.",
    ),
    NavItem(
        "Audit log", "audit.index", ("admin",), "Every change: who, what, when, before and after."
    ),
]


def items_for(role: str) -> list[NavItem]:
    return [item for item in NAV if role in item.roles or role == "admin"]
