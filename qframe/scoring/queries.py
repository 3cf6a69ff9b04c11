"""Read models for the scoring pages: a constant number of queries per page (no N+1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select

from qframe.engine.intervals import Interval
from qframe.extensions import db
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.rawsql import cached_rows
from qframe.scoring.models import ProviderScore, Score, ScoreRun
from qframe.scoring.rollup import level_of
from qframe.variation.present import benchmark_value, comparison, result_interval

FLAG_WORDS = {
    "alarm": "Alarm: beyond the 99.8% limit",
    "alert": "Alert: beyond the 95% limit",
    "within": "Within the limits",
    "better_alert": "Better than expected: beyond the 95% limit",
    "better_alarm": "Better than expected: beyond the 99.8% limit",
    "small_numbers": "Small numbers: not tested",
    "no_data": "No data",
}
STATUS_WORDS = {
    "scored": "Scored",
    "no_eligible": "No eligible patients",
    "small_numbers": "Small numbers",
    "missing": "Missing",
}


def indicators_of(framework: Framework) -> tuple[list[FrameworkDomain], list[Indicator]]:
    """Domains and indicators in framework order (two queries, cached on the session)."""
    domains = list(
        db.session.scalars(
            select(FrameworkDomain)
            .where(FrameworkDomain.framework_id == framework.id)
            .order_by(FrameworkDomain.position)
        )
    )
    indicators = list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.framework_id == framework.id)
            .order_by(Indicator.position)
        )
    )
    return domains, indicators


def is_latest(run: ScoreRun) -> bool:
    top = db.session.scalar(
        select(func.max(ScoreRun.version)).where(
            ScoreRun.framework_id == run.framework_id, ScoreRun.period_id == run.period_id
        )
    )
    return top == run.version


class ScoreFigures(NamedTuple):
    """What a scorecard shows of one stored score, as the driver's plain values (no ORM
    object per row; a 0/1 or boolean breach and rolled_up are only tested for truth)."""

    indicator_id: int
    numerator: int | None
    denominator: int | None
    expected: float | None
    achievement: float | None
    points: float
    max_points: float
    status: str
    breach: bool
    funnel_flag: str | None
    rolled_up: bool


# One statement for every scorecard (only the values change): compiled once, kept by SQLAlchemy.
_FIGURES = select(
    Score.indicator_id, Score.numerator, Score.denominator, Score.expected, Score.achievement,
    Score.points, Score.max_points, Score.status, Score.breach, Score.funnel_flag,
    Score.rolled_up,
).where(Score.run_id == bindparam("run"), Score.organisation_id == bindparam("org"))  # fmt: skip


@dataclass
class Line:
    """One indicator on a scorecard."""

    indicator: Indicator
    score: ScoreFigures | None
    median: float | None
    flag_words: str
    status_words: str
    band: str  # full | part | none | missing
    interval: Interval | None = None
    benchmark: float | None = None
    comparison: str = "not_compared"


@dataclass
class DomainBlock:
    domain: FrameworkDomain
    lines: list[Line] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(line.score.points for line in self.lines if line.score is not None)

    @property
    def max_points(self) -> float:
        return sum(line.score.max_points for line in self.lines if line.score is not None)


def band(score: Score | ScoreFigures | None) -> str:
    """Which third of the band a result is in: words, used beside colour."""
    if score is None or score.status == "missing":
        return "missing"
    if score.achievement is None:
        return "none"
    if score.max_points and score.points >= score.max_points:
        return "full"
    return "part" if score.points > 0 else "none"


def scorecard(run: ScoreRun, org: Organisation) -> tuple[list[DomainBlock], ProviderScore | None]:
    """The organisation's rows in the run, by domain, with peer medians from the run."""
    # the framework's own collections (the same ORDER BY position as indicators_of): the VBP
    # card and the small-unit estimates read them too, so they are loaded once per page
    framework = run.framework
    domains, indicators = list(framework.domains), list(framework.indicators)
    scores = {
        row[0]: ScoreFigures(*row) for row in cached_rows(_FIGURES, {"run": run.id, "org": org.id})
    }
    level = level_of(org.kind) or "provider"
    blocks = {d.id: DomainBlock(d) for d in domains}
    for indicator in indicators:
        score = scores.get(indicator.id)
        if score is None:
            continue
        stat = (run.stats or {}).get(str(indicator.id), {}).get(level, {})
        flag = FLAG_WORDS.get(score.funnel_flag or "", "Not funnel-plotted")
        line = Line(
            indicator, score, stat.get("median"), flag, STATUS_WORDS[score.status], band(score)
        )
        line.interval = result_interval(
            indicator.measure, score.numerator, score.denominator, indicator.multiplier,
            score.expected,
        )  # fmt: skip
        line.benchmark = benchmark_value(indicator.measure, stat, indicator.multiplier)
        line.comparison = comparison(line.interval, line.benchmark, indicator.polarity)
        blocks[indicator.domain_id].lines.append(line)
    totals = db.session.scalar(
        select(ProviderScore).where(
            ProviderScore.run_id == run.id, ProviderScore.organisation_id == org.id
        )
    )
    return [b for b in blocks.values() if b.lines], totals


def trend(run: ScoreRun, org: Organisation) -> list[tuple[str, float]]:
    """Percent of the maximum points in each period of the framework code (latest runs)."""
    base = (
        select(
            Period.label,
            Period.start_date,
            ScoreRun.framework_id,
            ScoreRun.period_id,
            ScoreRun.version,
        )
        .join(ScoreRun, ScoreRun.period_id == Period.id)
        .join(Framework, Framework.id == ScoreRun.framework_id)
        .where(Framework.code == run.framework.code, Period.kind == run.period.kind)
    )
    if org.kind in PROVIDER_KINDS:
        stmt = (
            base.add_columns(ProviderScore.points, ProviderScore.max_points)
            .join(ProviderScore, ProviderScore.run_id == ScoreRun.id)
            .where(ProviderScore.organisation_id == org.id)
        )
    else:
        stmt = (
            base.add_columns(func.sum(Score.points), func.sum(Score.max_points))
            .join(Score, Score.run_id == ScoreRun.id)
            .where(Score.organisation_id == org.id)
            .group_by(
                Period.label, Period.start_date, ScoreRun.framework_id, ScoreRun.period_id,
                ScoreRun.version,
            )
        )  # fmt: skip
    # The latest run of the newest framework version for each period.
    latest: dict[int, tuple[tuple[int, int], Any, str, float]] = {}
    for label, start, framework_id, period_id, version, points, top in db.session.execute(stmt):
        rank = (framework_id, version)
        if period_id not in latest or rank > latest[period_id][0]:
            share = float(points) / float(top) * 100 if top else 0.0
            latest[period_id] = (rank, start, label, share)
    ordered = sorted(latest.values(), key=lambda item: item[1])
    return [(label, share) for _rank, _start, label, share in ordered]
