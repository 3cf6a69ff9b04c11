"""National scale: score 7,000 practices × 75 indicators (525,000 measurements) end to end.

Compared with a bare baseline over the same rows, measured in the same run: one plain SQL read,
the threshold formula in a plain loop, plain SQL executemany into the same scores table. CPU
seconds, peak RSS and the ratio are printed; nothing asserts a time.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_scoring_bench.py

Set QFRAME_TEST_DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from qframe.demo import load_demo
from qframe.frameworks.models import Framework
from qframe.gcpause import collector_paused
from qframe.periods.models import Period
from qframe.scoring.models import ProviderScore, Score, ScoreRun
from qframe.scoring.runs import score_period

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_measure import measure, report  # noqa: E402

pytestmark = pytest.mark.benchmark
COLUMNS = (
    "run_id, organisation_id, indicator_id, numerator, denominator, achievement, points, "
    "max_points, status, breach, funnel_flag, rolled_up"
)
CHUNK = 10_000


def baseline(db, framework: Framework, period: Period, run_id: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Read, compute and write the same rows with no framework at all."""
    mark = "?" if db.session.get_bind().dialect.name == "sqlite" else "%s"
    bands = {
        i.id: (float(i.lower), float(i.upper), float(i.max_points)) for i in framework.indicators
    }
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute(
        "SELECT organisation_id, indicator_id, numerator, denominator FROM measurements "
        f"WHERE framework_id = {mark} AND period_id = {mark}",  # noqa: S608 - placeholders only
        (framework.id, period.id),
    )
    out = []
    for org, indicator, numerator, denominator in cursor.fetchall():
        lower, upper, g = bands[indicator]
        if numerator is None or denominator is None:
            a, points, status = None, 0.0, "missing"
        elif denominator == 0:
            a, points, status = None, 0.0, "no_eligible"
        else:
            a = 100.0 * numerator / denominator
            points = 0.0 if a <= lower else g if a >= upper else g * (a - lower) / (upper - lower)
            status = "scored"
        out.append(
            (
                run_id,
                org,
                indicator,
                numerator,
                denominator,
                a,
                points,
                g,
                status,
                False,
                None,
                False,
            )
        )
    insert = f"INSERT INTO scores ({COLUMNS}) VALUES ({', '.join([mark] * 12)})"  # noqa: S608
    for start in range(0, len(out), CHUNK):
        cursor.executemany(insert, out[start : start + CHUNK])
    return out


def test_a_national_period_scores_and_is_reported_beside_a_bare_baseline(db):
    started = time.perf_counter()
    load_demo(scale="national", seed=2026, echo=lambda _line: None)
    framework = db.session.scalar(select(Framework).where(Framework.code == "QOF-NAT"))
    period = db.session.scalar(select(Period).where(Period.label == framework.year))
    dialect = db.session.get_bind().dialect.name
    print(f"\n{dialect}: national demo loaded in {time.perf_counter() - started:.1f} s")
    holder = ScoreRun(framework_id=framework.id, period_id=period.id, version=0)
    db.session.add(holder)
    db.session.flush()
    with collector_paused():  # as score_period runs: the limit gets the same help
        bare = measure(lambda: baseline(db, framework, period, holder.id))
    expected = bare.result
    db.session.execute(delete(Score).where(Score.run_id == holder.id))
    db.session.delete(holder)
    db.session.flush()
    ours = measure(lambda: score_period(None, framework, period))
    run = ours.result
    db.session.flush()
    stored = {
        (org, indicator): points
        for org, indicator, points in db.session.execute(
            select(Score.organisation_id, Score.indicator_id, Score.points).where(
                Score.run_id == run.id
            )
        )
    }
    assert len(stored) == len(expected) == 525_000
    differ = [row for row in expected if stored[(row[1], row[2])] != row[6]]
    assert not differ  # the same points, to the last bit
    providers = db.session.scalar(
        select(ProviderScore.id).where(ProviderScore.run_id == run.id).limit(1)
    )
    assert providers is not None
    label = f"{dialect}: score 525,000 measurements"
    print(report(label, ours, bare, "one read + points in a loop + bulk write"))
    print(f"  run counts {run.counts}")
