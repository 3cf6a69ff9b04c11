"""Small units borrow strength (domain.md §7): shrunk estimates for wards and practices.

A ward's proportion and rate indicators in their latest period, against every ward in qframe
measured on an indicator of the same code in that period; a practice's proportion and rate
lines in a score run, against every practice in the run. Shares use the beta-binomial model,
rates (events per exposure) the Poisson-gamma one (small_unit_kinds.py). The bar is the
indicator's minimum standard, or, where it has none, its lower threshold (the end of the scale
beyond which no points are earned), and the page names which.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from qframe.engine.empirical_bayes import FLAG_PROBABILITY, MIN_PEERS
from qframe.engine.errors import EngineError
from qframe.engine.intervals import Interval
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.rawsql import cached_rows
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.present import result_interval
from qframe.variation.small_unit_kinds import (
    ESTIMATED_MEASURES,
    METHOD_WORDS,
    Estimate,
    Prior,
    counts_of,
    exposure_words,
    fit,
    multiplier_of,
    posterior,
    shown,
)

KIND_RANK = {"month": 0, "quarter": 1, "year": 2}
FLAG_WORDS = f"flagged when that probability is {FLAG_PROBABILITY:.0%} or more (qframe rule)"


@dataclass
class SmallUnitView:
    """One unit's indicator: raw counts, the peers' prior, the shrunk estimate and the bar."""

    indicator: Indicator
    period_label: str
    peers: int
    prior: Prior | None
    shrunk: Estimate | None
    bar: float | None  # on the shown scale: percent, or per the rate's multiplier
    bar_name: str | None
    scale: float = 100.0

    @property
    def is_rate(self) -> bool:
        return self.indicator.measure == "rate"

    @property
    def side(self) -> str:
        """The wrong side of the bar: below it when higher is better, else above it."""
        return "below" if self.indicator.polarity == "higher_is_better" else "above"

    @property
    def flag_words(self) -> str:
        if self.shrunk is None or self.shrunk.p_worse is None:
            return "No standard or threshold to judge against"
        if self.shrunk.flag == "probably_worse":
            return f"Probably {self.side} the {self.bar_name}"
        return f"Not flagged: the chance is under {FLAG_PROBABILITY:.0%}"

    @property
    def method_words(self) -> str:
        return METHOD_WORDS["rate" if self.is_rate else "proportion"]

    def show(self, value: float) -> str:
        """A figure on this indicator's scale: 60.0%, or 4.38 (per 1,000 bed days)."""
        return shown(self.indicator.measure, value, self.scale)

    def interval_text(self, low: float, high: float) -> str:
        """A credible interval: 86.4–96.7 (percent), or 4.27–7.22 (per the rate's multiplier)."""
        return f"{self.show(low).rstrip('%')}–{self.show(high).rstrip('%')}"

    @property
    def exposure_words(self) -> str:
        """What a rate's denominator counts, from its unit: "occupied bed days"."""
        return exposure_words(self.indicator.unit)

    @property
    def raw_interval(self) -> Interval | None:
        """The unit's own 95% interval (Wilson, or Byar's for a rate), before borrowing."""
        if self.shrunk is None:
            return None
        multiplier = self.scale if self.is_rate else None
        x, n = self.shrunk.numerator, int(self.shrunk.denominator)
        return result_interval(self.indicator.measure, x, n, multiplier)


def bar_of(indicator: Indicator) -> tuple[float | None, str | None]:
    """The minimum standard, else the lower threshold; on the shown scale, with its name."""
    if indicator.minimum_standard is not None:
        return float(indicator.minimum_standard), "minimum standard"
    if indicator.method == "threshold" and indicator.lower is not None:
        side = "below" if indicator.polarity == "higher_is_better" else "above"
        return float(indicator.lower), f"lower threshold (no points {side} it)"
    return None, None


