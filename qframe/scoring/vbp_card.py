"""What a scorecard shows of a VBP run: each measure's performance beside its baseline, the
thresholds, achievement and improvement points, the domain scores and the TPS."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.scoring.models import ProviderScore, Score, ScoreRun, VbpThreshold
from qframe.scoring.vbp import _observations, baseline_label
from qframe.scoring.vbp_figures import performance

WHY = {
    "too_few_domains": "too few domains were scored",
    "undetermined": "a composite measure's strata weights were not submitted",
}


@dataclass(frozen=True)
class VbpLine:
    indicator: Indicator
    score: Score
    baseline: Decimal | None
    at: Decimal | None
    bm: Decimal | None
    computed: bool  # thresholds computed from the baseline period (frozen)


@dataclass(frozen=True)
class VbpDomain:
    code: str
    title: str
    weight: Decimal | None
    score: Decimal | None


@dataclass(frozen=True)
class VbpCard:
    baseline_period: str | None
    tps: Decimal | None
    why: str | None
    domains: list[VbpDomain]
    lines: list[VbpLine]


def vbp_card(run: ScoreRun, org: Organisation) -> VbpCard | None:
    """The VBP part of an organisation's scorecard, or None for a threshold framework."""
    framework = run.framework
    vbp = [i for i in sorted(framework.indicators, key=lambda i: i.position) if i.method == "vbp"]
    if not vbp:
        return None
    frozen = {
        t.indicator_id: t
        for t in db.session.scalars(
            select(VbpThreshold).where(VbpThreshold.framework_id == framework.id)
        )
    }
    scores = {
        s.indicator_id: s
        for s in db.session.scalars(
            select(Score).where(Score.run_id == run.id, Score.organisation_id == org.id)
        )
    }
    label = baseline_label(framework)
    base = {} if label is None else _observations(framework, [i.id for i in vbp], label)
    lines = []
    for i in vbp:
        if i.id not in scores:
            continue
        obs = base.get((org.id, i.id))
        figure = None if obs is None else performance(i.measure, obs, i.multiplier)
        at, bm, computed = i.achievement_threshold, i.benchmark, False
        if (at is None or bm is None) and i.id in frozen:
            at, bm, computed = frozen[i.id].achievement_threshold, frozen[i.id].benchmark, True
        shown = None if figure is None else Decimal(figure.numerator) / Decimal(figure.denominator)
        lines.append(VbpLine(i, scores[i.id], shown, at, bm, computed))
    totals = db.session.scalar(
        select(ProviderScore).where(
            ProviderScore.run_id == run.id, ProviderScore.organisation_id == org.id
        )
    )
    stored = (totals.domain_scores or {}) if totals is not None else {}
    used = {i.domain_id for i in vbp}
    domains = [
        VbpDomain(
            d.code,
            d.title,
            d.weight,
            None if stored.get(d.code) is None else Decimal(stored[d.code]),
        )
        for d in sorted(framework.domains, key=lambda d: d.position)
        if d.id in used
    ]
    why = None if totals is None else WHY.get(totals.vbp_status or "")
    tps = None if totals is None else totals.total_performance_score
    return VbpCard(label, tps, why, domains, lines)
