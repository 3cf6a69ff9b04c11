"""100,000 measurements from one CSV: parse, validate, compare and bulk-write in seconds.

Run with `make bench`, or `pytest -m benchmark -s` on this file; set QFRAME_TEST_DATABASE_URL
for PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select

from qframe.frameworks.library import load_library_framework
from qframe.frameworks.services import import_framework, publish_framework
from qframe.measurements.models import Measurement, MeasurementRevision
from qframe.measurements.services import import_csv
from qframe.orgs.models import Organisation
from qframe.periods.models import get_or_create_period

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_measure import measure, report  # noqa: E402

ROWS = 100_000
pytestmark = pytest.mark.benchmark


def _setup(db):  # type: ignore[no-untyped-def]
    data = load_library_framework("qof-scotland-2015-16")
    framework = publish_framework(None, import_framework(None, data, None))
    practices = -(-ROWS // len(data["indicators"]))
    icb = Organisation(code="BENCH-ICB", name="Bench ICB", kind="commissioner")
    db.session.add(icb)
    db.session.flush()
    db.session.execute(
        insert(Organisation),
        [
            {
                "code": f"B{i:05d}",
                "name": f"Practice {i}",
                "kind": "primary_care",
                "parent_id": icb.id,
                "version": 1,
            }
            for i in range(practices)
        ],
    )
    return framework, data["indicators"], practices


def _csv(indicators, practices: int, seed: int) -> bytes:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("org_code,indicator_code,period,numerator,denominator,exclusions,value\n")
    n = 0
    for i in range(practices):
        for ind in indicators:
            if n == ROWS:
                break
            n += 1
            if ind["measure"] == "yes_no":
                out.write(f"B{i:05d},{ind['code']},2015/16,,,,{rng.randint(0, 1)}\n")
            else:
                den = rng.randint(5, 900)
                out.write(
                    f"B{i:05d},{ind['code']},2015/16,{rng.randint(0, den)},{den},"
                    f"{rng.randint(0, 40)},\n"
                )
    return out.getvalue().encode()


MEASUREMENT_SQL = (
    "INSERT INTO measurements (framework_id, organisation_id, indicator_id, period_id, numerator, "
    "denominator, exclusions, value, missing, source, submitted_at, version) VALUES ({})"
)


def limit(db, framework, content: bytes) -> int:  # type: ignore[no-untyped-def]
    """The floor under an import: parse the CSV with the csv module, look the codes up in two
    dicts, one executemany of the same rows into the measurements table (no validation, no
    comparison, no import record, no revisions)."""
    mark = "?" if db.session.get_bind().dialect.name == "sqlite" else "%s"
    orgs = dict(db.session.execute(select(Organisation.code, Organisation.id)).all())
    indicators = {i.code: i.id for i in framework.indicators}
    periods = {"2015/16": get_or_create_period("2015/16").id}  # made once, as the import does
    now: object = datetime.now(UTC)
    if mark == "?":  # the text SQLAlchemy's SQLite DateTime stores (no deprecated adapter)
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def number(text: str) -> int | None:
        return int(text) if text else None

    rows = [
        (framework.id, orgs[org], indicators[code], periods[period], number(num), number(den),
         number(exc), value or None, False, "csv", now, 1)
        for org, code, period, num, den, exc, value in csv.reader(
            io.StringIO(content.decode()[content.index(b"\n") + 1 :])
        )
    ]  # fmt: skip
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.executemany(MEASUREMENT_SQL.format(", ".join([mark] * 12)), rows)
    return len(rows)


def test_a_100000_row_file_imports_in_seconds(db):
    framework, indicators, practices = _setup(db)
    first, second = _csv(indicators, practices, 1), _csv(indicators, practices, 2)
    dialect = db.session.get_bind().dialect.name

    bare = measure(lambda: limit(db, framework, first))
    assert bare.result == ROWS
    db.session.execute(delete(Measurement))
    db.session.flush()

    new = measure(lambda: import_csv(None, framework, first, filename="first.csv"))
    outcome, created, created_cpu = new.result, new.wall, new.cpu
    assert outcome.created == ROWS

    started = time.perf_counter()
    again = import_csv(None, framework, first, filename="first.csv")
    noop = time.perf_counter() - started
    assert again.already is not None

    started, cpu = time.perf_counter(), time.process_time()
    changed = import_csv(None, framework, second, filename="second.csv")
    updated, updated_cpu = time.perf_counter() - started, time.process_time() - cpu

    stored = db.session.scalar(select(func.count()).select_from(Measurement))
    revisions = db.session.scalar(select(func.count()).select_from(MeasurementRevision))
    assert stored == ROWS
    assert revisions == changed.updated > ROWS * 0.8
    print(
        f"\n{dialect}: {ROWS:,} rows: new {created:.2f} s ({created_cpu:.2f} s CPU), same file "
        f"again {noop * 1000:.0f} ms (no-op), {changed.updated:,} changed + "
        f"{changed.unchanged:,} unchanged {updated:.2f} s ({updated_cpu:.2f} s CPU); "
        f"{new.how} {new.peak_mib:.0f} MiB while importing the new file"
    )
    print(report(f"{dialect}: import {ROWS:,} new measurement rows", new, bare,
                 "csv.reader + one executemany of the same rows"))  # fmt: skip
    # figures, not timed assertions: a busy machine must not fail a benchmark
