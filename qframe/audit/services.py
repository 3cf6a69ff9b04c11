"""Record audit events; every state-changing service calls `record`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Select, select

from qframe.audit.models import AuditEvent
from qframe.extensions import db


class Actor(Protocol):
    id: int
    email: str


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Append one audit event in the current transaction (flushed, not committed)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event


def query_events(
    *, action: str | None = None, object_type: str | None = None, actor: str | None = None
) -> Select[AuditEvent]:
    """Newest-first audit events matching the filters."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if actor:
        stmt = stmt.where(AuditEvent.actor_label.contains(actor))
    return stmt
