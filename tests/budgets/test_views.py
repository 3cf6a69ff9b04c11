"""Holders' pages: scope, the position page and its chart, CSV, drill-down, virement form."""

from __future__ import annotations

import csv
import io
import re

import pytest

from qframe.budgets.services import holder_lines

YEAR = "2025/26"


@pytest.fixture
def ward(tree, make_budget):
    return make_budget(
        tree.ward_a,
        {"pay_nursing": 1_200_000_00, "nonpay_drugs": 120_000_00, "income": 60_000_00},
        {"pay_nursing": [110_000_00] * 6, "nonpay_drugs": [10_000_00] * 6},
        limit=25_000_00,
    )


def test_a_clinical_director_sees_their_service_line_and_its_wards_only(
    client, tree, make_budget, login_as
):
    for org in (tree.line_a, tree.ward_a, tree.ward_a2, tree.line_a2, tree.ward_b):
        make_budget(org, {"pay_other": 1_200_000_00})
    login_as("clinical_director", [tree.line_a])
    page = client.get("/budgets/").get_data(as_text=True)
    for org in (tree.line_a, tree.ward_a, tree.ward_a2):
        assert org.code in page
    for org in (tree.line_a2, tree.ward_b):
        assert org.code not in page


def test_a_nurse_manager_gets_404_for_another_ward(client, tree, make_budget, login_as, ward):
    other = make_budget(tree.ward_a2, {"pay_nursing": 1_000_000_00})
    login_as("nurse_manager", [tree.ward_a])
    assert client.get(f"/budgets/{ward.id}").status_code == 200
    assert client.get(f"/budgets/{other.id}").status_code == 404
    assert client.get(f"/budgets/{other.id}/budget.csv").status_code == 404
    assert client.get(f"/budgets/{other.id}/virements/new").status_code == 404


