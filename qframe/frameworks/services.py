"""Framework use cases: who may see and manage which framework, and the services to use.

Visibility: published and closed frameworks are public; a draft is seen only by admins and by
commissioners whose scope covers its owner. Everything else reports "not found".
The use cases themselves live in `io` (import/export), `lifecycle` and `editing`; they are
re-exported here so callers have one place to import from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from qframe.auth.permissions import can, in_scope_clause, org_in_scope
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.frameworks.editing import (
    create_draft,
    create_indicator,
    delete_indicator,
    ensure_draft,
    framework_field_problems,
    replace_draft,
    update_framework,
    update_indicator,
)
from qframe.frameworks.io import (
    export_framework,
    framework_json,
    import_framework,
    latest_version,
    parse_framework,
)
from qframe.frameworks.library import LIBRARY, load_library_framework
from qframe.frameworks.lifecycle import (
    close_framework,
    delete_draft,
    diff_versions,
    import_library_framework,
    new_version,
    publish_framework,
)
from qframe.frameworks.models import Framework, Indicator
from qframe.frameworks.validation import publish_problems
from qframe.orgs.models import Organisation

__all__ = [
    "close_framework",
    "create_draft",
    "create_indicator",
    "delete_draft",
    "delete_indicator",
    "diff_versions",
    "ensure_draft",
    "export_framework",
    "framework_field_problems",
    "framework_json",
    "import_framework",
    "import_library_framework",
    "latest_version",
    "new_version",
    "parse_framework",
    "publish_framework",
    "replace_draft",
    "update_framework",
    "update_indicator",
]

PUBLIC_STATUSES = ("published", "closed")


def can_manage(user: Any, framework: Framework) -> bool:
    """Admins, and commissioners whose scope covers the framework's owner."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can(user, "manage_national_frameworks"):
        return True
    return can(user, "manage_frameworks") and org_in_scope(user, framework.owner_id)


def visible_frameworks(user: Any) -> Select[Framework]:
    """Frameworks the user may read: every published/closed one, plus drafts they manage."""
    public = Framework.status.in_(PUBLIC_STATUSES)
    stmt = select(Framework)
    if can(user, "all_organisations"):
        pass
    elif can(user, "manage_frameworks"):
        stmt = stmt.where(or_(public, in_scope_clause(Framework.owner_id, user)))
    else:
        stmt = stmt.where(public)
    return stmt.order_by(Framework.code, Framework.version.desc())


def public_frameworks() -> Select[Framework]:
    """Frameworks anyone may read without signing in."""
    return (
        select(Framework)
        .where(Framework.status.in_(PUBLIC_STATUSES))
        .order_by(Framework.code, Framework.version.desc())
    )


def indicator_counts(frameworks: list[Framework]) -> dict[int, int]:
    """Indicators per framework id, in one query."""
    ids = [f.id for f in frameworks]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Indicator.framework_id, func.count())
        .where(Indicator.framework_id.in_(ids))
        .group_by(Indicator.framework_id)
    )
    return {framework_id: count for framework_id, count in rows.all()}


def _load(framework_id: int) -> Framework | None:
    return db.session.scalar(
        select(Framework)
        .where(Framework.id == framework_id)
        .options(
            selectinload(Framework.domains),
            selectinload(Framework.indicators),
            selectinload(Framework.owner),
        )
    )


def get_framework_or_404(framework_id: int, user: Any) -> Framework:
    """A framework the user may read; a draft they do not manage is "not found"."""
    framework = _load(framework_id)
    if framework is None or (framework.is_draft and not can_manage(user, framework)):
        raise NotFound("No such framework")
    return framework


def get_managed_framework_or_404(framework_id: int, user: Any) -> Framework:
    """A framework the user may manage (any status); others are "not found"."""
    framework = _load(framework_id)
    if framework is None or not can_manage(user, framework):
        raise NotFound("No such framework")
    return framework


def get_managed_indicator_or_404(framework: Framework, indicator_id: int) -> Indicator:
    """An indicator of a framework the caller has already loaded as manageable."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.framework_id != framework.id:
        raise NotFound("No such indicator")
    return indicator


def get_public_framework_or_404(framework_id: int) -> Framework:
    """A published or closed framework, for readers who have not signed in."""
    framework = _load(framework_id)
    if framework is None or framework.status not in PUBLIC_STATUSES:
        raise NotFound("No such framework")
    return framework


def find_framework(code: str, version: int | None = None) -> Framework:
    """A framework by code (the latest version unless one is given), unscoped: CLI use."""
    if version is None:
        framework = latest_version(code)
    else:
        framework = db.session.scalar(
            select(Framework).where(Framework.code == code, Framework.version == version)
        )
    if framework is None:
        which = f"{code} v{version}" if version is not None else code
        raise NotFound(f"No framework {which}")
    return framework


def versions_visible(framework: Framework, user: Any) -> list[Framework]:
    """Every version of the framework's code that the user may read, newest first."""
    stmt = visible_frameworks(user).where(Framework.code == framework.code)
    return list(db.session.scalars(stmt))


def public_versions(framework: Framework) -> list[Framework]:
    return list(db.session.scalars(public_frameworks().where(Framework.code == framework.code)))


def owner_choices(user: Any) -> list[Organisation]:
    """Commissioners the user may create frameworks for (admins: every commissioner)."""
    stmt = select(Organisation).where(Organisation.kind == "commissioner")
    if not can(user, "all_organisations"):
        stmt = stmt.where(in_scope_clause(Organisation.id, user))
    return list(db.session.scalars(stmt.order_by(Organisation.code)))


@dataclass(frozen=True)
class LibraryItem:
    """A library framework as the library page lists it."""

    slug: str
    title: str
    code: str
    year: str
    setting: str
    payment_model: str
    indicators: int
    total_points: Decimal
    publishable: bool
    problems: int


@lru_cache(maxsize=1)
def library_overview() -> tuple[LibraryItem, ...]:
    """Every library framework with its size and whether it can be published as it stands."""
    items = []
    for entry in LIBRARY:
        data = load_library_framework(entry.slug)
        points = (i["scoring"].get("max_points") or Decimal(0) for i in data["indicators"])
        problems = publish_problems(data)
        items.append(
            LibraryItem(
                slug=entry.slug,
                title=entry.title,
                code=data["code"],
                year=data["year"],
                setting=data["setting"],
                payment_model=data["payment"]["model"],
                indicators=len(data["indicators"]),
                total_points=sum(points, Decimal(0)),
                publishable=not problems,
                problems=len(problems),
            )
        )
    return tuple(items)
