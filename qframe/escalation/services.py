"""Evaluate the ladder from score runs, store each decision, read levels and history, add notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.engine.errors import EngineError
from qframe.engine.escalation import LadderDecision, ProviderPeriodSignals, evaluate_ladder
from qframe.errors import DomainError, NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.notifications import events
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.models import ScoreRun

from .board import send_to_boards
from .models import EscalationDecision, EscalationNote
from .rules import rules_for, settings_for
from .signals import (
    add_cusum,
    gather,
    indicator_facts,
    latest_runs,
    overspend_by_provider,
    provider_of,
)

# Levels name the support offered, not blame (domain.md §8).
SUPPORT = (
    "routine",
    "emerging concern — local review offered",
    "enhanced support",
    "intensive support",
)
NOTE_MAX = 2000


def previous_year(framework: Framework) -> Framework | None:
    """The newest published or closed version of the same code for an earlier year."""
    return db.session.scalar(
        select(Framework)
        .where(
            Framework.code == framework.code,
            Framework.year < framework.year,
            Framework.status != "draft",
            Framework.id != framework.id,
        )
        .order_by(Framework.year.desc(), Framework.version.desc())
        .limit(1)
    )


def carried_runs(
    framework: Framework, kind: str
) -> tuple[list[tuple[Period, ScoreRun]], dict[int, tuple[str, str, str]]]:
    """Last year's runs and its indicators that this year's version still has (by code)."""
    prior = previous_year(framework)
    if prior is None:
        return [], {}
    codes = {i.code for i in framework.indicators}
    facts = {i: f for i, f in indicator_facts(prior).items() if f[0] in codes}
    return latest_runs(prior, kind), facts


def support_label(level: int) -> str:
    """The words for a level, e.g. 'enhanced support'."""
    return SUPPORT[level]


def evaluate_escalation(actor: Any, framework: Framework) -> list[EscalationDecision]:
    """Work out every provider's level for every scored period and store the decisions."""
    settings = settings_for(framework)
    rules = rules_for(framework)
    runs = latest_runs(framework, settings.period_kind if settings else "auto")
    if not runs:
        raise DomainError(
            f"{framework.code} has no score runs yet: score a period before running the ladder"
        )
    indicators = indicator_facts(framework)
    ids = {code: i for i, (code, _d, _t) in indicators.items()}
    owners = provider_of()
    # Last year's version of the framework code carries its evidence forward (indicators
    # matched by code), so persistence and CUSUM drift are seen across the year boundary.
    carried, carried_facts = carried_runs(framework, settings.period_kind if settings else "auto")
    own_runs = {run.id for _, run in runs}
    runs = carried + runs
    facts_all = {**carried_facts, **indicators}
    rows = gather([run.id for _, run in runs], facts_all, owners)
    add_cusum([run.id for _, run in runs], rows, facts_all)
    providers = sorted({org for by_org in rows.values() for org in by_org})
    overspend = overspend_by_provider(providers, framework.year, owners)
    last_in_year = max(
        (p for p, _ in runs if p.year == framework.year), default=None, key=lambda p: p.start_date
    )
    existing = {
        (d.organisation_id, d.period_id): d
        for d in db.session.scalars(
            select(EscalationDecision).where(EscalationDecision.framework_id == framework.id)
        )
    }
    stored: list[EscalationDecision] = []
    changes: list[tuple[int, Any, int | None, int]] = []
    now = utcnow()
    for org in providers:
        # A period without this provider's results is left out: no data is not "cleared".
        seen = [(p, run, rows[run.id][org]) for p, run in runs if org in rows.get(run.id, {})]
        history: list[ProviderPeriodSignals] = [
            facts.signals(p.label, overspend.get(org) if p is last_in_year else None)
            for p, _run, facts in seen
        ]
        try:
            decisions = evaluate_ladder(history, rules)
        except EngineError as error:
            raise DomainError(f"The ladder could not be worked out: {error}") from error
        mine: list[tuple[Any, EscalationDecision]] = []
        was: int | None = None
        for (period, run, _facts), signals, decision in zip(seen, history, decisions, strict=True):
            if run.id not in own_runs:
                continue  # last year's decision stays with last year's framework
            before = existing.pop((org, period.id), None)
            was = before.level if before is not None else None
            row = before or EscalationDecision(
                framework_id=framework.id, organisation_id=org, period_id=period.id
            )
            _fill(
                row,
                decision,
                signals,
                run,
                ids,
                overspend.get(org) if period is last_in_year else None,
            )
            row.computed_at = now
            db.session.add(row)
            stored.append(row)
            mine.append((period, row))
        if mine:
            latest_period, latest_row = mine[-1]
            previous = mine[-2][1].level if len(mine) > 1 else None
            changes.append(
                (org, latest_period, was if was is not None else previous, latest_row.level)
            )
    if existing:
        db.session.execute(
            delete(EscalationDecision).where(
                EscalationDecision.id.in_([d.id for d in existing.values()])
            )
        )
    db.session.flush()
    send_to_boards(framework, stored)
    latest = runs[-1][0]
    levels = Counter(d.level for d in stored if d.period_id == latest.id)
    audit.record(
        actor,
        "escalation.evaluate",
        "framework",
        framework.id,
        after={
            "periods": [p.label for p, _ in runs],
            "providers": len(providers),
            "latest_period": latest.label,
            "levels": {support_label(k): v for k, v in sorted(levels.items())},
        },
    )
    for org, period, old, new in changes:
        if old is not None and old != new:
            events.escalation_changed(
                org, framework, period, support_label(old), support_label(new)
            )
    return stored


