"""Plain-English sentences from numbers (pure)."""

from __future__ import annotations

import pytest

from qframe.publication.summary import (
    change_sentence,
    commitments_sentence,
    fmt,
    peer_position,
    standard_sentence,
    support_sentence,
)

FALLS = ("Falls on wards", "rate", "per 1,000 bed days")


@pytest.mark.parametrize(
    ("value", "peers", "polarity", "expected"),
    [
        (4.8, [6.0, 5.5, 7.1], "lower_is_better", "better"),
        (4.8, [4.0, 4.5, 3.9], "lower_is_better", "worse"),
        (4.8, [4.0, 6.0, 4.5, 5.0], "lower_is_better", "similar"),
        (96.0, [90.0, 92.0], "higher_is_better", "better"),
        (80.0, [90.0, 92.0], "higher_is_better", "worse"),
        (80.0, [70.0], "higher_is_better", None),  # one peer is no comparison
    ],
)
def test_peer_position_says_how_most_peers_compare(value, peers, polarity, expected):
    assert peer_position(value, peers, polarity) == expected


@pytest.mark.parametrize(
    ("earlier", "now", "position", "expected"),
    [
        (6.1, 4.8, "better", "Falls on wards fell from 6.1 to 4.8 per 1,000 bed days, better "
                             "than most trusts in the region."),
        (4.8, 6.1, "worse", "Falls on wards rose from 4.8 to 6.1 per 1,000 bed days, worse than "
                            "most trusts in the region."),
        (4.81, 4.79, None, "Falls on wards stayed at 4.8 per 1,000 bed days."),
        (None, 0.63, "similar", "Falls on wards was 0.63 per 1,000 bed days, about the same as "
                                "most trusts in the region."),
    ],
)  # fmt: skip
def test_change_sentences_read_as_plain_english(earlier, now, position, expected):
    assert change_sentence(*FALLS, earlier, now, position, "acute") == expected


def test_proportions_read_as_percentages_and_practices_as_practices():
    sentence = change_sentence("Flu jabs", "proportion", None, 70.25, 75.0, "worse", "primary_care")
    assert sentence == "Flu jabs rose from 70.3% to 75.0%, worse than most practices in the region."
    assert change_sentence("Flu jabs", "proportion", None, 70.0, None, None, "acute") is None
    assert fmt(None, "rate") == "no result"


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
