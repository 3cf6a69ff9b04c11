"""Plain-English sentences from numbers (pure)."""

from __future__ import annotations

import pytest

from qframe.publication.summary import (
    change_sentence,
    commitments_sentence,
    fmt,
    standard_sentence,
    support_sentence,
)
from qframe.publication.year import cover_words

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
