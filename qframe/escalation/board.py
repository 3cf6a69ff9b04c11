"""Level-2/3 decisions sent to the provider's board (domain.md §8): acknowledged with a
response and an owner; unacknowledged ones are chased by the scheduler and listed for the
commissioner. Services flush; views and the job commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User, UserScope
from qframe.auth.permissions import roles_with
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import Model, db
from qframe.frameworks.models import Framework
from qframe.notifications.services import notify
from qframe.orgs.models import Organisation
from qframe.periods.models import Period

CHASE_AFTER = timedelta(days=14)


class BoardReview(Model):
    """One level-2/3 decision sent to a provider's board, and the board's answer."""

    __tablename__ = "escalation_board_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    level: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_chased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chase_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120))

    organisation: Mapped[Organisation] = relationship()
    period: Mapped[Period] = relationship()
    framework: Mapped[Framework] = relationship()

    __table_args__ = (UniqueConstraint("framework_id", "organisation_id", "period_id"),)


def _leads(org_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserScope, UserScope.user_id == User.id)
            .where(
                UserScope.organisation_id == org_id,
                User.role.in_(roles_with("acknowledge_escalation")),
                User.active.is_(True),
            )
        )
    )


def _link(review: BoardReview) -> str:
    return f"/escalation/{review.framework_id}/providers/{review.organisation_id}/board"


def send_to_boards(framework: Framework, decisions: list[Any]) -> list[BoardReview]:
    """Send each new level-2/3 decision (one per provider and period) to the provider leads."""
    existing = {
        (r.organisation_id, r.period_id)
        for r in db.session.scalars(
            select(BoardReview).where(BoardReview.framework_id == framework.id)
        )
    }
    sent = []
    for d in decisions:
        if d.level < 2 or (d.organisation_id, d.period_id) in existing:
            continue
        review = BoardReview(
            framework_id=framework.id,
            organisation_id=d.organisation_id,
            period_id=d.period_id,
            level=d.level,
            sent_at=utcnow(),
        )
        db.session.add(review)
        db.session.flush()
        notify(
            _leads(d.organisation_id),
            f"{framework.code}: support level {d.level} for your board to acknowledge",
            "Please record the board's response and who owns the actions.",
            _link(review),
            email=True,
        )
        sent.append(review)
    return sent


def review_for(framework: Framework, org: Organisation) -> list[BoardReview]:
    return list(
        db.session.scalars(
            select(BoardReview)
            .where(BoardReview.framework_id == framework.id, BoardReview.organisation_id == org.id)
            .order_by(BoardReview.sent_at.desc(), BoardReview.id.desc())
        )
    )


def acknowledge(actor: Any, review: BoardReview, response: str, owner: str) -> BoardReview:
    """Record the board's response and owner; both are required, nothing saved otherwise."""
    problems = []
    if not response.strip():
        problems.append(Problem("blank", "Write the board's response", column="response"))
    if not owner.strip() or len(owner.strip()) > 120:
        problems.append(
            Problem("blank", "Name who owns the actions (up to 120 characters)", column="owner")
        )
    if problems:
        raise ValidationFailed("The acknowledgement was not saved", problems)
    review.response, review.owner = response.strip(), owner.strip()
    review.acknowledged_at = utcnow()
    review.acknowledged_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(
        actor,
        "escalation.board_acknowledged",
        "framework",
        review.framework_id,
        after={"organisation": review.organisation_id, "period": review.period_id,
               "owner": review.owner},
    )  # fmt: skip
    return review


def outstanding(framework: Framework) -> list[BoardReview]:
    """Decisions sent and not yet acknowledged, oldest first (the commissioner's list)."""
    return list(
        db.session.scalars(
            select(BoardReview)
            .where(BoardReview.framework_id == framework.id, BoardReview.acknowledged_at.is_(None))
            .order_by(BoardReview.sent_at, BoardReview.id)
        )
    )


def chase_unacknowledged(now: datetime) -> str:
    """Scheduler hook: remind the leads of every decision unanswered for CHASE_AFTER since it
    was sent or last chased."""
    due = now - CHASE_AFTER
    chased = 0
    for review in db.session.scalars(
        select(BoardReview).where(BoardReview.acknowledged_at.is_(None))
    ):
        last = review.last_chased_at or review.sent_at
        if _aware(last) > due:
            continue
        notify(
            _leads(review.organisation_id),
            f"Reminder: support level {review.level} awaits your board's acknowledgement",
            f"Sent {review.sent_at:%d %B %Y}; not yet acknowledged.",
            _link(review),
            email=True,
        )
        review.last_chased_at, review.chase_count = now, review.chase_count + 1
        chased += 1
    return f"{chased} unacknowledged board decisions chased"


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
