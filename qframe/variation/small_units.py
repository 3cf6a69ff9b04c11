"""Small units borrow strength (domain.md §7): the beta-binomial estimate for wards and practices.

A ward's proportion indicators in their latest period, against every ward in qframe measured
on an indicator of the same code in that period; a practice's proportion lines in a score run,
against every practice in the run. The bar is the indicator's minimum standard, or, where it
has none, its lower threshold (below it no points are earned), and the page names which.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qframe.engine.empirical_bayes import (
    FLAG_PROBABILITY,
    MIN_PEERS,
    BetaPrior,
    Shrunk,
    fit_prior,
    shrink,
)
from qframe.engine.errors import EngineError
from qframe.engine.intervals import Interval
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.present import result_interval

KIND_RANK = {"month": 0, "quarter": 1, "year": 2}
FLAG_WORDS = f"flagged when that probability is {FLAG_PROBABILITY:.0%} or more (qframe rule)"


@dataclass
class SmallUnitView:
    """One unit's indicator: raw counts, the peers' prior, the shrunk estimate and the bar."""

    indicator: Indicator
    period_label: str
    peers: int
    prior: BetaPrior | None
    shrunk: Shrunk | None
    bar: float | None  # percent
    bar_name: str | None

    @property
    def flag_words(self) -> str:
        if self.shrunk is None or self.shrunk.p_worse is None:
            return "No standard or threshold to judge against"
        side = "below" if self.indicator.polarity == "higher_is_better" else "above"
        if self.shrunk.flag == "probably_worse":
            return f"Probably {side} the {self.bar_name}"
        return f"Not flagged: the chance is under {FLAG_PROBABILITY:.0%}"

    @property
    def raw_interval(self) -> Interval | None:
        """The unit's own Wilson 95% interval, before borrowing strength."""
        if self.shrunk is None:
            return None
        return result_interval("proportion", self.shrunk.numerator, self.shrunk.denominator, None)


def bar_of(indicator: Indicator) -> tuple[float | None, str | None]:
    """The minimum standard, else the lower threshold; in percent, with its name."""
    if indicator.minimum_standard is not None:
        return float(indicator.minimum_standard), "minimum standard"
    if indicator.method == "threshold" and indicator.lower is not None:
        return float(indicator.lower), "lower threshold (no points below it)"
    return None, None


def estimate(
    indicator: Indicator, label: str, x: int, n: int, peers: list[tuple[int, int]]
) -> SmallUnitView:
    """The view for one unit's counts against its peers' counts (the unit among them)."""
    try:
        prior = fit_prior(peers)
    except EngineError:
        prior = None
    return _view(indicator, label, x, n, prior, len(peers))


def _view(
    indicator: Indicator, label: str, x: int, n: int, prior: BetaPrior | None, peers: int
) -> SmallUnitView:
    bar, name = bar_of(indicator)
    shrunk = None
    if prior is not None:
        share = None if bar is None else bar / 100
        try:
            shrunk = shrink(prior, x, n, share, indicator.polarity)  # type: ignore[arg-type]
        except EngineError:
            prior = None
    return SmallUnitView(indicator, label, peers, prior, shrunk, bar, name)


def ward_estimates(ward: Organisation) -> list[SmallUnitView]:
    """Each proportion indicator of the ward in its latest (finest) period with data."""
    rows = db.session.execute(
        select(Indicator, Period, Measurement.numerator, Measurement.denominator)
        .join(Measurement, Measurement.indicator_id == Indicator.id)
        .join(Period, Period.id == Measurement.period_id)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(
            Measurement.organisation_id == ward.id,
            Measurement.missing.is_(False),
            Measurement.denominator > 0,
            Indicator.measure == "proportion",
            Framework.status.in_(("published", "closed")),
        )
    ).all()
    latest: dict[int, tuple[Indicator, Period, int, int]] = {}
    for indicator, period, x, n in rows:
        if x is None or n is None:
            continue
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
            Indicator.measure == "proportion",
            Measurement.period_id == period.id,
            Measurement.missing.is_(False),
            Measurement.denominator > 0,
            Organisation.kind == "ward",
        )
        .order_by(Measurement.id)
    ):
        if x is not None and n is not None and 0 <= x <= n:
            found[org_id] = (x, n)
    return list(found.values())