def estimate(
    indicator: Indicator, label: str, x: int, n: int, peers: list[tuple[int, int]]
) -> SmallUnitView:
    """The view for one unit's counts against its peers' counts (the unit among them)."""
    try:
        prior = fit(indicator.measure, peers)
    except EngineError:
        prior = None
    return _view(indicator, label, x, n, prior, len(peers))


def _view(
    indicator: Indicator, label: str, x: int, n: int, prior: Prior | None, peers: int
) -> SmallUnitView:
    bar, name = bar_of(indicator)
    scale = multiplier_of(indicator.measure, indicator.multiplier) or 1.0
    shrunk = None
    if prior is not None:
        try:
            shrunk = posterior(prior, x, n, bar, scale, indicator.polarity)  # type: ignore[arg-type]
        except EngineError:
            prior = None
    return SmallUnitView(indicator, label, peers, prior, shrunk, bar, name, scale)


def _estimable(indicator: Indicator) -> bool:
    return indicator.measure in ESTIMATED_MEASURES and bool(
        multiplier_of(indicator.measure, indicator.multiplier)
    )


def ward_estimates(ward: Organisation) -> list[SmallUnitView]:
    """Each proportion and rate indicator of the ward in its latest (finest) period with data."""
    rows = db.session.execute(
        select(Indicator, Period, Measurement.numerator, Measurement.denominator)
        .join(Measurement, Measurement.indicator_id == Indicator.id)
        .join(Period, Period.id == Measurement.period_id)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(
            Measurement.organisation_id == ward.id,
            Measurement.missing.is_(False),
            Measurement.denominator > 0,
            Indicator.measure.in_(ESTIMATED_MEASURES),
            Framework.status.in_(("published", "closed")),
        )
    ).all()
    latest: dict[int, tuple[Indicator, Period, int, int]] = {}
    for indicator, period, x, n in rows:
        counts = counts_of(indicator.measure, x, n)
        if not _estimable(indicator) or counts is None:
            continue
        x, n = counts
        key = (KIND_RANK.get(period.kind, 3), -period.start_date.toordinal())
        held = latest.get(indicator.id)
        if held is None or key < (KIND_RANK.get(held[1].kind, 3), -held[1].start_date.toordinal()):
            latest[indicator.id] = (indicator, period, x, n)
    views = []
    for indicator, period, x, n in sorted(latest.values(), key=lambda r: r[0].position):
        views.append(estimate(indicator, period.label, x, n, _peer_wards(indicator, period)))
    return views


