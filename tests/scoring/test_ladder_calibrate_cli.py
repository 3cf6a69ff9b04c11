"""`qframe escalation calibrate` (formats.md): rates on the framework's own providers."""

import re

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period


def test_calibrate_without_a_scored_year_says_so_in_words(runner, tqf):
    result = runner.invoke(args=["escalation", "calibrate", "--framework", "TQF"])
    assert result.exit_code == 1
    assert "has no scored period yet" in result.output


def test_calibrate_prints_each_scenarios_rate_beside_domain_md_and_the_naive_rule(
    runner, tqf, tree, measure, make_org
):
    # Twelve trusts near 85% of 8,000 a quarter on P1: enough for a local τ² estimate.
    for k in range(12):
        org = make_org("acute", tree.icb, name=f"Trust {k}")
        measure(tqf, org, "P1", period="2025/26 Q1", numerator=6700 + 20 * k, denominator=8000)
    score_period(None, tqf, get_or_create_period("2025/26 Q1"))
    result = runner.invoke(
        args=["escalation", "calibrate", "--framework", "TQF", "--years", "5", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "12 providers x 1 indicators from 2025/26 Q1" in result.output
    lines = {
        key: re.search(rf"{key}.*?: ([\d.]+)% \(domain.md: ([<>]=) (\d+)%", result.output)
        for key in ("In control", "pocket", "Sustained")
    }
    assert all(lines.values()), result.output
    assert [m.group(2, 3) for m in lines.values()] == [("<=", "5"), ("<=", "10"), (">=", "80")]
    assert result.output.count("naive rule (any unadjusted 99.8% alarm => level 2)") == 3
    for m in lines.values():
        assert 0.0 <= float(m.group(1)) <= 100.0


def test_the_calibration_page_shows_each_scenario_against_domain_md(
    client, login_as, tqf, tree, measure, make_org
):
    for k in range(12):
        org = make_org("acute", tree.icb, name=f"Trust {k}")
        measure(tqf, org, "P1", period="2025/26 Q1", numerator=6700 + 20 * k, denominator=8000)
    score_period(None, tqf, get_or_create_period("2025/26 Q1"))
    login_as("commissioner", [tree.icb])
    html = client.get(f"/escalation/{tqf.id}/calibration?years=3").get_data(as_text=True)
    rows = re.findall(r'<tr data-scenario="(\w+)">', html)
    assert rows == ["in_control", "pocket", "sustained"]
    assert "≤ 5%" in html
    assert "≥ 80%" in html
    assert "Naive rule" in html
