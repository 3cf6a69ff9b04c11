"""A notification for one user (in-app; e-mailed too when SMTP is configured)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.extensions import Model


class Notification(Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The outbox: set when SMTP was configured at creation, cleared once the e-mail is sent.
    email_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
