"""Score runs: a versioned, immutable-once-final result set per framework and period."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.audit.models import utcnow
from qframe.dbtypes import BigId, ExactDecimal
from qframe.errors import Immutable
from qframe.extensions import Model
from qframe.frameworks.models import Framework
from qframe.periods.models import Period

RUN_STATUSES = ("provisional", "final")
SCORE_STATUSES = ("scored", "no_eligible", "small_numbers", "missing", "undetermined")
FUNNEL_FLAGS = ("alarm", "alert", "within", "small_numbers", "no_data")


class ScoreRun(Model):
    """One scoring of a framework for a period; `version` counts up per (framework, period)."""

    __tablename__ = "score_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="provisional")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Rows read and written, by status, providers, breaches, alerts, alarms, seconds taken.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per indicator id and organisation level: funnel target, tau², peer median, units.
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    entitlement_pence: Mapped[int | None] = mapped_column(BigInteger)

    framework: Mapped[Framework] = relationship()
    period: Mapped[Period] = relationship()

    __table_args__ = (UniqueConstraint("framework_id", "period_id", "version"),)

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    def __repr__(self) -> str:
        return f"<ScoreRun {self.framework_id}/{self.period_id} v{self.version} {self.status}>"


class Score(Model):
    """One organisation's result on one indicator in a run (direct, rolled up or missing)."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    numerator: Mapped[int | None] = mapped_column(BigInteger)
    denominator: Mapped[int | None] = mapped_column(BigInteger)
    # A ratio's expected count (its achievement is numerator / expected).
    expected: Mapped[float | None] = mapped_column(Float(precision=53))
    achievement: Mapped[float | None] = mapped_column(Float(precision=53))
    points: Mapped[float] = mapped_column(Float(precision=53))
    max_points: Mapped[float] = mapped_column(Float(precision=53))
    status: Mapped[str] = mapped_column(String(14))
    breach: Mapped[bool] = mapped_column(Boolean, default=False)
    funnel_flag: Mapped[str | None] = mapped_column(String(14))
    # True when the row sums the organisation's wards or service lines (or sub-periods).
    rolled_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # vbp indicators: CMS achievement points (0-10) and improvement points (0-9).
    achievement_points: Mapped[int | None] = mapped_column(Integer)
    improvement_points: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_scores_run_org", "run_id", "organisation_id"),
        Index("ix_scores_run_indicator", "run_id", "indicator_id"),
    )


class ProviderScore(Model):
    """A provider's totals in a run: points, maximum, entitlement (pence) and breaches."""

    __tablename__ = "provider_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("score_runs.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    points: Mapped[float] = mapped_column(Float(precision=53))
    max_points: Mapped[float] = mapped_column(Float(precision=53))
    entitlement_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Why there is no entitlement (e.g. no list size), in words.
    entitlement_note: Mapped[str | None] = mapped_column(String(300))
    breaches: Mapped[int] = mapped_column(Integer, default=0)
    alerts: Mapped[int] = mapped_column(Integer, default=0)
    alarms: Mapped[int] = mapped_column(Integer, default=0)
    # vbp frameworks: normalised domain scores {code: decimal text or None} and the TPS;
    # vbp_status says why there is no TPS ("too_few_domains", "undetermined").
    domain_scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total_performance_score: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    vbp_status: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (UniqueConstraint("run_id", "organisation_id"),)


class VbpThreshold(Model):
    """A vbp indicator's achievement threshold and benchmark computed from the baseline data
    the first time its framework version was scored; frozen with that version from then on."""

    __tablename__ = "vbp_thresholds"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    achievement_threshold: Mapped[Decimal] = mapped_column(ExactDecimal)
    benchmark: Mapped[Decimal] = mapped_column(ExactDecimal)
    baseline_period: Mapped[str] = mapped_column(String(20))
    providers: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("framework_id", "indicator_id"),)


@event.listens_for(ScoreRun, "before_update")
@event.listens_for(ScoreRun, "before_delete")
def _freeze_run(_mapper: Any, _connection: Any, target: ScoreRun) -> None:
    history = inspect(target).attrs.status.history
    was = history.deleted[0] if history.deleted else target.status
    if was == "final":
        raise Immutable(f"score run v{target.version} is final and cannot change")


@event.listens_for(Score, "before_update")
@event.listens_for(Score, "before_delete")
@event.listens_for(ProviderScore, "before_update")
@event.listens_for(ProviderScore, "before_delete")
def _freeze_rows(_mapper: Any, connection: Any, target: Score | ProviderScore) -> None:
    status = connection.scalar(
        ScoreRun.__table__.select()
        .with_only_columns(ScoreRun.status)
        .where(ScoreRun.id == target.run_id)
    )
    if status == "final":
        raise Immutable("scores of a final run cannot change")
