"""Plain-English sentences from numbers (pure)."""

from __future__ import annotations

import pytest

from qframe.publication.report import year_variation
from qframe.publication.summary import (
    change_sentence,
    commitments_sentence,
    fmt,
    standard_sentence,
    support_sentence,
)
from qframe.publication.year import cover_words, year_snapshot

FALLS = ("Falls on wards", "rate", "per 1,000 bed days")


@pytest.mark.parametrize(
    ("earlier", "now", "phrase", "expected"),
    [
        (6.1, 4.8, "similar to the benchmark of 5.5 once chance is allowed for",
         "Falls on wards fell from 6.1 to 4.8 per 1,000 bed days; similar to the benchmark of "
         "5.5 once chance is allowed for."),
        (4.8, 6.1, "", "Falls on wards rose from 4.8 to 6.1 per 1,000 bed days."),
        (4.81, 4.79, "", "Falls on wards stayed at 4.8 per 1,000 bed days."),
        (None, 0.63, "", "Falls on wards was 0.63 per 1,000 bed days."),
    ],
)  # fmt: skip
def test_change_sentences_read_as_plain_english_and_never_rank(earlier, now, phrase, expected):
    assert change_sentence(*FALLS, earlier, now, phrase) == expected
    assert "most" not in expected  # issue 13: "worse than most trusts in the region" is gone


def test_proportions_read_as_percentages_and_periods_are_named():
    sentence = change_sentence("Flu jabs", "proportion", None, 70.25, 75.0, "", "between Q1 and Q4")
    assert sentence == "Flu jabs rose from 70.3% to 75.0% between Q1 and Q4."
    assert change_sentence("Flu jabs", "proportion", None, 70.0, None) is None
    assert fmt(None, "rate") == "no result"


def test_the_year_says_which_periods_it_covers():
    assert cover_words("2025/26", ["Q1", "Q2", "Q3", "Q4"], [], "quarter") == (
        "2025/26, from 4 quarters"
    )
    assert cover_words("2025/26", ["Q1", "Q2", "Q4"], ["Q3"], "quarter") == (
        "2025/26, from 3 of 4 quarters (Q3 is missing)"
    )


def test_standards_support_and_commitments_are_summed_up_in_words():
    assert standard_sentence("Trust A", 2, []) == (
        "Trust A met all 2 minimum standards that apply to it."
    )
    assert standard_sentence("Trust A", 1, ["VTE", "A&E"]) == (
        "Trust A met 1 of 3 minimum standards; it has not yet met the standard for VTE and A&E."
    )
    assert standard_sentence("Trust A", 0, []) is None
    assert "stays with Trust A's own board" in support_sentence("Trust A", 3)
    assert support_sentence("Trust A", None) is None
    assert commitments_sentence("Trust A", ["met", "at risk", "met"]) == (
        "Trust A has made 3 local commitments to its population: 2 met and 1 at risk."
    )


def _snap(label: str, kind: str, results: dict, **extra) -> dict:
    return {
        "framework": {"code": "F", "title": "F", "year": "2025/26"},
        "period": {"id": 1, "label": label, "kind": kind},
        "run": {"id": 1, "version": 1, "status": "final"},
        "indicators": [
            {
                "code": "V",
                "title": "VTE",
                "domain": "Safety",
                "measure": "proportion",
                "polarity": "higher_is_better",
                "unit": None,
                "minimum_standard": "95",
                "multiplier": None,
            },
        ],  # fmt: skip
        "providers": [
            {
                "org_id": 7,
                "code": "T",
                "name": "Trust",
                "label": "Provider A",
                "results": {"V": results},
            }
        ],  # fmt: skip
        "medians": {"V": results["achievement"]},
        "benchmarks": {"V": extra.pop("benchmark", None)},
        **extra,
    }


def _q(num: int, den: int, flag: str = "within") -> dict:
    return {"achievement": 100 * num / den, "numerator": num, "denominator": den,
            "breach": False, "flag": flag}  # fmt: skip


def test_a_year_sums_its_quarters_counts_like_scoring():
    # Q1 950/1000, Q2 930/1000, Q3 980/1000, Q4 940/1000 (each 93% to 98%, 3 of 4 below 95%):
    # the year is (950 + 930 + 980 + 940) / 4,000 = 3,800 / 4,000 = 95.0%, which meets the
    # standard of 95; benchmarks 96, 96, 97, 95 average to 96.0.
    quarters = [(1, 950), (2, 930), (3, 980), (4, 940)]
    snaps = [
        _snap(f"2025/26 Q{q}", "quarter", _q(x, 1000, "alert" if q == 2 else "within"),
              benchmark=b)
        for (q, x), b in zip(quarters, (96.0, 96.0, 97.0, 95.0), strict=True)
    ]  # fmt: skip
    year = year_snapshot("2025/26", list(reversed(snaps)))
    assert year["cover"]["words"] == "2025/26, from 4 quarters"
    (trust,) = year["providers"]
    result = trust["results"]["V"]
    assert (result["numerator"], result["denominator"]) == (3800, 4000)
    assert result["achievement"] == 95.0
    assert result["breach"] is False
    assert year["benchmarks"]["V"] == 96.0
    assert result["first"] == ("2025/26 Q1", 95.0)
    assert result["last"] == ("2025/26 Q4", 94.0)
    assert year_variation(result["flags"]) == (
        "worse than expected for its size (beyond the 95% limit) in 2025/26 Q2; within the "
        "range expected in the other 3",
        "alert",
    )
    missing = year_snapshot("2025/26", snaps[:1] + snaps[2:])
    assert missing["cover"]["words"] == "2025/26, from 3 of 4 quarters (2025/26 Q2 is missing)"


def test_a_scored_year_is_used_whole_and_names_its_quarters():
    labels = [f"2025/26 Q{q}" for q in (1, 2, 3)]
    whole = _snap("2025/26", "year", _q(2850, 3000), sub_periods=labels)
    year = year_snapshot("2025/26", [whole])
    assert year["providers"] == whole["providers"]
    assert year["cover"]["words"] == "2025/26, from 3 of 4 quarters (2025/26 Q4 is missing)"
