"""Build a self-contained copy of a framework period's results (what a publication freezes)."""

from __future__ import annotations

import secrets
import string
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import select

from qframe.commitments.services import commitments_of, progress_of
from qframe.escalation.models import EscalationDecision
from qframe.escalation.services import support_label
from qframe.extensions import db
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.models import ProviderScore, Score, ScoreRun
from qframe.variation.present import benchmark_value, result_interval

IDENTITY_KEYS = ("org_id", "code", "name", "commitments")


def _text(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def latest_run_of(framework: Framework, period: Period, final_only: bool = False) -> Any:
    stmt = select(ScoreRun).where(
        ScoreRun.framework_id == framework.id, ScoreRun.period_id == period.id
    )
    if final_only:
        stmt = stmt.where(ScoreRun.status == "final")
    return db.session.scalar(stmt.order_by(ScoreRun.version.desc()).limit(1))


def earlier_period(framework: Framework, period: Period) -> Period | None:
    """What a result is compared with: the year's first scored period of the same kind, or
    for a whole year (which has no earlier one inside it) the year's first scored quarter."""
    for kind in (period.kind, "quarter") if period.kind == "year" else (period.kind,):
        first = db.session.scalar(
            select(Period)
            .join(ScoreRun, ScoreRun.period_id == Period.id)
            .where(
                ScoreRun.framework_id == framework.id,
                Period.kind == kind,
                Period.year == period.year,
                Period.start_date <= period.start_date,
                Period.id != period.id,
            )
            .order_by(Period.start_date)
            .limit(1)
        )
        if first is not None:
            return first
    return None


def support_levels(framework: Framework, period: Period) -> dict[int, int]:
    """Each provider's ladder level at the period's end (its latest decision by then)."""
    rows = db.session.execute(
        select(EscalationDecision.organisation_id, EscalationDecision.level)
        .join(Period, Period.id == EscalationDecision.period_id)
        .where(
            EscalationDecision.framework_id == framework.id,
            Period.end_date <= period.end_date,
        )
        .order_by(Period.end_date, Period.start_date.desc())
    )
    return {org: level for org, level in rows}


def _achievements(run: Any) -> dict[tuple[int, int], float]:
    if run is None:
        return {}
    providers = select(Organisation.id).where(Organisation.kind.in_(PROVIDER_KINDS))
    rows = db.session.execute(
        select(Score.organisation_id, Score.indicator_id, Score.achievement).where(
            Score.run_id == run.id,
            Score.organisation_id.in_(providers),
            Score.achievement.is_not(None),
        )
    )
    return {(org, ind): float(value) for org, ind, value in rows if value is not None}


def _indicators(framework: Framework) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Indicator, FrameworkDomain.title)
        .join(FrameworkDomain, FrameworkDomain.id == Indicator.domain_id)
        .where(Indicator.framework_id == framework.id)
        .order_by(Indicator.position)
    )
    return [
        {
            "id": i.id,
            "code": i.code,
            "title": i.title,
            "domain": domain,
            "measure": i.measure,
            "polarity": i.polarity,
            "unit": i.unit,
            "minimum_standard": _text(i.minimum_standard),
            "multiplier": _text(i.multiplier),
        }
        for i, domain in rows
    ]


