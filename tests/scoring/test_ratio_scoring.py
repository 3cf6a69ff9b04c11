"""The ratio type in a score run: quarters summed into the year (observed and expected alike),
points on its band, the Scores CSV's interval, and its framework rules."""

import json

import pytest

from qframe.frameworks.schemas import FrameworkFormatError, load_framework_json
from qframe.periods.models import get_or_create_period
from qframe.scoring.export import header, score_rows
from qframe.scoring.runs import score_period

from .conftest import BASE

SHMI = {
    "code": "M1", "domain": "SAF", "title": "Summary Hospital-level Mortality Indicator",
    "measure": "ratio", "polarity": "lower_is_better", "level": "provider",
    "unit": "ratio of observed to expected deaths",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "1.10", "upper": "0.95"},
    "minimum_standard": None, "min_denominator": None,
}  # fmt: skip


def test_a_year_of_quarters_sums_observed_and_expected_and_the_csv_has_its_interval(
    make_framework, tree, measure
):
    framework = make_framework(indicators=[SHMI])
    # Trust A's quarters: 100/95.5, 110/104.5, 95/99.0, 111/101.0. The year is
    # (100 + 110 + 95 + 111) / (95.5 + 104.5 + 99.0 + 101.0) = 416 / 400 = 1.04, not the mean
    # of the quarters' ratios (1.0396). 1.04 on the 1.10 → 0.95 band: 10 × 0.06/0.15 = 4.
    quarters = [("Q1", 100, "95.5"), ("Q2", 110, "104.5"), ("Q3", 95, "99.0"), ("Q4", 111, "101.0")]
    for q, observed, expected in quarters:
        measure(
            framework, tree.trust_a, "M1", f"2025/26 {q}", numerator=observed, expected=expected
        )
    measure(framework, tree.trust_b, "M1", "2025/26", numerator=30, expected="25")
    run = score_period(None, framework, get_or_create_period("2025/26"))
    columns = header(run)
    assert columns[-1] == "expected"  # the optional column a ratio framework's CSV ends with
    rows = {(r[0], r[1]): dict(zip(columns, r, strict=True)) for r in score_rows(run)}
    a = rows[(tree.trust_a.code, "M1")]
    assert (a["numerator"], a["denominator"], a["expected"]) == (416, "", "400")
    assert float(a["achievement"]) == pytest.approx(1.04, rel=1e-12)
    assert float(a["points"]) == pytest.approx(4.0)
    # Trust B: 30 observed / 25 expected = 1.20; tabulated exact 95% limits for a count of 30
    # are 20.24 and 42.83, so the interval is 0.81 to 1.71. 1.20 is beyond 1.10: no points.
    b = rows[(tree.trust_b.code, "M1")]
    assert float(b["achievement"]) == pytest.approx(1.2)
    assert (round(float(b["ci_low"]), 2), round(float(b["ci_high"]), 2)) == (0.81, 1.71)
    assert float(b["points"]) == 0.0


def test_a_ratio_framework_loads_and_its_rules_are_checked():
    good = BASE | {"indicators": [SHMI]}
    assert load_framework_json(json.dumps(good))["indicators"][0]["measure"] == "ratio"
    bad_scoring = SHMI["scoring"] | {"upper": "-0.5"}  # type: ignore[operator]
    bad = BASE | {"indicators": [SHMI | {"scoring": bad_scoring, "multiplier": "1000"}]}
    with pytest.raises(FrameworkFormatError) as caught:
        load_framework_json(json.dumps(bad))
    found = {(p.path, p.code) for p in caught.value.problems}
    # A ratio is never negative and is not a rate (no multiplier).
    assert ("indicators[0].scoring.upper", "negative") in found
    assert ("indicators[0].multiplier", "not_applicable") in found
