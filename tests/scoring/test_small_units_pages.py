"""Issue 13 item 4: small units borrow strength on the ward page and on a practice's scorecard."""

import re

import pytest

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

WARD_PROPORTION = {
    "code": "WP",
    "domain": "EXP",
    "title": "Ward experience",
    "measure": "proportion",
    "polarity": "higher_is_better",
    "level": "ward",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "80", "upper": "95"},
    "minimum_standard": None,
    "min_denominator": None,
}


def _rows(html):
    table = html.split('data-testid="small-units-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-flag="([a-z_]+)">(.*?)</tr>', table, re.S)


@pytest.fixture
def ward_framework(make_framework):
    from tests.scoring.conftest import BASE

    return make_framework(indicators=[*BASE["indicators"], WARD_PROPORTION])


def test_a_small_wards_low_result_is_pulled_towards_the_other_wards(
    ward_framework, tree, measure, make_org, client, login_as
):
    # Eleven peer wards at 90 of 100 and ward A at 6 of 10 (60%). Pooled p̂ = 996/1110 =
    # 0.897297; S = Σ(x − n p̂)²/n = 11 · 0.2703²/100 + 2.97297²/10 = 0.8919, and
    # S / (p̂ q̂) = 0.8919 / 0.092155 = 9.68 < I − 1 = 11: the wards vary no more than chance,
    # so the prior is capped at all their data, Beta(996, 114). Ward A's posterior is
    # Beta(1002, 118): estimate 1002/1120 = 89.46%; the bar is the lower threshold, 80%.
    for _ in range(11):
        measure(ward_framework, make_org("ward", tree.line_a), "WP", "2025-04", 90, 100)
    measure(ward_framework, tree.ward_a, "WP", "2025-04", 6, 10)
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/scoring/wards/{tree.ward_a.id}").get_data(as_text=True)
    assert "Small numbers: estimates pulled towards the average" in html
    [(flag, row)] = _rows(html)
    assert flag == "not_flagged"
    assert "60.0%" in row
    assert re.search(r'data-testid="eb-estimate">89\.5%<', row)
    assert "average of 12: 89.7%" in row
    assert "80.0%, the lower threshold (no points below it)" in row
    assert re.search(r'data-testid="eb-probability">0%<', row)


def test_a_ward_whose_peers_are_all_below_the_bar_is_flagged_probably_below_it(
    ward_framework, tree, measure, make_org, client, login_as
):
    # Eleven peer wards at 70 of 100 and ward A at 7 of 10: every ward at 70%, the prior is
    # capped at Beta(777, 333) and ward A's posterior Beta(784, 336) has mean 784/1120 = 70%,
    # with practically all its mass below the 80% bar: flagged (probability ≥ 90%).
    for _ in range(11):
        measure(ward_framework, make_org("ward", tree.line_a), "WP", "2025-04", 70, 100)
    measure(ward_framework, tree.ward_a, "WP", "2025-04", 7, 10)
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/scoring/wards/{tree.ward_a.id}").get_data(as_text=True)
    [(flag, row)] = _rows(html)
    assert flag == "probably_worse"
    assert re.search(r'data-testid="eb-estimate">70\.0%<', row)
    assert re.search(r'data-testid="eb-probability">100%<', row)
    assert "Probably below the lower threshold" in row


def test_too_few_peer_wards_say_so_rather_than_estimate(
    ward_framework, tree, measure, make_org, client, login_as
):
    for _ in range(4):
        measure(ward_framework, make_org("ward", tree.line_a), "WP", "2025-04", 70, 100)
    measure(ward_framework, tree.ward_a, "WP", "2025-04", 7, 10)
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/scoring/wards/{tree.ward_a.id}").get_data(as_text=True)
    [(flag, row)] = _rows(html)
    assert flag == "not_estimated"
    assert "Not estimated: 5 wards with data, 10 needed" in row


def test_a_small_practice_below_the_minimum_standard_is_flagged_on_its_scorecard(
    tqf, tree, measure, make_org, client, login_as
):
    # Ten practices at 55 of 100 and the test practice at 5 of 10 on P1 (minimum standard 60%).
    # All at 55%: the prior is capped at the pooled data, Beta(555, 455); the practice's
    # posterior Beta(560, 460) has mean 560/1020 = 54.9%, almost surely below 60%: flagged.
    for _ in range(10):
        measure(tqf, make_org("primary_care", tree.icb), "P1", "2025/26", 55, 100)
    measure(tqf, tree.practice, "P1", "2025/26", 5, 10)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    html = client.get(f"/scoring/runs/{run.id}/orgs/{tree.practice.id}").get_data(as_text=True)
    [(flag, row)] = _rows(html)
    assert flag == "probably_worse"
    assert re.search(r'data-testid="eb-estimate">54\.9%<', row)
    assert "60.0%, the minimum standard" in row
    assert "Probably below the minimum standard" in row


def test_a_trusts_scorecard_has_no_small_units_section(tqf, tree, measure, client, login_as):
    measure(tqf, tree.trust_a, "P1", "2025/26", 55, 100)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    html = client.get(f"/scoring/runs/{run.id}/orgs/{tree.trust_a.id}").get_data(as_text=True)
    assert 'data-testid="small-units"' not in html


def test_a_practices_kept_estimates_follow_its_counts(
    tqf, tree, measure, make_org, client, login_as
):
    # As above: the prior is Beta(555, 455), fitted on the first view and kept for the run.
    # The practice's 5 of 10 gives Beta(560, 460): 560/1020 = 54.9%. Were its count 10 of 10
    # (changed behind the page's back), the kept estimate must not be shown: Beta(565, 455),
    # 565/1020 = 55.4%.
    from sqlalchemy import update

    from qframe.extensions import db
    from qframe.scoring.models import Score

    for _ in range(10):
        measure(tqf, make_org("primary_care", tree.icb), "P1", "2025/26", 55, 100)
    measure(tqf, tree.practice, "P1", "2025/26", 5, 10)
    run = score_period(None, tqf, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    url = f"/scoring/runs/{run.id}/orgs/{tree.practice.id}"
    for _ in range(2):  # the second view from what was kept
        [(_flag, row)] = _rows(client.get(url).get_data(as_text=True))
        assert re.search(r'data-testid="eb-estimate">54\.9%<', row)
    db.session.execute(
        update(Score)
        .where(Score.run_id == run.id, Score.organisation_id == tree.practice.id)
        .values(numerator=10)
    )
    db.session.commit()
    [(_flag, row)] = _rows(client.get(url).get_data(as_text=True))
    assert re.search(r'data-testid="eb-estimate">55\.4%<', row)
