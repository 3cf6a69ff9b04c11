"""The pure status rule: met, on track (on the straight line), at risk, missed, awaiting data."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from qframe.commitments.status import (
    Reading,
    commitment_status,
    expected_value,
    target_problem,
)

START, DUE = date(2025, 6, 30), date(2026, 6, 30)  # 365 days: the line's halfway is 29 Dec 2025
MID = date(2025, 12, 29)
HIGH, LOW = "higher_is_better", "lower_is_better"


@pytest.mark.parametrize(
    ("polarity", "baseline", "target", "readings", "expected"),
    [
        # falls per 1,000 bed days: 6.0 → 4.0, so 5.0 is due halfway
        (LOW, 6.0, 4.0, [], "awaiting data"),
        (LOW, 6.0, 4.0, [(START, 3.0)], "awaiting data"),  # the baseline period itself
        (LOW, 6.0, 4.0, [(MID, 5.0)], "on track"),  # exactly on the line
        (LOW, 6.0, 4.0, [(MID, 4.9)], "on track"),
        (LOW, 6.0, 4.0, [(MID, 5.1)], "at risk"),
        (LOW, 6.0, 4.0, [(MID, 3.9)], "met"),  # target reached early
        (LOW, 6.0, 4.0, [(MID, 4.5), (DUE, 4.0)], "met"),
        (LOW, 6.0, 4.0, [(MID, 4.5), (DUE, 4.2)], "missed"),
        (LOW, 6.0, 4.0, [(MID, 5.5), (date(2026, 9, 30), 3.0)], "missed"),  # late data decides
        # VTE assessment %: 90 → 95, so 92.5 is due halfway
        (HIGH, 90.0, 95.0, [(MID, 92.5)], "on track"),
        (HIGH, 90.0, 95.0, [(MID, 92.4)], "at risk"),
        (HIGH, 90.0, 95.0, [(MID, 96.0), (date(2026, 3, 31), 91.0)], "at risk"),  # the latest
        (HIGH, 90.0, 95.0, [(DUE, 95.0)], "met"),
        (HIGH, 90.0, 95.0, [(DUE, 94.99)], "missed"),
    ],
)
def test_status_follows_the_data(polarity, baseline, target, readings, expected):
    got = [Reading(on, value) for on, value in readings]
    assert commitment_status(polarity, baseline, target, START, DUE, got) == expected


def test_the_straight_line_runs_from_baseline_to_target():
    assert expected_value(6.0, 4.0, START, DUE, START) == 6.0
    assert expected_value(6.0, 4.0, START, DUE, MID) == pytest.approx(5.0, abs=0.01)
    assert expected_value(6.0, 4.0, START, DUE, date(2027, 1, 1)) == 4.0


@pytest.mark.parametrize(
    ("polarity", "baseline", "target", "wrong"),
    [
        (HIGH, 90.0, 95.0, False),
        (HIGH, 90.0, 90.0, True),
        (HIGH, 90.0, 85.0, True),
        (LOW, 6.0, 4.0, False),
        (LOW, 6.0, 6.5, True),
    ],
)
def test_a_target_must_be_better_than_the_baseline(polarity, baseline, target, wrong):
    assert (target_problem(polarity, baseline, target) is not None) is wrong


def test_a_wrong_side_target_cannot_be_given_a_status():
    with pytest.raises(ValueError, match="below the baseline"):
        commitment_status(LOW, 6.0, 7.0, START, DUE, [])


def test_the_status_rule_and_the_report_sentences_load_without_flask_or_sqlalchemy():
    code = (
        "import sys, qframe.commitments.status, qframe.publication.summary;"
        "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
