"""Nightly re-scoring (called by the scheduler feature, which commits once per job run)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement
from qframe.periods.models import Period
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import score_period


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything qframe writes is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rescore_open_periods(now: datetime) -> str:
    """Score again each started period of a published framework whose data changed since its
    latest run, and each period with data that has no run yet; returns a line for the log.

    A period counts as changed when a measurement inside it changed (a year changes with its
    months). A period with a final run is left alone: final results change only when a
    commissioner re-scores on purpose. Closed frameworks are final by definition.
    """
    published = {
        f.id: f
        for f in db.session.scalars(select(Framework).where(Framework.status == "published"))
    }
    changes = db.session.execute(
        select(Measurement.framework_id, Measurement.period_id, func.max(Measurement.submitted_at))
        .where(Measurement.framework_id.in_(published))
        .group_by(Measurement.framework_id, Measurement.period_id)
    ).all()
    runs: dict[tuple[int, int], ScoreRun] = {}
    finals: set[tuple[int, int]] = set()
    for run in db.session.scalars(
        select(ScoreRun).where(ScoreRun.framework_id.in_(published)).order_by(ScoreRun.version)
    ):
        runs[(run.framework_id, run.period_id)] = run
        if run.is_final:
            finals.add((run.framework_id, run.period_id))
    periods = {p.id: p for p in db.session.scalars(select(Period))}
    candidates = {(f, p) for f, p, _ in changes} | set(runs)
    done: list[ScoreRun] = []
    order = sorted(
        candidates, key=lambda k: (k[0], periods[k[1]].start_date, periods[k[1]].end_date)
    )
    for framework_id, period_id in order:
        period = periods[period_id]
        if period.start_date > now.date() or (framework_id, period_id) in finals:
            continue
        inside = [
            _utc(when)
            for f, p, when in changes
            if f == framework_id
            and periods[p].start_date >= period.start_date
            and periods[p].end_date <= period.end_date
        ]
        latest = runs.get((framework_id, period_id))
        if not inside or (latest is not None and _utc(latest.created_at) >= max(inside)):
            continue
        done.append(score_period(None, published[framework_id], period))
    if not done:
        return "nothing to re-score"
    return f"{len(done)} re-scored: " + ", ".join(
        f"{r.framework.code} {r.period.label} v{r.version}" for r in done
    )