def anonymous_labels(org_ids: list[int]) -> dict[int, str]:
    """'Provider A', 'Provider B'… in a random order (so labels do not follow codes)."""
    order = list(org_ids)
    secrets.SystemRandom().shuffle(order)
    letters = string.ascii_uppercase

    def label(n: int) -> str:
        return letters[n] if n < 26 else label(n // 26 - 1) + letters[n % 26]

    return {org: f"Provider {label(n)}" for n, org in enumerate(order)}


def build_snapshot(framework: Framework, period: Period, run: Any) -> dict[str, Any]:
    """Every provider's results in the run, with earlier values, support level, commitments."""
    indicators = _indicators(framework)
    earlier = earlier_period(framework, period)
    before = _achievements(latest_run_of(framework, earlier) if earlier else None)
    totals = {
        p.organisation_id: p
        for p in db.session.scalars(select(ProviderScore).where(ProviderScore.run_id == run.id))
    }
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation).where(
                Organisation.id.in_(list(totals)) if totals else Organisation.id.is_(None)
            )
        )
    }
    levels = support_levels(framework, period)
    by_id = {i["id"]: i["code"] for i in indicators}
    results: dict[int, dict[str, Any]] = {org: {} for org in totals}
    rows = db.session.execute(
        select(Score).where(Score.run_id == run.id, Score.organisation_id.in_(list(totals)))
    ).scalars()
    measures = {i["id"]: (i["measure"], i["multiplier"]) for i in indicators}
    for s in rows:
        measure, multiplier = measures[s.indicator_id]
        interval = result_interval(
            measure, s.numerator, s.denominator, _decimal(multiplier), s.expected
        )
        results[s.organisation_id][by_id[s.indicator_id]] = {
            "achievement": s.achievement,
            "numerator": s.numerator,
            "denominator": s.denominator,
            "expected": s.expected,
            "ci_low": None if interval is None else interval.low,
            "ci_high": None if interval is None else interval.high,
            "points": s.points,
            "max_points": s.max_points,
            "breach": s.breach,
            "flag": s.funnel_flag,
            "status": s.status,
            "earlier": before.get((s.organisation_id, s.indicator_id)),
        }
    progress = progress_of(c for c in commitments_of(list(totals)) if c.indicator_id in by_id)
    promised: dict[int, list[dict[str, Any]]] = {}
    for p in progress:
        c = p.commitment
        promised.setdefault(c.organisation_id, []).append(
            {
                "indicator": c.indicator.code,
                "title": c.indicator.title,
                "baseline": format(c.baseline, "f"),
                "baseline_period": c.baseline_period.label,
                "target": format(c.target, "f"),
                "due": c.due_period.label,
                "status": p.status,
                "latest": p.readings[-1].value if p.readings else None,
                "why": c.why,
            }
        )
    labels = anonymous_labels(sorted(totals))
    providers = []
    for org_id in sorted(totals, key=lambda o: orgs[o].name):
        total, org = totals[org_id], orgs[org_id]
        level = levels.get(org_id)
        providers.append(
            {
                "org_id": org_id,
                "code": org.code,
                "name": org.name,
                "kind": org.kind,
                "label": labels[org_id],
                "points": total.points,
                "max_points": total.max_points,
                "breaches": total.breaches,
                "alerts": total.alerts,
                "alarms": total.alarms,
                "level": level,
                "support": support_label(level) if level is not None else None,
                "results": results[org_id],
                "commitments": promised.get(org_id, []),
            }
        )
    return {
        "framework": {
            "id": framework.id,
            "code": framework.code,
            "version": framework.version,
            "title": framework.title,
            "year": framework.year,
        },
        "period": {"id": period.id, "label": period.label, "kind": period.kind},
        "earlier_period": earlier.label if earlier else None,
        "sub_periods": _sub_periods(framework, period),
        "run": {"id": run.id, "version": run.version, "status": run.status},
        "indicators": indicators,
        "medians": _medians(indicators, providers),
        "benchmarks": _benchmarks(indicators, run),
        "providers": providers,
    }


def _sub_periods(framework: Framework, period: Period) -> list[str]:
    """For a year: the labels of the quarters (else months) its scores summed, in order."""
    if period.kind != "year":
        return []
    found = db.session.execute(
        select(Period.label, Period.kind)
        .where(
            Period.id.in_(
                select(Measurement.period_id).where(Measurement.framework_id == framework.id)
            ),
            Period.start_date >= period.start_date,
            Period.end_date <= period.end_date,
            Period.kind.in_(("quarter", "month")),
        )
        .order_by(Period.start_date)
    ).all()
    kind = "quarter" if any(k == "quarter" for _l, k in found) else "month"
    return [label for label, k in found if k == kind]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _benchmarks(indicators: list[dict[str, Any]], run: Any) -> dict[str, float | None]:
    """Each indicator's benchmark: the run's funnel target for providers, in result units."""
    stats = run.stats or {}
    return {
        i["code"]: benchmark_value(
            i["measure"],
            stats.get(str(i["id"]), {}).get("provider"),
            _decimal(i["multiplier"]),
        )
        for i in indicators
    }


def _medians(indicators: list[dict[str, Any]], providers: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for i in indicators:
        values = [p["results"].get(i["code"], {}).get("achievement") for p in providers]
        known = [v for v in values if v is not None]
        out[i["code"]] = median(known) if known else None
    return out


def anonymise(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The same snapshot with nothing that names a provider (for anonymised public results)."""
    providers = [
        {k: v for k, v in p.items() if k not in IDENTITY_KEYS} for p in snapshot["providers"]
    ]
    providers.sort(key=lambda p: p["label"])
    return {**snapshot, "providers": providers}
