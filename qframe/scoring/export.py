"""The Scores CSV (formats.md): full precision, up to 15 significant digits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, true

from qframe.auth.permissions import in_scope_clause
from qframe.engine.measure_types import measure_type
from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation
from qframe.rawsql import stream_rows
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.present import result_interval

HEADER = (
    "org_code",
    "indicator_code",
    "period",
    "numerator",
    "denominator",
    "achievement",
    "points",
    "max_points",
    "status",
    "ci_low",
    "ci_high",
)
VBP_COLUMNS = ("achievement_points", "improvement_points")
# A ratio's expected count (observed / expected, e.g. SHMI; `numerator` is the observed count)
RATIO_COLUMNS = ("expected",)


def has_vbp(run: ScoreRun) -> bool:
    """Whether the run's framework scores any indicator by the vbp method."""
    return any(i.method == "vbp" for i in run.framework.indicators)


def has_ratio(run: ScoreRun) -> bool:
    """Whether the run's framework has an indicator measured as observed / expected."""
    return any(measure_type(i.measure).expected for i in run.framework.indicators)


def header(run: ScoreRun) -> tuple[str, ...]:
    """The Scores CSV header: with achievement and improvement points for vbp frameworks, and
    the expected count where the framework has a ratio indicator (optional columns, last)."""
    return (
        HEADER + (VBP_COLUMNS if has_vbp(run) else ()) + (RATIO_COLUMNS if has_ratio(run) else ())
    )


def number(value: float | None) -> str:
    """A float at full precision, at most 15 significant digits ('6.51752767527675', '9')."""
    return "" if value is None else format(value, ".15g")


def score_rows(run: ScoreRun, user: Any = None, org_id: int | None = None) -> Iterator[list[Any]]:
    """Rows of the Scores CSV for a run; limited to the user's scope (None: everything)."""
    scope = true() if user is None else in_scope_clause(Score.organisation_id, user)
    stmt = (
        select(
            Organisation.code,
            Indicator.code,
            Score.numerator,
            Score.denominator,
            Score.achievement,
            Score.points,
            Score.max_points,
            Score.status,
            Score.achievement_points,
            Score.improvement_points,
            Indicator.measure,
            Indicator.multiplier,
            Score.expected,
        )
        .join(Organisation, Organisation.id == Score.organisation_id)
        .join(Indicator, Indicator.id == Score.indicator_id)
        .where(Score.run_id == run.id, scope)
        .order_by(Organisation.code, Indicator.position)
    )
    if org_id is not None:
        stmt = stmt.where(Score.organisation_id == org_id)
    label = run.period.label
    vbp, ratio = has_vbp(run), has_ratio(run)
    # straight from the driver's cursor, a batch at a time: a national run is 525,000 rows
    for raw in stream_rows(stmt):
        org, code, numerator, denominator, achievement, points, top, status = raw[:8]
        a, i, measure, mult, expected = raw[8:]
        interval = result_interval(measure, numerator, denominator, mult, expected)
        row = [
            org,
            code,
            label,
            "" if numerator is None else numerator,
            "" if denominator is None else denominator,
            number(achievement),
            number(points),
            number(top),
            status,
            "" if interval is None else number(interval.low),
            "" if interval is None else number(interval.high),
        ]
        if vbp:
            row += ["" if a is None else a, "" if i is None else i]
        if ratio:
            row.append(number(expected))
        yield row
