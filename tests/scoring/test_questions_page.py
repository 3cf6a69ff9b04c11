"""Issue 13 item 9: gaming signals shown to the commissioner as questions to ask, with a CSV."""

import csv
import io

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period

Q4 = "2025/26 Q4"


def _page(client, run):
    return client.get(f"/variation/runs/{run.id}/questions").get_data(as_text=True)


def _csv(client, run):
    body = client.get(f"/variation/runs/{run.id}/questions.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body)))


def test_a_high_exception_rate_is_a_question_with_its_interval(
    tqf, tree, measure, make_org, client, login_as
):
    # Twelve trusts except 5 of 100 eligible patients (80 of the 95 left achieve), one
    # excepts 30 of 100: θ = 90/1300 = 6.9%, and 30% is far above the 99.8% limit (19.1% at
    # n = 100, tests/engine/test_gaming.py). Wilson 95% for 30/100 is 21.9% to 39.6%.
    for _ in range(12):
        row = measure(tqf, make_org("acute", tree.icb), "P1", Q4, 80, 95)
        row.exclusions = 5
    high = make_org("acute", tree.icb, name="Highgate Trust")
    measure(tqf, high, "P1", Q4, 60, 70).exclusions = 30
    run = score_period(None, tqf, get_or_create_period(Q4))
    login_as("commissioner", [tree.icb])
    html = _page(client, run)
    assert html.count('data-testid="question"') == 1
    assert "Why does Highgate Trust except so many patients from P1?" in html
    assert "30 of 100 eligible patients excepted (30.0%, 95% interval 21.9–39.6%)" in html
    assert "against 6.9% across these providers" in html
    [row] = _csv(client, run)
    assert row["kind"] == "exceptions"
    assert row["organisation_name"] == "Highgate Trust"
    assert float(row["value"]) == 30.0
    assert (round(float(row["ci_low"]), 1), round(float(row["ci_high"]), 1)) == (21.9, 39.6)
    assert row["provisional"] == "no"


def test_without_exception_counts_the_page_says_no_questions_raised(
    tqf, tree, measure, client, login_as
):
    measure(tqf, tree.trust_a, "P1", Q4, 80, 100)
    run = score_period(None, tqf, get_or_create_period(Q4))
    login_as("commissioner", [tree.icb])
    html = _page(client, run)
    assert 'data-testid="no-questions"' in html
    assert "no exception counts have been submitted for this period" in html
    assert _csv(client, run) == []


def test_results_bunched_just_past_the_upper_threshold_raise_a_question(
    tqf, tree, measure, make_org, client, login_as
):
    # P1's upper threshold is 90%. Ten trusts at 90.5% (just past), one at 89.5% (just short),
    # one at 80% (outside the window): 10 of 11 just past, P(X ≥ 10 | Binomial(11, ½)) =
    # 12/2048 = 0.0059 < 0.01. The share 10/11 = 91%, Clopper–Pearson 95% interval 59%–100%.
    for n in range(10):
        measure(tqf, make_org("acute", tree.icb, name=f"Past {n}"), "P1", Q4, 905, 1000)
    measure(tqf, make_org("acute", tree.icb, name="Short"), "P1", Q4, 895, 1000)
    measure(tqf, make_org("acute", tree.icb, name="Far"), "P1", Q4, 800, 1000)
    run = score_period(None, tqf, get_or_create_period(Q4))
    login_as("commissioner", [tree.icb])
    html = _page(client, run)
    assert "Are P1 results being managed to just reach the full-points threshold of 90%?" in html
    assert "Of the 11 providers within 1 point of 90%, 10 are just at or above it (91%" in html
    assert "p = 0.0059" in html
    [row] = _csv(client, run)
    assert row["kind"] == "bunching"
    assert round(float(row["value"]), 4) == round(10 / 11, 4)
    assert float(row["expected"]) == 0.5


def test_a_denominator_that_falls_in_the_final_quarter_raises_a_question(
    tqf, tree, measure, client, login_as
):
    # Trust A: 100, 104, 98 then 70. Mean 100.67, variance 9.33 (less than Poisson), so the
    # exact Poisson 99.8% lower limit decides: 71 (tests/engine/test_gaming.py). Trust B's
    # 95 is ordinary.
    for trust, last in ((tree.trust_a, 70), (tree.trust_b, 95)):
        for quarter, den in zip(("Q1", "Q2", "Q3", "Q4"), (100, 104, 98, last), strict=True):
            measure(tqf, trust, "P1", f"2025/26 {quarter}", den // 2, den)
    run = score_period(None, tqf, get_or_create_period(Q4))
    login_as("commissioner", [tree.icb])
    html = _page(client, run)
    assert html.count('data-testid="question"') == 1
    assert f"Why did {tree.trust_a.name}&#39;s P1 denominator fall in 2025/26 Q4?" in html
    assert "70 in 2025/26 Q4 against an average of 101 in its 3 earlier periods (30% lower)" in html
    [row] = _csv(client, run)
    assert row["organisation_code"] == tree.trust_a.code
    assert float(row["ci_low"]) == 71.0


def test_another_icbs_commissioner_cannot_open_the_questions(tqf, tree, measure, client, login_as):
    measure(tqf, tree.trust_a, "P1", Q4, 80, 100)
    run = score_period(None, tqf, get_or_create_period(Q4))
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/variation/runs/{run.id}/questions").status_code == 404
    assert client.get(f"/variation/runs/{run.id}/questions.csv").status_code == 404
