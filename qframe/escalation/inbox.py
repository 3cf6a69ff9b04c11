"""Inbox sources for level-2/3 decisions the provider's board has not yet acknowledged.

The provider lead sees them to act (record the board's response and owner); the commissioner
sees the same outstanding list to follow up. Both open the provider's board page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.extensions import db
from qframe.inbox.registry import InboxItem, source

from .board import BoardReview

LIMIT = 50


def _unacknowledged(user: Any) -> list[BoardReview]:
    return list(
        db.session.scalars(
            select(BoardReview)
            .where(
                BoardReview.acknowledged_at.is_(None),
                in_scope_clause(BoardReview.organisation_id, user),
            )
            .order_by(BoardReview.sent_at, BoardReview.id)
            .limit(LIMIT)
        )
    )


def _title(review: BoardReview) -> str:
    return (
        f"{review.organisation.name}: support level {review.level} "
        f"({review.framework.code} {review.period.label})"
    )


def _sent(review: BoardReview, today: date) -> str:
    days = (today - review.sent_at.date()).days
    ago = "today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} ago"
    chased = f"; reminded {review.chase_count} times" if review.chase_count else ""
    return f"Sent to the board {review.sent_at:%-d %b %Y} ({ago}){chased}"


def _link(review: BoardReview) -> str:
    return url_for(
        "escalation.board", framework_id=review.framework_id, org_id=review.organisation_id
    )


def _items(user: Any, today: date, state: str, action: str) -> list[InboxItem]:
    return [
        InboxItem(_title(r), f"{_sent(r, today)}{state}", _link(r), action, r.sent_at.date())
        for r in _unacknowledged(user)
    ]


@source("Decisions for your board to acknowledge", capability="acknowledge_escalation")
def board_to_acknowledge(user: Any, today: date) -> list[InboxItem]:
    state = ": record the board's response and who owns the actions"
    return _items(user, today, state, "Record the board's response")


@source("Board acknowledgements outstanding", capability="manage_escalation")
def board_outstanding(user: Any, today: date) -> list[InboxItem]:
    state = "; not yet acknowledged by the provider's board"
    return _items(user, today, state, "See the decision")