def _fill(
    row: EscalationDecision,
    decision: LadderDecision,
    signals: ProviderPeriodSignals,
    run: Any,
    ids: dict[str, int],
    overspend: float | None,
) -> None:
    codes = set(signals.alerts) | set(signals.alarms) | {c for c, _ in signals.breaches}
    row.run_id = run.id
    row.level = decision.level
    row.triggered_level = decision.triggered_level
    row.financial_signal = decision.financial_signal
    row.evidence = {
        "lines": list(decision.evidence),
        "alerts": list(signals.alerts),
        "alarms": list(signals.alarms),
        "breaches": sorted({c for c, _ in signals.breaches}),
        "indicators": {code: ids[code] for code in sorted(codes) if code in ids},
        "indicator_count": signals.indicator_count,
        "run": {"id": run.id, "version": run.version, "status": run.status},
        "overspend_percent": overspend,
    }


@dataclass(frozen=True)
class LadderRow:
    """One provider on the commissioner's page: level now, movement since last period, why."""

    organisation: Organisation
    decision: EscalationDecision
    previous: EscalationDecision | None

    @property
    def movement(self) -> str:
        """'up', 'down', 'same' or 'new' (no decision for the period before)."""
        if self.previous is None:
            return "new"
        if self.decision.level > self.previous.level:
            return "up"
        return "down" if self.decision.level < self.previous.level else "same"


def decision_periods(framework: Framework) -> list[Period]:
    """Periods with stored decisions, oldest first."""
    stmt = (
        select(Period)
        .where(
            Period.id.in_(
                select(EscalationDecision.period_id).where(
                    EscalationDecision.framework_id == framework.id
                )
            )
        )
        .order_by(Period.start_date)
    )
    return list(db.session.scalars(stmt))


def ladder(framework: Framework, period: Period | None = None) -> tuple[Period | None, list[Any]]:
    """Every provider's level in the period (default: the latest), highest level first."""
    periods = decision_periods(framework)
    if not periods:
        return None, []
    period = period or periods[-1]
    if period not in periods:
        raise NotFound(f"No ladder decisions for {period.label}")
    index = periods.index(period)
    wanted = [period.id] + ([periods[index - 1].id] if index else [])
    decisions = db.session.scalars(
        select(EscalationDecision)
        .where(
            EscalationDecision.framework_id == framework.id,
            EscalationDecision.period_id.in_(wanted),
        )
        .options(selectinload(EscalationDecision.organisation))
    ).all()
    before = {d.organisation_id: d for d in decisions if d.period_id != period.id}
    rows = [
        LadderRow(d.organisation, d, before.get(d.organisation_id))
        for d in decisions
        if d.period_id == period.id
    ]
    rows.sort(key=lambda r: (-r.decision.level, r.organisation.name))
    return period, rows


def provider_history(framework: Framework, org: Organisation) -> list[EscalationDecision]:
    """A provider's decisions, newest period first."""
    return list(
        db.session.scalars(
            select(EscalationDecision)
            .join(Period, Period.id == EscalationDecision.period_id)
            .where(
                EscalationDecision.framework_id == framework.id,
                EscalationDecision.organisation_id == org.id,
            )
            .options(selectinload(EscalationDecision.period))
            .order_by(Period.start_date.desc())
        )
    )


def notes_for(framework: Framework, org: Organisation) -> list[EscalationNote]:
    return list(
        db.session.scalars(
            select(EscalationNote)
            .where(
                EscalationNote.framework_id == framework.id,
                EscalationNote.organisation_id == org.id,
            )
            .options(selectinload(EscalationNote.author), selectinload(EscalationNote.period))
            .order_by(EscalationNote.id.desc())
        )
    )


def add_note(
    actor: Any,
    framework: Framework,
    org: Organisation,
    period_id: int,
    note: str,
    support_offered: str | None,
) -> EscalationNote:
    """Record a commissioner's note and the support offered for a decided period (audited)."""
    decision = db.session.scalar(
        select(EscalationDecision).where(
            EscalationDecision.framework_id == framework.id,
            EscalationDecision.organisation_id == org.id,
            EscalationDecision.period_id == period_id,
        )
    )
    problems = []
    if decision is None:
        problems.append(
            Problem("no_decision", "Choose a period the ladder has decided", column="period")
        )
    text, offered = note.strip(), (support_offered or "").strip() or None
    if not text:
        problems.append(Problem("required", "Write the note", column="note"))
    for name, value in (("note", text), ("support_offered", offered or "")):
        if len(value) > NOTE_MAX:
            problems.append(
                Problem("too_long", f"Keep it under {NOTE_MAX} characters", column=name)
            )
    if problems:
        raise ValidationFailed("The note was not saved", problems)
    row = EscalationNote(
        framework_id=framework.id,
        organisation_id=org.id,
        period_id=period_id,
        author_id=getattr(actor, "id", None),
        note=text,
        support_offered=offered,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "escalation.note",
        "organisation",
        org.id,
        after={
            "framework": framework.code,
            "period_id": period_id,
            "note": text,
            "support_offered": offered,
        },
    )
    return row
