"""Engine-level check against ISD Scotland's published QOF 2015/16 practice points."""

import csv
from pathlib import Path

import pytest

from qframe.engine.points import threshold_points

DATA = Path(__file__).parents[2].parent / "shared" / "data" / "qof-scotland-2015-16"


def read(name):
    if not DATA.is_dir():  # CI always has it: a missing data set is a failure, not a skip
        pytest.fail(f"{DATA} is missing: copy the shared QOF Scotland 2015-16 data set there")
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_threshold_points_reproduce_every_published_row_but_one_practices_adjustments():
    rules = {r["indicator"]: r for r in read("indicator_rules_2015_16.csv")}
    matched, mismatched = 0, []
    for row in read("practice_indicator_achievement_2015_16.csv"):
        if not row["numerator"] or not row["denominator"] or int(row["denominator"]) == 0:
            continue
        rule = rules[row["indicator"]]  # every indicator with counts must have thresholds
        points = threshold_points(
            100.0 * int(row["numerator"]) / int(row["denominator"]),
            float(rule["lower_threshold_pct"]),
            float(rule["upper_threshold_pct_implied_by_data"]),
            float(rule["points_available"]),
            "higher_is_better",
        )
        if abs(points - float(row["points_achieved"])) <= 1e-6:
            matched += 1
        else:
            mismatched.append((row, points))
    # ISD's README: 45,530 rows reproduce; 22 rows of practice 78190 carry board adjustments.
    assert matched == 45_530
    assert len(mismatched) == 22
    assert {row["practice_code"] for row, _ in mismatched} == {"78190"}
    # Every adjustment is in the practice's favour (20 of the 22 up to the maximum).
    assert all(float(row["points_achieved"]) > points for row, points in mismatched)
