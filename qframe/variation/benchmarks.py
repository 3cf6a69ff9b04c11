"""Import a benchmark CSV (all or nothing) and read it back as reference populations.

CSV: `indicator_code,period,value` and optional `numerator,denominator,unit`. A file with an
unknown indicator, an unreadable or unknown period, a negative count or a value outside the
measure's range is refused whole, with every problem's row and column.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select

from qframe.audit import services as audit
from qframe.csvio import parse_count, parse_decimal, read_csv
from qframe.engine.measure_types import measure_type
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.periods.labels import BadPeriod, parse_period
from qframe.variation.models import BenchmarkValue

REQUIRED = ("indicator_code", "period", "value")
OPTIONAL = ("numerator", "denominator", "unit")


def import_benchmark(actor: Any, framework: Framework, data: bytes, source: str) -> int:
    """Replace the benchmark rows for each (indicator, period) in the file; return the count."""
    table, problems = read_csv(data, required=REQUIRED, optional=OPTIONAL, max_rows=200_000)
    if problems:
        raise ValidationFailed("The benchmark file cannot be read", problems)
    indicators = _indicators(framework.code)
    years = _years(framework.code)
    rows: list[BenchmarkValue] = []
    for number, row in table.rows:
        found = _row(number, row, indicators, years, framework.code, source[:120])
        if isinstance(found, list):
            problems += found
        else:
            rows.append(found)
    if problems:
        raise ValidationFailed("The benchmark file was refused: nothing was stored", problems)
    if not rows:
        raise ValidationFailed("The benchmark file has no rows", [Problem("empty", "No rows")])
    for code, label in {(r.indicator_code, r.period_label) for r in rows}:
        db.session.execute(
            delete(BenchmarkValue).where(
                BenchmarkValue.framework_code == framework.code,
                BenchmarkValue.indicator_code == code,
                BenchmarkValue.period_label == label,
            )
        )
    for r in rows:
        r.imported_by_id = getattr(actor, "id", None)
    db.session.add_all(rows)
    db.session.flush()
    audit.record(
        actor, "benchmarks.import", "framework", framework.id,
        after={"framework": framework.code, "rows": len(rows), "source": source[:120]},
    )  # fmt: skip
    return len(rows)


def _indicators(code: str) -> dict[str, str]:
    stmt = (
        select(Indicator.code, Indicator.measure)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.code == code)
    )
    return {c: m for c, m in db.session.execute(stmt)}


def _years(code: str) -> set[str]:
    return set(db.session.scalars(select(Framework.year).where(Framework.code == code)))


def _row(
    number: int,
    row: dict[str, str],
    indicators: dict[str, str],
    years: set[str],
    framework_code: str,
    source: str,
) -> BenchmarkValue | list[Problem]:
    problems: list[Problem] = []

    def bad(column: str, code: str, message: str) -> None:
        problems.append(Problem(code, message, row=number, column=column))

    measure = indicators.get(row["indicator_code"])
    if measure is None:
        bad("indicator_code", "unknown_indicator", f"No indicator {row['indicator_code']!r}")
    label = None
    try:
        spec = parse_period(row["period"])
        label = spec.label
        if years and spec.year not in years:
            bad("period", "unknown_period", f"{spec.label} is outside the framework's years")
    except BadPeriod as error:
        bad("period", "bad_period", str(error))
    value = parse_decimal(row["value"])
    if value is None:
        bad("value", "bad_value", "The value must be a plain number")
    counts = {c: row.get(c, "") for c in ("numerator", "denominator")}
    parsed: dict[str, int | None] = {}
    for column, text in counts.items():
        parsed[column] = None if text == "" else parse_count(text)
        if text != "" and parsed[column] is None:
            bad(column, "bad_count", "Counts are whole numbers of 0 or more")
    num, den = parsed["numerator"], parsed["denominator"]
    if (num is None) != (den is None) and not problems:
        bad("denominator", "counts_incomplete", "Give both numerator and denominator, or neither")
    if measure is not None and value is not None:
        _check_range(measure, value, num, den, bad)
    if problems or measure is None or value is None or label is None:
        return problems
    return BenchmarkValue(
        framework_code=framework_code, indicator_code=row["indicator_code"], period_label=label,
        unit=row.get("unit") or None, value=value, numerator=num, denominator=den, source=source,
    )  # fmt: skip


def _check_range(measure: str, value: Decimal, num: int | None, den: int | None, bad: Any) -> None:
    kind = measure_type(measure)
    problem = kind.reported_value_problem(value)
    if problem is not None:
        bad("value", "out_of_range", problem)
    if kind.within_denominator and num is not None and den is not None and num > den:
        bad("numerator", "out_of_range", "The numerator exceeds the denominator")
