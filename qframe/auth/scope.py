"""The one place that decides what a user may see: their scoped organisations and descendants.

Every view and API endpoint loads organisation-owned objects through these helpers; anything
outside the user's scope is reported as not found (404), so its existence does not leak.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import g, has_request_context
from sqlalchemy import ColumnElement, Select, select, true

from qframe.errors import NotFound
from qframe.extensions import db
from qframe.orgs.models import Organisation


class ScopedUser(Protocol):
    id: int
    role: str


def sees_everything(user: ScopedUser) -> bool:
    return user.role == "admin"


def scope_subquery(user: ScopedUser) -> Select[int]:
    """A SELECT of every organisation id in the user's scope (their orgs and all descendants)."""
    from qframe.auth.models import UserScope

    roots = select(UserScope.organisation_id.label("id")).where(UserScope.user_id == user.id)
    tree = roots.cte(name="scope_tree", recursive=True)
    tree = tree.union_all(select(Organisation.id).where(Organisation.parent_id == tree.c.id))
    return select(tree.c.id)


def scope_org_ids(user: ScopedUser) -> frozenset[int] | None:
    """The ids in scope, or None for everything (admin); cached for the request."""
    if sees_everything(user):
        return None
    cache: dict[int, frozenset[int]] | None = None
    if has_request_context():
        cache = g.setdefault("_scope_cache", {})
        if user.id in cache:
            return cache[user.id]
    ids = frozenset(db.session.scalars(scope_subquery(user)))
    if cache is not None:
        cache[user.id] = ids
    return ids


def in_scope_clause(column: Any, user: ScopedUser) -> ColumnElement[bool]:
    """A WHERE clause limiting an organisation id column to the user's scope."""
    if sees_everything(user):
        return true()
    return column.in_(scope_subquery(user))


def org_in_scope(user: ScopedUser, org_id: int | None) -> bool:
    ids = scope_org_ids(user)
    return org_id is not None and (ids is None or org_id in ids)


def get_org_or_404(org_id: int, user: ScopedUser) -> Organisation:
    """The organisation, if it is in the user's scope; otherwise NotFound."""
    org = db.session.get(Organisation, org_id)
    if org is None or not org_in_scope(user, org.id):
        raise NotFound("No such organisation")
    return org


def get_provider_or_404(org_id: int, user: ScopedUser) -> Organisation:
    """A provider (not a service line or ward) in the user's scope; otherwise NotFound."""
    org = get_org_or_404(org_id, user)
    if not org.is_provider:
        raise NotFound("No such provider")
    return org


def get_org_by_code_or_404(code: str, user: ScopedUser) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None or not org_in_scope(user, org.id):
        raise NotFound("No such organisation")
    return org


def get_owned_or_404[T](
    model: type[T], pk: object, user: ScopedUser, org_attr: str = "organisation_id"
) -> T:
    """Load any row owned by an organisation (via `org_attr`), enforcing scope."""
    obj = db.session.get(model, pk)
    if obj is None or not org_in_scope(user, getattr(obj, org_attr)):
        raise NotFound(f"No such {model.__name__.lower()}")
    return obj
