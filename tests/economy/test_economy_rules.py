"""The local health economy rules, worked by hand: correlated falls and system support."""

from __future__ import annotations

import pytest

from qframe.engine.economy import (
    binomial_tail,
    correlated_quarters,
    deterioration_tests,
    system_level,
)

P4 = ("A", "B", "C", "D")


def series(paths: dict[str, list[float]], providers: tuple[str, ...] = P4) -> dict:
    """Indicator → achievements per quarter Q1..Qn, the same path for every listed provider."""
    return {
        (p, ind): {f"Q{i + 1}": v for i, v in enumerate(values)}
        for ind, values in paths.items()
        for p in providers
    }


def test_the_binomial_tail_matches_a_hand_calculation() -> None:
    # P(X >= 2 | n=4, p=1/8) = 1 - 0.875^4 - 4(0.125)(0.875^3)
    #                        = 1 - 0.586181640625 - 0.3349609375 = 0.078857421875
    assert binomial_tail(4, 2, 0.125) == pytest.approx(0.078857421875, abs=1e-12)
    assert binomial_tail(4, 4, 0.25) == pytest.approx(1 / 256, abs=1e-12)


def test_four_providers_falling_together_when_falls_are_rare_is_correlated() -> None:
    # Four providers, two indicators, three quarters. All four fall on I1 in Q2; every other
    # change is a rise. 16 changes, 4 falls: p = 1/4, expected falls on I1 in Q2 = 4 × 1/4 = 1.
    # P(X >= 4) = (1/4)^4 = 0.0039 < 0.05 / 2 indicators tested = 0.025 → correlated.
    quarters = ["Q1", "Q2", "Q3"]
    tests = deterioration_tests(series({"I1": [80, 70, 75], "I2": [60, 61, 62]}), quarters)
    q2 = next(t for t in tests if (t.quarter, t.indicator) == ("Q2", "I1"))
    assert (q2.providers, q2.fell, q2.expected) == (4, 4, pytest.approx(1.0))
    assert q2.threshold == pytest.approx(0.025)
    assert q2.correlated
    assert correlated_quarters(tests, quarters) == ["Q2"]


def test_two_of_four_falling_is_consistent_with_chance() -> None:
    # Only A and B fall on I1 in Q2 (C and D rise); all else rises. 16 changes, 2 falls:
    # p = 1/8; P(X >= 2 | 4, 1/8) = 0.0789 (hand-worked above) > 0.025 → not correlated.
    data = series({"I1": [80, 70, 75], "I2": [60, 61, 62]}, ("A", "B"))
    data |= series({"I1": [80, 85, 90], "I2": [60, 61, 62]}, ("C", "D"))
    tests = deterioration_tests(data, ["Q1", "Q2", "Q3"])
    q2 = next(t for t in tests if (t.quarter, t.indicator) == ("Q2", "I1"))
    assert q2.fell == 2
    assert q2.p_value == pytest.approx(0.078857421875)
    assert correlated_quarters(tests, ["Q1", "Q2", "Q3"]) == []


@pytest.mark.parametrize(
    ("levels", "i1_path", "expected_level"),
    [
        # A third of providers at level 2 or above is enough (1 of 3).
        ({"A": 2, "B": 0, "C": 0}, [80, 81, 82, 83], 1),
        # One of four is under a third; level 1 does not count.
        ({"A": 3, "B": 1, "C": 1, "D": 0}, [80, 81, 82, 83], 0),
        # Correlated in Q2 and Q3, consecutive: p = 8/24 = 1/3, (1/3)^4 = 0.012 < 0.025.
        ({"A": 0, "B": 0, "C": 0, "D": 0}, [80, 70, 60, 65], 1),
        # Correlated in Q2 and Q4 but not Q3: not consecutive.
        ({"A": 0, "B": 0, "C": 0, "D": 0}, [80, 70, 75, 65, 70], 0),
        # No provider has a level and nothing fell: no system support.
        ({}, [80, 81, 82, 83], 0),
    ],
)
def test_the_system_support_rule(levels: dict, i1_path: list, expected_level: int) -> None:
    quarters = [f"Q{i + 1}" for i in range(len(i1_path))]
    i2_path = [60.0 + i for i in range(len(i1_path))]
    tests = deterioration_tests(series({"I1": i1_path, "I2": i2_path}), quarters)
    result = system_level(levels, tests, quarters)
    assert result.level == expected_level
    assert result.evidence  # always says why


def test_the_evidence_names_the_consecutive_quarters() -> None:
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    tests = deterioration_tests(series({"I1": [80, 70, 60, 65], "I2": [1, 2, 3, 4]}), quarters)
    assert correlated_quarters(tests, quarters) == ["Q2", "Q3"]
    evidence = system_level({}, tests, quarters).evidence
    assert evidence == ("Deteriorations were correlated in consecutive quarters Q2 and Q3.",)