def _peer_wards(indicator: Indicator, period: Period) -> list[tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    for org_id, x, n in db.session.execute(
        select(Measurement.organisation_id, Measurement.numerator, Measurement.denominator)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .where(
            Indicator.code == indicator.code,
            Indicator.measure == indicator.measure,
            Measurement.period_id == period.id,
            Measurement.missing.is_(False),
            Measurement.denominator > 0,
            Organisation.kind == "ward",
        )
        .order_by(Measurement.id)
    ):
        counts = counts_of(indicator.measure, x, n)
        if counts is not None:
            found[org_id] = counts
    return list(found.values())


def practice_estimates(run: ScoreRun, org: Organisation) -> dict[int, SmallUnitView]:
    """Indicator id → the practice's estimate against every practice in the run."""
    if org.kind != "primary_care":
        return {}
    indicators = {i.id: i for i in run.framework.indicators}
    views: dict[int, SmallUnitView] = {}
    kept = _practice_shrunk(run, org.id, indicators)
    for indicator_id, (prior, peers, shrunk, scale) in kept.items():
        indicator = indicators[indicator_id]
        bar, name = bar_of(indicator)
        views[indicator_id] = SmallUnitView(
            indicator, run.period.label, peers, prior, shrunk, bar, name, scale
        )
    return views


# A practice's counts in a run, as the driver's (indicator id, numerator, denominator) tuples:
# one statement for every scorecard, compiled once.
_COUNTS = select(Score.indicator_id, Score.numerator, Score.denominator).where(
    Score.run_id == bindparam("run"),
    Score.organisation_id == bindparam("org"),
    Score.denominator > 0,
)


def _practice_shrunk(
    run: ScoreRun, org_id: int, indicators: dict[int, Indicator]
) -> dict[int, Kept]:
    # Kept per run and the practice's counts, as the run's priors are kept (see below): 75
    # posteriors' quantiles are most of a national scorecard's time. The counts (and the bars)
    # are read on every view and are part of the key: a changed count is a new key.
    # (sorted here: ORDER BY indicator_id leads SQLite to walk the run's (run, indicator)
    # index, 525,000 rows, instead of the practice's 75)
    counts = tuple(sorted(cached_rows(_COUNTS, {"run": run.id, "org": org_id})))
    # and what else shapes an estimate: the bar, polarity, measure type and a rate's multiplier
    bars = tuple(
        (i.id, bar_of(i), i.polarity, i.measure, i.multiplier) for i in indicators.values()
    )
    key = (run.id, run.created_at, org_id, counts, bars)
    with _SHRUNK_LOCK:
        found = _SHRUNK.get(key)
        if found is not None:
            _SHRUNK.move_to_end(key)
            return found
    priors = _run_priors(run)
    found = {}
    for indicator_id, x, n in counts:
        if indicator_id not in priors or indicator_id not in indicators:
            continue
        events = counts_of(indicators[indicator_id].measure, x, n)
        if events is None:
            continue
        prior, peers = priors[indicator_id]
        view = _view(indicators[indicator_id], run.period.label, *events, prior, peers)
        found[indicator_id] = (view.prior, peers, view.shrunk, view.scale)
    with _SHRUNK_LOCK:
        _SHRUNK[key] = found
        while len(_SHRUNK) > _SHRUNK_KEPT:
            _SHRUNK.popitem(last=False)
    return found


# A run's scores are written once, when it is made (a new score is a new run), so the peers'
# priors are fitted once per run and kept: a national run has 7,000 practices per indicator.
# The key carries the creation time too, because a rolled-back run's id can be used again.
_PRIORS: OrderedDict[tuple[Any, ...], dict[int, tuple[Prior | None, int]]] = OrderedDict()
_PRIORS_KEPT = 8
# A practice's estimate of one indicator: the prior, how many peers, the estimate, the scale.
Kept = tuple[Prior | None, int, Estimate | None, float]
_SHRUNK: OrderedDict[tuple[Any, ...], dict[int, Kept]] = OrderedDict()
_SHRUNK_KEPT = 512  # practices' estimates (about 20 KB each)
_SHRUNK_LOCK = threading.Lock()


def _run_priors(run: ScoreRun) -> dict[int, tuple[Prior | None, int]]:
    key = (run.id, run.created_at)
    found = _PRIORS.get(key)
    if found is not None:
        return found
    peers: dict[int, list[tuple[int, int]]] = {}
    measures = {i.id: i.measure for i in run.framework.indicators if _estimable(i)}
    for indicator_id, x, n in db.session.execute(
        select(Score.indicator_id, Score.numerator, Score.denominator)
        .join(Organisation, Organisation.id == Score.organisation_id)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(
            Score.run_id == run.id,
            Organisation.kind == "primary_care",
            Indicator.measure.in_(ESTIMATED_MEASURES),
            Score.denominator > 0,
        )
    ):
        pair = counts_of(measures.get(indicator_id, ""), x, n)
        if indicator_id in measures and pair is not None:
            peers.setdefault(indicator_id, []).append(pair)
    found = {}
    for indicator_id, counts in peers.items():
        try:
            found[indicator_id] = (fit(measures[indicator_id], counts), len(counts))
        except EngineError:
            found[indicator_id] = (None, len(counts))
    _PRIORS[key] = found
    while len(_PRIORS) > _PRIORS_KEPT:
        _PRIORS.popitem(last=False)
    return found


__all__ = ["FLAG_WORDS", "MIN_PEERS", "SmallUnitView", "practice_estimates", "ward_estimates"]
