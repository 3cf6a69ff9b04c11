"""A commitment's baseline and due periods are pick-lists, not free text (issue 14, item 4)."""

from __future__ import annotations

import re
from datetime import date

from qframe.periods.choices import (
    future_period_choices,
    latest_ended_quarter,
    past_period_choices,
)

TODAY = date(2026, 12, 2)  # financial year 2026/27, in its third quarter (October to December)


def test_a_baseline_is_offered_from_periods_that_have_started_newest_year_first():
    labels = [c.value for c in past_period_choices(TODAY)]
    # 2026/27 Q4 starts 1 January 2027: not yet; the whole year 2026/27 began 1 April 2026
    assert labels[:4] == ["2026/27 Q1", "2026/27 Q2", "2026/27 Q3", "2026/27"]
    assert labels[4:9] == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4", "2025/26"]
    assert labels[-1] == "2024/25"
    assert len(labels) == 4 + 5 + 5


def test_a_due_period_is_offered_from_periods_ending_after_today_soonest_first():
    choices = future_period_choices(TODAY)
    # 2026/27 Q3 ends 31 December 2026, after 2 December: still open to be due
    assert [c.value for c in choices[:3]] == ["2026/27 Q3", "2026/27 Q4", "2026/27"]
    assert {c.optgroup for c in choices} == {"2026/27", "2027/28", "2028/29", "2029/30"}
    assert choices[2].label == "2026/27 (whole year)"


def test_the_baseline_defaults_to_the_last_quarter_that_has_ended():
    assert latest_ended_quarter(TODAY) == "2026/27 Q2"  # July to September 2026
    assert latest_ended_quarter(date(2026, 4, 10)) == "2025/26 Q4"  # January to March 2026


def test_the_commitment_form_shows_both_pick_lists(client, tree, framework, login_as):
    login_as("provider_lead", [tree.trust_a])
    html = client.get(f"/commitments/providers/{tree.trust_a.id}/new").get_data(as_text=True)
    baseline = html[html.index('id="baseline_period"') :]
    baseline = baseline[: baseline.index("</select>")]
    due = html[html.index('id="due_period"') :]
    due = due[: due.index("</select>")]
    today = date.today()
    # the quarter before today's: financial quarters start in April, July, October, January
    quarter = (today.month - 4) % 12 // 3  # 0-based quarter of today's financial year
    first = today.year if today.month >= 4 else today.year - 1
    if quarter == 0:
        first, quarter = first - 1, 4
    expected = f"{first}/{(first + 1) % 100:02d} Q{quarter}"
    assert re.search(rf'<option selected value="{re.escape(expected)}">', baseline)
    assert "(whole year)" in baseline
    # nothing chosen for the due period: the browser shows the first option, the prompt
    assert 'name="due_period"><option value="">Choose the due period</option>' in due
    assert "selected" not in due
