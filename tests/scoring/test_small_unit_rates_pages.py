"""Issue 13: small units' rates borrow strength too (Poisson-gamma), on the ward page."""

import re
from decimal import Decimal, localcontext

from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import score_period
from tests.scoring.conftest import BASE
from tests.scoring.test_small_units_pages import _rows


def _poisson_cdf(k: int, lam: float) -> float:
    # Reference: Σ_{j ≤ k} e^(−λ) λ^j / j! in 60-digit decimals (P(Gamma(k+1, 1) > λ)).
    with localcontext() as ctx:
        ctx.prec = 60
        lam_d = Decimal(repr(lam))
        term = total = (-lam_d).exp()
        for j in range(1, k + 1):
            term = term * lam_d / j
            total += term
        return float(total)


def test_a_small_wards_high_falls_rate_is_pulled_towards_the_other_wards(
    tqf, tree, measure, make_org, client, login_as
):
    # W1: falls per 1,000 bed days, lower is better, minimum standard 12. Ten peer wards with
    # 4 falls in 1,000 bed days and ward A with 3 in 250 (12.00 per 1,000). The peers vary no
    # more than chance (S = 0.0156 < r̂ (I − 1) = 0.0420), so the prior is capped at all their
    # data, Gamma(43, 10,250). Ward A's posterior Gamma(46, 10,500): estimate
    # 46/10,500 × 1,000 = 4.38 per 1,000, pulled 10,250/10,500 = 98% of the way to
    # 43/10,250 × 1,000 = 4.20; P(rate > 0.012) = P(Poisson(126) ≤ 45), practically 0.
    for _ in range(10):
        measure(tqf, make_org("ward", tree.line_a), "W1", "2025-04", 4, 1000)
    measure(tqf, tree.ward_a, "W1", "2025-04", 3, 250)
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/scoring/wards/{tree.ward_a.id}").get_data(as_text=True)
    assert 'data-testid="small-units-rates"' in html
    assert "Poisson-gamma empirical Bayes" in html
    [(flag, row)] = _rows(html)
    assert flag == "not_flagged"
    assert "12.00<br>" in row
    assert "3 in 250 exposure" in row  # W1 has no unit to name its bed days
    assert re.search(r'data-testid="eb-estimate">4\.38<', row)
    assert "average of 11: 4.20; pulled 98% of the way" in row
    assert "above 12.00, the minimum standard" in row
    assert re.search(r'data-testid="eb-probability">0%<', row)
    assert _poisson_cdf(45, 126.0) < 0.005


def test_a_ward_whose_peers_all_fall_above_the_standard_is_flagged_probably_above_it(
    tqf, tree, measure, make_org, client, login_as
):
    # Ten peer wards at 15 falls in 1,000 bed days and ward A at 4 in 250 (16.00). With ward A
    # among the peers, N = 10,250 and Σx = 154; they vary no more than chance, so the prior is
    # capped at Gamma(154, 10,250); posterior Gamma(158, 10,500), estimate
    # 158/10,500 × 1,000 = 15.05. P(rate > 0.012) = Q(158, 126) = P(Poisson(126) ≤ 157).
    for _ in range(10):
        measure(tqf, make_org("ward", tree.line_a), "W1", "2025-04", 15, 1000)
    measure(tqf, tree.ward_a, "W1", "2025-04", 4, 250)
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/scoring/wards/{tree.ward_a.id}").get_data(as_text=True)
    [(flag, row)] = _rows(html)
    p_worse = _poisson_cdf(157, 126.0)
    assert p_worse >= 0.9
    assert flag == "probably_worse"
    assert re.search(r'data-testid="eb-estimate">15\.05<', row)
    assert re.search(rf'data-testid="eb-probability">{100 * p_worse:.0f}%<', row)
    assert "Probably above the minimum standard" in row


PRACTICE_RATE = {
    "code": "PR",
    "domain": "SAF",
    "title": "Emergency admissions per 1,000 patients",
    "measure": "rate",
    "multiplier": "1000",
    "unit": "per 1,000 registered patients",
    "polarity": "lower_is_better",
    "level": "provider",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "10", "upper": "5"},
    "minimum_standard": None,
    "min_denominator": None,
}


def test_a_small_practices_rate_is_estimated_on_its_scorecard(
    make_framework, tree, measure, make_org, client, login_as
):
    # Ten practices with 12 admissions in 1,000 patients and the test practice with 2 in 100
    # (20.00). No minimum standard: the bar is the lower threshold, 10 per 1,000 (no points
    # above it). Capped prior Gamma(122, 10,100); posterior Gamma(124, 10,200), estimate
    # 124/10,200 × 1,000 = 12.16; P(rate > 0.010) = P(Poisson(102) ≤ 123).
    framework = make_framework(indicators=[*BASE["indicators"], PRACTICE_RATE])
    for _ in range(10):
        measure(framework, make_org("primary_care", tree.icb), "PR", "2025/26", 12, 1000)
    measure(framework, tree.practice, "PR", "2025/26", 2, 100)
    run = score_period(None, framework, get_or_create_period("2025/26"))
    login_as("commissioner", [tree.icb])
    html = client.get(f"/scoring/runs/{run.id}/orgs/{tree.practice.id}").get_data(as_text=True)
    [(flag, row)] = _rows(html)
    p_worse = _poisson_cdf(123, 102.0)
    assert p_worse >= 0.9
    assert flag == "probably_worse"
    assert "rate per 1,000 registered patients" in row
    assert "2 in 100 registered patients" in row
    # The 95% credible interval of Gamma(124, 10,200), per 1,000: each end, rounded to 2 places,
    # brackets its quantile. P(Gamma(124, 1) ≤ y) = 1 − P(Poisson(y) ≤ 123).
    low, high = map(float, re.search(r"95% interval ([\d.]+)–([\d.]+)<", row).groups())
    for end, q in ((low, 0.025), (high, 0.975)):
        below, above = (10.2 * (end + step) for step in (-0.005, 0.005))
        assert 1 - _poisson_cdf(123, below) <= q <= 1 - _poisson_cdf(123, above)
    assert re.search(r'data-testid="eb-estimate">12\.16<', row)
    assert re.search(rf'data-testid="eb-probability">{100 * p_worse:.0f}%<', row)
    assert "above 10.00, the lower threshold (no points above it)" in row
