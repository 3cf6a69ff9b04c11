"""Demo step (after scoring): the ladder for each scored framework, support, commitments and a
public publication of the latest final period. Without score runs it says so and skips."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from qframe.commitments.services import record_commitment
from qframe.errors import DomainError
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun

from .services import evaluate_escalation, ladder, support_label
from .support import propose_support

if TYPE_CHECKING:
    from qframe.demo import DemoContext

LEAD = "provider.lead@demo.qframe.test"
WHY = {
    "AQF-S03": "Fewer falls means fewer broken hips and longer, independent lives.",
    "AQF-E01": "Nobody should wait more than four hours in A&E to be seen and settled.",
}
PREFERRED = ("AQF-S03", "AQF-E01")


def load(ctx: DemoContext) -> None:
    if ctx.scale != "small":
        ctx.report.append("Escalation: skipped at national scale (run the ladder from its page)")
        return
    frameworks = [f for f in (ctx.shared.get("frameworks") or {}).values() if _scored(f)]
    if not frameworks:
        ctx.report.append(
            "Escalation, commitments, publication: skipped (no score runs yet; "
            "score a period, then work out the ladder from its page)"
        )
        return
    for framework in frameworks:
        evaluate_escalation(None, framework)
        period, rows = ladder(framework)
        raised = [r for r in rows if r.decision.level > 0]
        ctx.report.append(
            f"Escalation {framework.code} {period.label if period else ''}: "
            f"{len(rows) - len(raised)} routine, {len(raised)} above routine"
        )
        for r in raised:
            why = "; ".join(r.decision.evidence.get("lines", []))
            ctx.report.append(
                f"  level {r.decision.level} ({support_label(r.decision.level)}): "
                f"{r.organisation.name}: {why}"
            )
        for r in rows:
            if r.decision.financial_signal:
                ctx.report.append(f"  £ {r.organisation.name}: {r.decision.financial_signal}")
        if any(r.decision.level >= 2 for r in rows):
            record = propose_support(None, framework)
            ctx.report.append(
                f"  support proposed for {len(record.assignments)} provider(s), "
                f"£{record.total_cost_pence / 100:,.0f} of the support budget"
            )
    _commitments(ctx, frameworks)
    _publish(ctx, frameworks)


def _scored(framework: Framework) -> bool:
    return (
        db.session.scalar(select(ScoreRun.id).where(ScoreRun.framework_id == framework.id).limit(1))
        is not None
    )


def _baseline(framework: Framework, org: Organisation) -> dict[int, tuple[float, str]]:
    """Indicator id → the provider's earliest scored result (value, period label), quarters
    preferred (then the year, then months)."""
    rows = db.session.execute(
        select(Score.indicator_id, Score.achievement, Period.label, Period.kind, Period.start_date)
        .join(ScoreRun, ScoreRun.id == Score.run_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(
            ScoreRun.framework_id == framework.id,
            Score.organisation_id == org.id,
            Score.achievement.is_not(None),
        )
        .order_by(ScoreRun.version.desc())
    )
    rank = {"quarter": 0, "year": 1, "month": 2}
    best: dict[int, tuple[Any, float, str]] = {}
    for indicator, value, label, kind, start in rows:
        key = (rank.get(kind, 3), start)
        if value is not None and (indicator not in best or key < best[indicator][0]):
            best[indicator] = (key, value, label)
    return {indicator: (value, label) for indicator, (_key, value, label) in best.items()}


def _promise(indicator: Any, value: float, period: str, year: str) -> dict[str, str] | None:
    lower = indicator.polarity == "lower_is_better"
    target = value * 0.8 if lower else min(value * 1.05, 100.0)
    if round(target, 1) == round(value, 1) or (not lower and value >= 100):
        return None
    first = int(year[:4]) + 1
    return {
        "indicator": str(indicator.id),
        "baseline": f"{value:.1f}",
        "baseline_period": period,
        "target": f"{target:.1f}",
        "due_period": f"{first}/{(first + 1) % 100:02d} Q2",
        "why": WHY.get(indicator.code, f"Our patients should see {indicator.title} improve."),
    }


def _commitments(ctx: DemoContext, frameworks: list[Framework]) -> None:
    users: dict[str, Any] = ctx.shared.get("users") or {}
    lead = users.get(LEAD)
    if lead is None or not lead.scope_orgs:
        ctx.report.append("Commitments: skipped (no demo provider lead)")
        return
    org = lead.scope_orgs[0]
    made: list[str] = []
    for framework in frameworks:
        found = _baseline(framework, org)
        ranked = sorted(framework.indicators, key=lambda i: (i.code not in PREFERRED, i.position))
        for indicator in ranked:
            data = (
                _promise(indicator, *found[indicator.id], framework.year)
                if (indicator.id in found)
                else None
            )
            if data is not None and len(made) < 2:
                try:
                    record_commitment(lead, org, data)
                except DomainError as error:
                    ctx.report.append(f"  commitment {indicator.code} not recorded: {error}")
                else:
                    made.append(indicator.code)
    ctx.report.append(f"Commitments: {org.name} promised {', '.join(made) or 'nothing'}")


def _publish(ctx: DemoContext, frameworks: list[Framework]) -> None:
    from qframe.publication.services import publish_results

    published = []
    for framework in frameworks:
        # Every final period of the year, so the public annual report covers the year so far
        # (issue 13: it used to rest on the latest quarter alone).
        periods = db.session.scalars(
            select(Period)
            .join(ScoreRun, ScoreRun.period_id == Period.id)
            .where(ScoreRun.framework_id == framework.id, ScoreRun.status == "final")
            .order_by(Period.end_date, Period.start_date.desc())
            .distinct()
        ).all()
        for period in periods:
            publish_results(None, framework, period.label, "public", True)
            published.append(f"{framework.code} {period.label}")
    ctx.report.append(
        "Publication: "
        + (
            f"public (named) results for {', '.join(published)} at /published/"
            if published
            else "skipped (no final score run)"
        )
    )
