"""A publication: an immutable snapshot of one framework period's results for one audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.frameworks.models import Framework
from qframe.periods.models import Period

AUDIENCES = ("board", "providers", "public")
AUDIENCE_LABELS = {
    "board": "Board (named providers)",
    "providers": "Providers (each sees itself named, peers as Provider A, B…)",
    "public": "The public (no sign-in)",
}


class Publication(Model):
    """Published results. The numbers are copied in, so re-scoring never changes them."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    framework_code: Mapped[str] = mapped_column(String(40))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id"))
    audience: Mapped[str] = mapped_column(String(10))
    identifiable: Mapped[bool] = mapped_column(Boolean)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    framework: Mapped[Framework] = relationship()
    period: Mapped[Period] = relationship()
    published_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_publications_code_period", "framework_code", "period_id"),)

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]


@event.listens_for(Publication, "before_update")
@event.listens_for(Publication, "before_delete")
def _freeze(_mapper: Any, _connection: Any, target: Publication) -> None:
    raise Immutable("A publication is a record of what was published and never changes")
