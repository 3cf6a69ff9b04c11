"""Gather one ICB's providers: shared indicators, support levels, money and correlated falls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.economy import (
    QuarterTest,
    SystemLevel,
    correlated_quarters,
    deterioration_tests,
    system_level,
)
from qframe.engine.limits import Z95, wilson_limits
from qframe.engine.measure_types import measure_type
from qframe.escalation.models import EscalationDecision
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun


@dataclass(frozen=True)
class Cell:
    achievement: float | None
    numerator: int | None
    denominator: int | None
    low: float | None
    high: float | None


@dataclass
class SharedRow:
    framework: str
    period: str
    indicator: str
    title: str
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderStanding:
    provider: Organisation
    level: int | None
    framework: str | None
    period: str | None
    financial_signal: str | None


@dataclass(frozen=True)
class FrameworkTable:
    framework: str
    period: str
    providers: list[Organisation]
    rows: list[SharedRow]


@dataclass
class Economy:
    icb: Organisation
    providers: list[Organisation]
    shared: list[SharedRow]
    standings: list[ProviderStanding]
    quarters: list[str]
    tests: list[QuarterTest]
    correlated: list[str]
    system: SystemLevel

    @property
    def tables(self) -> list[FrameworkTable]:
        """The shared rows per framework, with only the providers scored in it as columns."""
        out = []
        for code in dict.fromkeys(r.framework for r in self.shared):
            rows = [r for r in self.shared if r.framework == code]
            ids = {o for r in rows for o in r.cells}
            cols = [o for o in self.providers if o.id in ids]
            out.append(FrameworkTable(code, rows[0].period, cols, rows))
        return out

    @property
    def assessed(self) -> list[ProviderStanding]:
        return [s for s in self.standings if s.level is not None]

    @property
    def unassessed(self) -> list[Organisation]:
        return [s.provider for s in self.standings if s.level is None]


def icbs_in_scope(user: Any) -> list[Organisation]:
    query = select(Organisation).where(
        Organisation.kind == "commissioner", in_scope_clause(Organisation.id, user)
    )
    return list(db.session.scalars(query.order_by(Organisation.name)))


def _final_runs() -> list[tuple[Framework, Period, ScoreRun]]:
    """The newest final run of each framework and period, oldest period first."""
    rows = db.session.execute(
        select(Framework, Period, ScoreRun)
        .join(ScoreRun, ScoreRun.framework_id == Framework.id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(ScoreRun.status == "final")
        .order_by(Period.start_date, ScoreRun.version.desc())
    ).all()
    newest: dict[tuple[int, int], tuple[Framework, Period, ScoreRun]] = {}
    for fw, period, run in rows:
        newest.setdefault((fw.id, period.id), (fw, period, run))
    return list(newest.values())


def _cell(score: Score, indicator: Indicator) -> Cell:
    """Achievement as scored (a percentage for proportions), with a 95% Wilson interval in the
    same units when the indicator is a proportion with a numerator and denominator."""
    low = high = None
    n, d = score.numerator, score.denominator
    share = measure_type(indicator.measure).within_denominator  # a share of its denominator
    if share and n is not None and d and 0 <= n <= d:
        low, high = (100 * x for x in wilson_limits(n / d, d, Z95))
    return Cell(score.achievement, n, d, low, high)


def _scores(run_ids: list[int], provider_ids: list[int]) -> list[tuple[int, Score, Indicator]]:
    if not run_ids or not provider_ids:
        return []
    rows = db.session.execute(
        select(Score.run_id, Score, Indicator)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(Score.run_id.in_(run_ids), Score.organisation_id.in_(provider_ids))
    ).all()
    return [(r, s, i) for r, s, i in rows]


def _shared(runs: list[tuple[Framework, Period, ScoreRun]], ids: list[int]) -> list[SharedRow]:
    latest: dict[int, tuple[Framework, Period, ScoreRun]] = {}
    for fw, period, run in runs:
        latest[fw.id] = (fw, period, run)  # runs are oldest first: the last one wins
    by_run = {run.id: (fw, period) for fw, period, run in latest.values()}
    rows: dict[tuple[int, int], SharedRow] = {}
    for run_id, score, ind in _scores(list(by_run), ids):
        fw, period = by_run[run_id]
        row = rows.setdefault(
            (run_id, ind.id), SharedRow(fw.code, period.label, ind.code, ind.title)
        )
        row.cells[score.organisation_id] = _cell(score, ind)
    shared = [r for r in rows.values() if len(r.cells) >= 2]
    return sorted(shared, key=lambda r: (r.framework, r.indicator))


def _standings(providers: list[Organisation]) -> list[ProviderStanding]:
    out = []
    for org in providers:
        decision = db.session.scalars(
            select(EscalationDecision)
            .join(Period, Period.id == EscalationDecision.period_id)
            .where(EscalationDecision.organisation_id == org.id)
            .order_by(Period.start_date.desc(), EscalationDecision.level.desc())
            .limit(1)
        ).first()
        if decision is None:
            out.append(ProviderStanding(org, None, None, None, None))
            continue
        fw = db.session.get(Framework, decision.framework_id)
        out.append(
            ProviderStanding(
                org,
                decision.level,
                fw.code if fw else None,
                decision.period.label,
                decision.financial_signal,
            )
        )
    return out


def _series(
    runs: list[tuple[Framework, Period, ScoreRun]], providers: list[Organisation]
) -> tuple[dict[tuple[str, str], dict[str, float]], list[str]]:
    quarterly = [(fw, p, r) for fw, p, r in runs if p.kind == "quarter"]
    quarters = list(dict.fromkeys(p.label for _, p, _ in quarterly))
    by_run = {r.id: (fw, p) for fw, p, r in quarterly}
    codes = {o.id: o.code for o in providers}
    series: dict[tuple[str, str], dict[str, float]] = {}
    for run_id, score, ind in _scores(list(by_run), list(codes)):
        if score.achievement is None:
            continue
        fw, period = by_run[run_id]
        key = (codes[score.organisation_id], f"{fw.code}:{ind.code}")
        # Oriented so that a fall is always a deterioration.
        value = -score.achievement if ind.polarity == "lower_is_better" else score.achievement
        series.setdefault(key, {})[period.label] = value
    return series, quarters


def economy(icb: Organisation) -> Economy:
    providers = sorted(
        (o for o in icb.children if o.kind in PROVIDER_KINDS and o.closed_on is None),
        key=lambda o: (PROVIDER_KINDS.index(o.kind), o.name),
    )
    runs = _final_runs()
    standings = _standings(providers)
    series, quarters = _series(runs, providers)
    tests = deterioration_tests(series, quarters)
    levels = {s.provider.code: s.level for s in standings if s.level is not None}
    return Economy(
        icb,
        providers,
        _shared(runs, [o.id for o in providers]),
        standings,
        quarters,
        tests,
        correlated_quarters(tests, quarters),
        system_level(levels, tests, quarters),
    )