def practice_estimates(run: ScoreRun, org: Organisation) -> dict[int, SmallUnitView]:
    """Indicator id → the practice's estimate against every practice in the run."""
    if org.kind != "primary_care":
        return {}
    indicators = {i.id: i for i in run.framework.indicators}
    views: dict[int, SmallUnitView] = {}
    for indicator_id, (prior, peers, shrunk) in _practice_shrunk(run, org.id, indicators).items():
        indicator = indicators[indicator_id]
        bar, name = bar_of(indicator)
        views[indicator_id] = SmallUnitView(
            indicator, run.period.label, peers, prior, shrunk, bar, name
        )
    return views


def _practice_shrunk(
    run: ScoreRun, org_id: int, indicators: dict[int, Indicator]
) -> dict[int, tuple[BetaPrior | None, int, Shrunk | None]]:
    # Kept per run and the practice's counts, as the run's priors are kept (see below): 75
    # posteriors' quantiles are most of a national scorecard's time. The counts (and the bars)
    # are read on every view and are part of the key: a changed count is a new key.
    # (sorted here: ORDER BY indicator_id leads SQLite to walk the run's (run, indicator)
    # index, 525,000 rows, instead of the practice's 75)
    counts = tuple(
        sorted(
            (indicator_id, x, n)
            for indicator_id, x, n in db.session.execute(
                select(Score.indicator_id, Score.numerator, Score.denominator).where(
                    Score.run_id == run.id, Score.organisation_id == org_id, Score.denominator > 0
                )
            )
        )
    )
    bars = tuple((i.id, bar_of(i), i.polarity) for i in indicators.values())
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
        if x is None or n is None or not 0 <= x <= n:
            continue
        prior, peers = priors[indicator_id]
        view = _view(indicators[indicator_id], run.period.label, x, n, prior, peers)
        found[indicator_id] = (view.prior, peers, view.shrunk)
    with _SHRUNK_LOCK:
        _SHRUNK[key] = found
        while len(_SHRUNK) > _SHRUNK_KEPT:
            _SHRUNK.popitem(last=False)
    return found


# A run's scores are written once, when it is made (a new score is a new run), so the peers'
# priors are fitted once per run and kept: a national run has 7,000 practices per indicator.
# The key carries the creation time too, because a rolled-back run's id can be used again.
_PRIORS: OrderedDict[tuple[Any, ...], dict[int, tuple[BetaPrior | None, int]]] = OrderedDict()
_PRIORS_KEPT = 8
_SHRUNK: OrderedDict[tuple[Any, ...], dict[int, tuple[BetaPrior | None, int, Shrunk | None]]] = (
    OrderedDict()
)
_SHRUNK_KEPT = 512  # practices' estimates (about 20 KB each)
_SHRUNK_LOCK = threading.Lock()


def _run_priors(run: ScoreRun) -> dict[int, tuple[BetaPrior | None, int]]:
    key = (run.id, run.created_at)
    found = _PRIORS.get(key)
    if found is not None:
        return found
    peers: dict[int, list[tuple[int, int]]] = {}
    for indicator_id, x, n in db.session.execute(
        select(Score.indicator_id, Score.numerator, Score.denominator)
        .join(Organisation, Organisation.id == Score.organisation_id)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(
            Score.run_id == run.id,
            Organisation.kind == "primary_care",
            Indicator.measure == "proportion",
            Score.denominator > 0,
        )
    ):
        if x is not None and n is not None and 0 <= x <= n:
            peers.setdefault(indicator_id, []).append((x, n))
    found = {}
    for indicator_id, counts in peers.items():
        try:
            found[indicator_id] = (fit_prior(counts), len(counts))
        except EngineError:
            found[indicator_id] = (None, len(counts))
    _PRIORS[key] = found
    while len(_PRIORS) > _PRIORS_KEPT:
        _PRIORS.popitem(last=False)
    return found


__all__ = ["FLAG_WORDS", "MIN_PEERS", "SmallUnitView", "practice_estimates", "ward_estimates"]
