"""Record good practice (only at or beyond the benchmark) and offer it to struggling providers.

Benchmark: the indicator's `benchmark` if set, else its upper scoring threshold. "At or beyond"
follows polarity: achievement >= benchmark where higher is better, <= where lower is better,
judged on the provider's latest final score (newest period, newest final version).

Struggling: the provider's latest final score on the indicator breaches the minimum standard,
carries a funnel alert or alarm, or earns less than half the indicator's maximum points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.errors import NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun

from .models import GoodPractice

LIMITS = {"title": 200, "contact": 200}


def latest_final(provider_id: int, indicator_id: int) -> tuple[ScoreRun, Score] | None:
    row = db.session.execute(
        select(ScoreRun, Score)
        .join(Score, Score.run_id == ScoreRun.id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(
            ScoreRun.status == "final",
            Score.organisation_id == provider_id,
            Score.indicator_id == indicator_id,
        )
        .order_by(Period.start_date.desc(), ScoreRun.version.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def benchmark_of(indicator: Indicator) -> Decimal | None:
    return indicator.benchmark if indicator.benchmark is not None else indicator.upper


def at_or_beyond(achievement: float, benchmark: Decimal, polarity: str) -> bool:
    value = Decimal(str(achievement))
    return value <= benchmark if polarity == "lower_is_better" else value >= benchmark


def _refuse(problems: list[Problem]) -> NoReturn:
    raise ValidationFailed("The entry was not recorded", problems)


def record_practice(
    actor: Any, provider: Organisation, indicator: Indicator, fields: dict[str, str]
) -> GoodPractice:
    """Validate every field, then check the provider is at or beyond the benchmark."""
    values = {k: (fields.get(k) or "").strip() for k in ("title", "what_they_did", "contact")}
    problems = [
        Problem("required", f"Give {name.replace('_', ' ')}", None, name)
        for name, value in values.items()
        if not value
    ]
    problems += [
        Problem("too_long", f"Keep {name} to {limit} characters", None, name)
        for name, limit in LIMITS.items()
        if len(values[name]) > limit
    ]
    if not provider.is_provider:
        problems.append(
            Problem("not_provider", f"{provider.name} is not a provider", None, "provider")
        )
    if problems:
        _refuse(problems)
    bench = benchmark_of(indicator)
    if bench is None:
        _refuse([Problem("no_benchmark", f"{indicator.code} has no benchmark or upper threshold",
                         None, "indicator")])  # fmt: skip
    latest = latest_final(provider.id, indicator.id)
    if latest is None or latest[1].achievement is None:
        _refuse([Problem("no_score", f"{provider.name} has no final score on {indicator.code}",
                         None, "indicator")])  # fmt: skip
    run, score = latest
    achievement = float(score.achievement or 0)
    if not at_or_beyond(achievement, bench, indicator.polarity):
        side = "at or below" if indicator.polarity == "lower_is_better" else "at or above"
        _refuse([Problem(
            "below_benchmark",
            f"{provider.name}'s latest final score on {indicator.code} is {achievement:.1f} "
            f"({run.period.label}); good practice is recorded {side} the benchmark {bench}",
            None, "indicator",
        )])  # fmt: skip
    entry = GoodPractice(
        organisation_id=provider.id, indicator_id=indicator.id, run_id=run.id,
        achievement=achievement, benchmark=str(bench),
        created_by_id=actor.id if actor is not None else None, **values,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "learning.record", "good_practice", entry.id,
                 after={"indicator": indicator.code, "provider": provider.code})  # fmt: skip
    return entry


def struggling(provider_id: int) -> set[int]:
    """Indicator ids on which the provider's latest final score is struggling."""
    rows = db.session.execute(
        select(Score.indicator_id, Score.breach, Score.funnel_flag, Score.points,
               Score.max_points, Period.start_date, ScoreRun.version)
        .join(ScoreRun, ScoreRun.id == Score.run_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(ScoreRun.status == "final", Score.organisation_id == provider_id)
        .order_by(Period.start_date.desc(), ScoreRun.version.desc())
    ).all()  # fmt: skip
    seen: set[int] = set()
    out: set[int] = set()
    for indicator, breach, flag, points, max_points, _start, _version in rows:
        if indicator in seen:
            continue
        seen.add(indicator)
        if breach or flag in ("alert", "alarm") or (max_points and points < max_points / 2):
            out.add(indicator)
    return out


def library() -> list[GoodPractice]:
    return list(db.session.scalars(select(GoodPractice).order_by(GoodPractice.created_at.desc())))


def offers_for(provider: Organisation) -> list[GoodPractice]:
    """Entries by other providers on indicators this provider is struggling on."""
    weak = struggling(provider.id)
    return [e for e in library() if e.indicator_id in weak and e.organisation_id != provider.id]


def get_entry_or_404(entry_id: int) -> GoodPractice:
    entry = db.session.get(GoodPractice, entry_id)
    if entry is None:
        raise NotFound("No such entry")
    return entry


def buddy_offers(user: Any) -> list[tuple[Organisation, Organisation, list[GoodPractice]]]:
    """Buddy pairs from support plans (newest first) touching the user's scope: the supported
    provider, its buddy, and the entries on the indicators the supported provider struggles on."""
    from qframe.auth.permissions import org_in_scope
    from qframe.escalation.models import SupportRecord

    out, seen = [], set()
    for record in db.session.scalars(select(SupportRecord).order_by(SupportRecord.id.desc())):
        for a in record.assignments:
            pair = (a.get("org_id"), a.get("buddy_id"))
            if pair[1] is None or pair in seen:
                continue
            seen.add(pair)
            if not (org_in_scope(user, pair[0]) or org_in_scope(user, pair[1])):
                continue
            supported, buddy = (
                db.session.get(Organisation, pair[0]),
                db.session.get(Organisation, pair[1]),
            )
            if supported is not None and buddy is not None:
                out.append((supported, buddy, offers_for(supported)))
    return out
