"""A new measure type is one registry entry: a toy "median wait, lower is better" scores,
validates and plots without a change anywhere else in qframe (README "How to add a measure
type"). Every test registers it through the fixture, which takes it away again afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from statistics import fmean
from typing import Any

import pytest
from sqlalchemy import select

from qframe.engine.errors import InvalidInput
from qframe.engine.measure_type import MeasureType
from qframe.engine.measure_types import (
    is_measure,
    measure_type,
    register_measure_type,
    unregister_measure_type,
)
from qframe.engine.measures import finite_value
from qframe.engine.points import score_indicator
from qframe.engine.types import IndicatorSpec, Observation
from qframe.extensions import db
from qframe.frameworks.schemas import FrameworkFormatError, load_framework_json
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import Score
from qframe.scoring.runs import score_period

from .conftest import BASE


def _minutes(_n: int | None, _d: int | None, v: float | None, _m: float | None) -> float | None:
    value = finite_value(v)
    if value is not None and value < 0:
        raise InvalidInput(f"a wait cannot be negative, got {value!r}")
    return value


def _no_negative_wait(value: Decimal) -> str | None:
    return "A wait cannot be negative" if value < 0 else None


MEDIAN_WAIT = MeasureType(
    "median_wait", "Median wait", counted=False, banded=True, percent=False, shown_as="number",
    non_negative=True, needs_multiplier=False, within_denominator=False, achieve=_minutes,
    met=lambda _a: False, reported_value_problem=_no_negative_wait,
)  # fmt: skip


@pytest.fixture
def median_wait() -> Iterator[MeasureType]:
    register_measure_type(MEDIAN_WAIT)
    try:
        yield MEDIAN_WAIT
    finally:
        unregister_measure_type(MEDIAN_WAIT.name)


def _ed_wait(**scoring: str) -> dict[str, Any]:
    return {
        "code": "ED1",
        "domain": "EXP",
        "title": "Median wait in the emergency department",
        "measure": "median_wait",
        "unit": "minutes",
        "polarity": "lower_is_better",
        "level": "ward",
        "scoring": {"method": "threshold", "max_points": "10", "lower": "240", "upper": "120"}
        | scoring,
        "minimum_standard": None,
        "min_denominator": None,
    }


def test_the_fixture_leaves_the_registry_as_it_found_it(median_wait):
    assert is_measure("median_wait")
    unregister_measure_type("median_wait")
    assert not is_measure("median_wait")
    with pytest.raises(InvalidInput, match="unknown measure"):
        measure_type("median_wait")
    register_measure_type(median_wait)  # the fixture removes it again


def test_a_built_in_type_cannot_be_replaced_or_removed():
    with pytest.raises(InvalidInput, match="already registered"):
        register_measure_type(measure_type("proportion"))
    with pytest.raises(InvalidInput, match="built in"):
        unregister_measure_type("rate")


def test_a_median_wait_scores_on_its_band_lower_being_better(median_wait):
    spec = IndicatorSpec("ED1", "median_wait", "lower_is_better", "threshold", 10.0, 240.0, 120.0)
    # Worked by hand: 180 minutes is half way from 240 (no points) to 120 (all): 10 × 60/120 = 5.
    half = score_indicator(spec, Observation(value=180.0))
    assert (half.achievement, half.points, half.status) == (180.0, 5.0, "scored")
    assert score_indicator(spec, Observation(value=100.0)).points == 10.0  # beyond 120: all
    assert score_indicator(spec, Observation(value=300.0)).points == 0.0  # beyond 240: none
    assert score_indicator(spec, Observation()).status == "missing"
    with pytest.raises(InvalidInput, match="cannot be negative"):
        score_indicator(spec, Observation(value=-5.0))


def test_a_framework_with_a_median_wait_loads_and_its_rules_are_checked(median_wait):
    good = BASE | {"indicators": [_ed_wait()]}
    loaded = load_framework_json(json.dumps(good))
    assert loaded["indicators"][0]["measure"] == "median_wait"
    bad = BASE | {"indicators": [_ed_wait(upper="-10") | {"multiplier": "1000"}]}
    with pytest.raises(FrameworkFormatError) as caught:
        load_framework_json(json.dumps(bad))
    found = {(p.path, p.code) for p in caught.value.problems}
    # A wait is never negative (non_negative) and is not a rate (no multiplier).
    assert ("indicators[0].scoring.upper", "negative") in found
    assert ("indicators[0].multiplier", "not_applicable") in found


def test_a_period_of_median_waits_is_scored_and_rolled_up(
    median_wait, make_framework, tree, measure
):
    framework = make_framework(indicators=[_ed_wait()])
    measure(framework, tree.ward_a, "ED1", value="180")
    measure(framework, tree.ward_a2, "ED1", value="120")
    run = score_period(None, framework, get_or_create_period("2025/26"))
    rows = db.session.scalars(select(Score).where(Score.run_id == run.id))
    scores = {s.organisation_id: s for s in rows}
    ward = scores[tree.ward_a.id]
    assert (float(ward.achievement), float(ward.points)) == (180.0, 5.0)
    # The service line is the unweighted mean of its wards (150), the type's default roll-up:
    # 10 × (240 − 150) / 120 = 7.5 points.
    line = scores[tree.line_a.id]
    assert (float(line.achievement), float(line.points)) == (150.0, 7.5)


def test_a_wards_median_waits_are_drawn_as_an_spc_chart_in_minutes(
    median_wait, make_framework, tree, measure, client, login_as
):
    framework = make_framework(indicators=[_ed_wait()])
    months = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    waits = [150, 160, 155, 170, 165, 150, 160, 158, 162, 155, 165, 160]
    for month, wait in zip(months, waits, strict=True):
        measure(framework, tree.ward_a, "ED1", period=month, value=str(wait))
    login_as("nurse_manager", [tree.ward_a])
    response = client.get(f"/scoring/wards/{tree.ward_a.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="spc-chart"' in html
    # XmR by hand: the mean, and limits at mean ± 2.66 × the mean moving range.
    mean = fmean(waits)
    moving = fmean(abs(b - a) for a, b in zip(waits, waits[1:], strict=False))
    assert f"Mean {mean:,.2f}; process limits {mean - 2.66 * moving:,.2f} to " in html
    assert f"{mean + 2.66 * moving:,.2f}; 12 periods." in html
    assert "above 100% is impossible" not in html  # a wait is not a percentage
