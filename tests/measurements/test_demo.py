"""The demo step: a year of data with a struggling ward and trust, the latest month left open."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from qframe.demo import DemoContext
from qframe.frameworks.models import Indicator
from qframe.measurements import demo
from qframe.measurements.locks import entry_lock
from qframe.measurements.models import CollectionWindow, Measurement
from qframe.measurements.windows import window_dates
from qframe.orgs.models import Organisation
from qframe.periods.models import Period


def _context() -> DemoContext:
    return DemoContext(scale="small", rng=random.Random(7), echo=lambda _line: None)


def test_without_published_frameworks_the_step_says_it_skipped(db):
    ctx = _context()
    demo.load(ctx)
    assert ctx.report == ["Measurements: skipped (the frameworks step published no frameworks)"]


def test_the_demo_region_gets_a_year_with_strugglers_and_an_open_latest_month(db):
    from qframe.frameworks import demo as frameworks_demo
    from qframe.orgs import demo as orgs_demo

    ctx = _context()
    orgs_demo.load(ctx)
    frameworks_demo.load(ctx)
    demo.load(ctx)
    aqf = ctx.shared["frameworks"]["AQF"]
    ward_code = (
        next(line for line in ctx.report if "AQF:" in line and "falls" in line)
        .split("(")[-1]
        .split(")")[0]
    )
    falls = db.session.execute(
        select(Measurement.numerator, Measurement.denominator)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Period, Period.id == Measurement.period_id)
        .where(
            Organisation.code == ward_code,
            Indicator.code == "AQF-S03",
            Measurement.framework_id == aqf.id,
        )
        .order_by(Period.start_date)
    ).all()
    rates = [1000 * n / d for n, d in falls]
    assert sum(rates[-3:]) / 3 > sum(rates[:3]) / 3 + 1.5  # clearly rising
    vte = db.session.scalars(
        select(Measurement)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .where(Indicator.code == "AQF-S01", Measurement.framework_id == aqf.id)
    ).all()
    below = {m.organisation_id for m in vte if 100 * m.numerator / m.denominator < 95}
    assert len(below) == 1
    windows = db.session.scalars(
        select(CollectionWindow).where(CollectionWindow.framework_id == aqf.id)
    ).all()
    open_now = [
        w
        for w in windows
        if entry_lock(today=date.today(), framework_status="published", window=window_dates(w))
        is None
    ]
    assert [w.period.kind for w in open_now] == ["month"]
    assert all(w.closed_at is not None for w in windows if w not in open_now)
    latest = open_now[0].period_id
    wards = db.session.scalars(select(Organisation).where(Organisation.kind == "ward")).all()
    in_latest = db.session.scalars(
        select(Measurement.organisation_id).where(
            Measurement.period_id == latest, Measurement.indicator.has(code="AQF-S03")
        )
    ).all()
    acute_wards = [w for w in wards if w.code.startswith("RQF")]
    assert 0 < len(in_latest) < len(acute_wards)  # not everyone has submitted yet
