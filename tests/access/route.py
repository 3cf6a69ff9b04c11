"""The shape of an access-table entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = ("admin", "commissioner", "finance", "clinical_director", "nurse_manager", "provider_lead")
EVERY_ROLE = ROLES


@dataclass(frozen=True)
class Route:
    """Who may use a route; `url` builds it from the Tree fixture (each role's scope covers ward_a).

    `allowed` roles get `ok`; other signed-in roles get `denied`; anonymous users are sent to
    sign in (302) unless `public`. POST routes are only probed with the roles that must be
    refused (a permitted POST would act), and anonymously.
    """

    url: Callable[[Any], str]
    allowed: tuple[str, ...] = ()
    ok: int = 200
    method: str = "GET"
    public: bool = False
    denied: int = 403
    anonymous: int | None = None  # default: 302 for pages, 401 for /api/, `ok` when public
