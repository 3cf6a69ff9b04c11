"""The demo region's results go out as MeasureReports and read back as the same numbers."""

from __future__ import annotations

import random

from sqlalchemy import select

from qframe.demo import DemoContext
from qframe.fhir.codes import dumps
from qframe.fhir.report_import import bundle_rows
from qframe.fhir.reports import results_bundle
from qframe.measurements.models import Measurement
from qframe.periods.models import Period


def _text(value: object) -> str:
    return "" if value is None else str(value)


def test_every_demo_framework_period_reads_back_from_measurereports_unchanged(db):
    # Reading only: the demo's approved months are locked and its appraisal-computed
    # indicators cannot be submitted, so the import would (rightly) refuse to write them;
    # tests/fhir/test_reports.py covers the full write path.
    from qframe.frameworks import demo as frameworks_demo
    from qframe.measurements import demo as measurements_demo
    from qframe.orgs import demo as orgs_demo

    ctx = DemoContext(scale="small", rng=random.Random(7), echo=lambda _line: None)
    for step in (orgs_demo, frameworks_demo, measurements_demo):
        step.load(ctx)
    checked = 0
    for framework in ctx.shared["frameworks"].values():
        stored = db.session.execute(
            select(Measurement, Period)
            .join(Period, Period.id == Measurement.period_id)
            .where(Measurement.framework_id == framework.id)
        ).all()
        by_period: dict[int, tuple[Period, dict]] = {}
        for m, period in stored:
            values = (m.numerator, m.denominator, m.exclusions, m.value, m.missing_reason)
            expected = by_period.setdefault(period.id, (period, {}))[1]
            expected[(m.organisation.code, m.indicator.code)] = tuple(map(_text, values))
        for period, expected in by_period.values():
            text = dumps(results_bundle(framework, period))
            rows, _entries, problems = bundle_rows(framework, text.encode())
            assert problems == []
            fields = ("numerator", "denominator", "exclusions", "value", "missing")
            back = {
                (r.values["org_code"], r.values["indicator_code"]): tuple(
                    r.values.get(f, "") for f in fields
                )
                for r in rows
            }
            assert {r.values["period"] for r in rows} == {period.label}
            assert back == expected, (framework.code, period.label)
            checked += len(rows)
    assert checked > 1000  # a year of the demo region's data, not a handful of rows