def test_the_budget_page_states_the_position_in_words_and_draws_the_burn_chart(
    client, tree, login_as, ward
):
    login_as("nurse_manager", [tree.ward_a])
    response = client.get(f"/budgets/{ward.id}")
    page = response.get_data(as_text=True)
    assert "£60,000 overspent on nursing pay, forecast £120,000 over by March" in page
    assert "more income is good" in page
    assert "end of September (month 6 of 12)" in page
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    assert svg.count("<polyline") == 3
    assert "style=" not in page
    assert "<script" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_csv_download_has_one_row_per_line_and_the_net_total(client, tree, login_as, ward):
    login_as("nurse_manager", [tree.ward_a])
    response = client.get(f"/budgets/{ward.id}/budget.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["category"] for r in rows] == ["pay_nursing", "nonpay_drugs", "income", "total"]
    assert rows[0]["variance"] == "-60000.00"
    assert rows[0]["forecast_outturn"] == "1320000.00"
    # Income: nothing received against £30,000 planned is adverse.
    assert rows[2]["variance"] == "-30000.00"
    months = client.get(f"/budgets/{ward.id}/budget.csv?detail=months").get_data(as_text=True)
    assert len(months.strip().splitlines()) == 1 + 3 * 12


def test_the_drill_down_shows_each_month_and_refuses_another_holders_line(
    client, tree, make_budget, login_as, ward
):
    other = make_budget(tree.ward_a2, {"pay_nursing": 1_000_000_00})
    login_as("clinical_director", [tree.line_a])
    nursing = holder_lines(ward.id, YEAR)["pay_nursing"]
    page = client.get(f"/budgets/{ward.id}/lines/{nursing.id}").get_data(as_text=True)
    # Each closed month is £10,000 over; the last six months are still open.
    assert page.count("−£10,000.00") == 6
    assert page.count(">open<") == 6
    assert "−£60,000.00" in page
    foreign = holder_lines(other.id, YEAR)["pay_nursing"]
    assert client.get(f"/budgets/{ward.id}/lines/{foreign.id}").status_code == 404


def test_a_bad_year_in_the_address_is_a_clear_error(client, tree, login_as, ward):
    login_as("nurse_manager", [tree.ward_a])
    response = client.get(f"/budgets/{ward.id}?year=2025-26")
    assert response.status_code == 422
    assert "2025/26" in response.get_data(as_text=True)


def _form(client, ward, **fields):
    page = client.get(f"/budgets/{ward.id}/virements/new").get_data(as_text=True)
    versions = re.search(r'name="versions" type="hidden" value="([^"]*)"', page).group(1)
    lines = holder_lines(ward.id, YEAR)
    data = {
        "from_line": lines["pay_nursing"].id,
        "to_line": lines["nonpay_drugs"].id,
        "amount": "20000",
        "reason": "Oncology drugs",
        "versions": versions,
    }
    data.update(fields)
    return client.post(f"/budgets/{ward.id}/virements/new", data=data)


def test_a_nurse_manager_moves_money_within_the_limit(client, tree, login_as, ward):
    login_as("nurse_manager", [tree.ward_a])
    response = _form(client, ward)
    assert response.status_code == 302
    assert holder_lines(ward.id, YEAR)["nonpay_drugs"].annual_pence == 140_000_00


def test_above_the_limit_the_virement_waits_for_finance(client, tree, login_as, ward):
    login_as("clinical_director", [tree.line_a])
    assert _form(client, ward, amount="25000.01").status_code == 302
    page = client.get(f"/budgets/{ward.id}").get_data(as_text=True)
    assert "Pending" in page
    assert holder_lines(ward.id, YEAR)["nonpay_drugs"].annual_pence == 120_000_00


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "A virement of zero moves nothing"),
        ("-500", "Enter a positive amount"),
        ("600000.01", "is more than the £600,000.00 left"),
        ("lots", "Enter an amount in pounds"),
    ],
)
def test_a_refused_virement_shows_why_and_changes_nothing(
    client, tree, login_as, ward, snapshot, amount, message
):
    login_as("nurse_manager", [tree.ward_a])
    before = snapshot()
    response = _form(client, ward, amount=amount)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_virement_to_another_holders_line_is_refused(
    client, tree, make_budget, login_as, ward, snapshot
):
    other = make_budget(tree.ward_a2, {"pay_nursing": 1_000_000_00})
    login_as("clinical_director", [tree.line_a])
    before = snapshot()
    response = _form(client, ward, to_line=holder_lines(other.id, YEAR)["pay_nursing"].id)
    assert response.status_code == 422
    assert snapshot() == before


def test_a_virement_from_a_stale_form_gets_409(client, tree, login_as, ward, snapshot):
    login_as("nurse_manager", [tree.ward_a])
    page = client.get(f"/budgets/{ward.id}/virements/new").get_data(as_text=True)
    versions = re.search(r'name="versions" type="hidden" value="([^"]*)"', page).group(1)
    assert _form(client, ward).status_code == 302  # someone else moves money first
    before = snapshot()
    response = _form(client, ward, versions=versions)
    assert response.status_code == 409
    assert snapshot() == before


def test_a_provider_lead_reads_but_cannot_move_money(client, tree, login_as, ward, snapshot):
    login_as("provider_lead", [tree.trust_a])
    assert client.get(f"/budgets/{ward.id}").status_code == 200
    before = snapshot()
    response = client.post(f"/budgets/{ward.id}/virements/new", data={"amount": "1", "reason": "x"})
    assert response.status_code == 403
    assert snapshot() == before


def test_commissioners_have_no_budget_pages(client, tree, login_as, ward):
    login_as("commissioner", [tree.icb])
    assert client.get("/budgets/").status_code == 403
    assert client.get(f"/budgets/{ward.id}").status_code == 403


def test_a_virement_is_confirmed_with_its_money_before_it_applies(client, tree, login_as, ward):
    login_as("nurse_manager", [tree.ward_a])
    review = _form(client, ward, amount="£20,000", review="1")
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Move £20,000.00?" in html
    assert "applies at once" in html
    assert holder_lines(ward.id, YEAR)["nonpay_drugs"].annual_pence == 120_000_00
