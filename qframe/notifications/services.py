"""Notification use cases: notify users, count and list unread, mark read, send the e-mails."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, select, update

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.notifications.models import Notification

log = logging.getLogger(__name__)
PAGE = 50


def notify(
    user_ids: Iterable[int],
    title: str,
    body: str = "",
    link: str | None = None,
    *,
    email: bool = False,
) -> list[Notification]:
    """One notification per user; `email=True` queues an e-mail (sent by the outbox job)."""
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError("notification links are paths inside qframe")
    rows = [
        Notification(user_id=uid, title=title[:200], body=body, link=link, email_pending=email)
        for uid in sorted(set(user_ids))
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def unread_count(user: Any) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_for(user: Any, page: int = 1) -> tuple[list[Notification], bool]:
    """Newest first, a page at a time; the flag says whether there is a next page."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(PAGE + 1)
        .offset((page - 1) * PAGE)
    ).all()
    return list(rows[:PAGE]), len(rows) > PAGE


def get_notification_or_404(notification_id: int, user: Any) -> Notification:
    """Only the recipient can see or mark a notification."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such notification")
    return row


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: Any) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def email_enabled(config: Mapping[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST"))


def deliver_pending_emails(config: Mapping[str, Any], limit: int = 500) -> tuple[int, int]:
    """Send queued e-mails over SMTP; (sent, failed). Failures stay queued for the next run."""
    if not email_enabled(config):
        return 0, 0
    pending = db.session.execute(
        select(Notification, User.email)
        .join(User, User.id == Notification.user_id)
        .where(Notification.email_pending.is_(True), User.active.is_(True))
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0, 0
    sent = failed = 0
    base = str(config.get("QFRAME_BASE_URL", "")).rstrip("/")
    with smtplib.SMTP(
        str(config["SMTP_HOST"]), int(config.get("SMTP_PORT", 25)), timeout=30
    ) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(str(config["SMTP_USERNAME"]), str(config.get("SMTP_PASSWORD", "")))
        for notification, address in pending:
            message = EmailMessage()
            message["From"] = str(config.get("SMTP_FROM", "qframe@localhost"))
            message["To"] = address
            message["Subject"] = notification.title
            text = notification.body
            if notification.link:
                text += f"\n\nOpen qframe: {base}{notification.link}"
            message.set_content(text)
            try:
                smtp.send_message(message)
            except smtplib.SMTPException:
                log.warning("e-mail for notification %s not sent", notification.id, exc_info=True)
                failed += 1
                continue
            notification.email_pending = False
            sent += 1
    db.session.flush()
    return sent, failed
