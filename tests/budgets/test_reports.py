"""Holder and provider reports, and the overspend signal the escalation ladder will read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qframe.budgets.reports import holder_report, overspend_signals, positions, provider_holders

YEAR = "2025/26"


@pytest.fixture
def ward(tree, make_budget):
    """Nursing pay £1.2m, £110k a month against £100k; income £120k, £12k a month against £10k."""
    return make_budget(
        tree.ward_a,
        {"pay_nursing": 1_200_000_00, "income": 120_000_00},
        {"pay_nursing": [110_000_00] * 4, "income": [12_000_00] * 4},
    )


def test_a_holders_report_gives_year_to_date_variance_and_forecast_per_line(ward):
    report = holder_report(ward, YEAR)
    nursing, income = (r.position for r in report.lines)
    assert report.closed == 4
    assert (nursing.budget_ytd, nursing.actual_ytd) == (400_000_00, 440_000_00)
    assert nursing.variance == -40_000_00
    assert nursing.variance_percent == Decimal(-10)
    assert nursing.forecast == 440_000_00 + 8 * 110_000_00
    assert report.lines[0].status == (
        "£40,000 overspent on nursing pay, forecast £120,000 over by March"
    )
    # More income is good: £8,000 above plan is favourable.
    assert income.variance == 8_000_00
    assert "above the income plan" in report.lines[1].status


def test_the_total_is_expenditure_less_income(ward):
    report = holder_report(ward, YEAR)
    assert report.total.budget_ytd == 400_000_00 - 40_000_00
    assert report.total.actual_ytd == 440_000_00 - 48_000_00
    assert report.total.variance == -32_000_00
    assert report.total_status.startswith("£32,000 overspent overall")
    assert report.net_budget_by_month[0] == 100_000_00 - 10_000_00


def test_a_holder_without_actuals_forecasts_its_budget(tree, make_budget):
    holder = make_budget(tree.ward_a2, {"pay_nursing": 1_200_000_00})
    report = holder_report(holder, YEAR)
    assert report.closed == 0
    assert report.total.forecast == 1_200_000_00
    assert report.chart.actual == ""


def test_months_without_a_posting_count_as_zero_once_later_months_have_closed(tree, make_budget):
    holder = make_budget(
        tree.ward_a2,
        {"pay_nursing": 1_200_000_00, "nonpay_drugs": 12_000_00},
        {"pay_nursing": [100_000_00] * 3},
    )
    drugs = holder_report(holder, YEAR).lines[1]
    assert drugs.posted[:3] == (False, False, False)
    assert drugs.position.actual_ytd == 0
    assert drugs.position.variance == 3_000_00


def test_overspend_signals_cover_the_providers_holders_only(tree, make_budget, ward):
    line = make_budget(tree.line_a, {"pay_medical": 1_200_000_00}, {"pay_medical": [95_000_00] * 4})
    make_budget(tree.line_b, {"pay_medical": 1_200_000_00}, {"pay_medical": [200_000_00] * 4})
    make_budget(tree.ward_a2, {"pay_nursing": 1_200_000_00})  # no actuals: no signal
    signals = overspend_signals([tree.trust_a.id], YEAR)
    assert signals == {
        tree.ward_a.id: pytest.approx(32_000_00 / 360_000_00 * 100, abs=0.01),
        line.organisation_id: -5.0,
    }
    assert all(isinstance(v, float) for v in signals.values())


def test_finance_positions_flag_overspend_beyond_the_configured_percent(
    app, monkeypatch, tree, ward
):
    # Ward A's net overspend is 8.9% of its year-to-date budget.
    holders = provider_holders([tree.trust_a.id])
    monkeypatch.setitem(app.config, "BUDGET_OVERSPEND_FLAG_PERCENT", 5)
    assert [p.flagged for p in positions(holders, YEAR)] == [True]
    monkeypatch.setitem(app.config, "BUDGET_OVERSPEND_FLAG_PERCENT", 10)
    assert [p.flagged for p in positions(holders, YEAR)] == [False]
