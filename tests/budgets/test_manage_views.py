"""Finance pages: the provider view, approvals, funding, limits, opening budgets, ledger upload."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from qframe.budgets.models import BudgetActual, BudgetHolder
from qframe.budgets.services import holder_lines
from qframe.budgets.virements import request_virement

YEAR = "2025/26"


@pytest.fixture
def ward(tree, make_budget):
    return make_budget(
        tree.ward_a,
        {"pay_nursing": 1_200_000_00, "nonpay_drugs": 120_000_00},
        {"pay_nursing": [110_000_00] * 6, "nonpay_drugs": [10_000_00] * 6},
        limit=25_000_00,
    )


@pytest.fixture
def pending(ward, make_user, tree):
    lines = holder_lines(ward.id, YEAR)
    director = make_user("clinical_director", [tree.line_a])
    return request_virement(
        director,
        ward,
        YEAR,
        from_line_id=lines["pay_nursing"].id,
        to_line_id=lines["nonpay_drugs"].id,
        amount_pence=50_000_00,
        reason="Oncology drugs",
    )


def test_finance_sees_the_providers_holders_flags_and_pending_virements(
    client, tree, login_as, make_budget, ward, pending
):
    make_budget(tree.line_a, {"pay_medical": 1_200_000_00}, {"pay_medical": [100_000_00] * 6})
    login_as("finance", [tree.icb])
    page = client.get(f"/budgets/manage/?provider={tree.trust_a.id}").get_data(as_text=True)
    assert "Flagged: over 5.0%" in page
    # The ward is £60,000 over on £660,000 to date (9.1%); the service line is on budget.
    assert page.count("Flagged:") == 1
    assert "Oncology drugs" in page
    assert "Approve or reject" in page
    assert tree.ward_a2.code in page  # no budget yet: finance can open one
    exported = client.get(f"/budgets/manage/holders.csv?provider={tree.trust_a.id}")
    rows = {
        r["cost_centre"]: r for r in csv.DictReader(io.StringIO(exported.get_data(as_text=True)))
    }
    assert rows[tree.ward_a.code]["flagged"] == "yes"
    assert rows[tree.ward_a.code]["overspend_percent"] == "9.1"
    assert rows[tree.line_a.code]["flagged"] == "no"


def test_finance_cannot_pick_a_provider_outside_its_scope(client, tree, login_as):
    login_as("finance", [tree.icb])
    assert client.get(f"/budgets/manage/?provider={tree.other_trust.id}").status_code == 404


def test_finance_approves_a_virement_and_the_money_moves(client, tree, login_as, ward, pending):
    login_as("finance", [tree.icb])
    response = client.post(
        f"/budgets/manage/virements/{pending.id}",
        data={"version": str(pending.version), "comment": "Agreed", "approve": "Approve"},
    )
    assert response.status_code == 302
    assert holder_lines(ward.id, YEAR)["nonpay_drugs"].annual_pence == 170_000_00


def test_rejecting_without_a_comment_is_refused(client, tree, login_as, ward, pending, snapshot):
    login_as("finance", [tree.icb])
    before = snapshot()
    response = client.post(
        f"/budgets/manage/virements/{pending.id}",
        data={"version": str(pending.version), "comment": "", "reject": "Reject"},
    )
    assert response.status_code == 422
    assert "Say why the virement is rejected" in response.get_data(as_text=True)
    assert snapshot() == before


def test_approving_your_own_virement_is_forbidden(client, db, tree, login_as, ward, snapshot):
    admin = login_as("admin")
    lines = holder_lines(ward.id, YEAR)
    mine = request_virement(
        admin,
        ward,
        YEAR,
        from_line_id=lines["pay_nursing"].id,
        to_line_id=lines["nonpay_drugs"].id,
        amount_pence=50_000_00,
        reason="mine",
    )
    db.session.commit()  # as the request that created it would have
    before = snapshot()
    response = client.post(
        f"/budgets/manage/virements/{mine.id}", data={"version": "1", "approve": "Approve"}
    )
    assert response.status_code == 403
    assert "you requested" in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_stale_approval_form_gets_409(client, tree, login_as, ward, pending, snapshot):
    login_as("finance", [tree.icb])
    before = snapshot()
    response = client.post(
        f"/budgets/manage/virements/{pending.id}", data={"version": "0", "approve": "Approve"}
    )
    assert response.status_code == 409
    assert snapshot() == before


def test_finance_of_another_commissioner_gets_404(client, tree, login_as, ward, pending):
    login_as("finance", [tree.other_icb])
    assert client.get(f"/budgets/manage/virements/{pending.id}").status_code == 404
    assert client.get(f"/budgets/manage/holders/{ward.id}").status_code == 404


def test_finance_adds_funding_from_the_holder_page(client, tree, login_as, ward):
    login_as("finance", [tree.icb])
    page = client.get(f"/budgets/manage/holders/{ward.id}").get_data(as_text=True)
    versions = re.search(r'name="versions" type="hidden" value="([^"]*)"', page).group(1)
    response = client.post(
        f"/budgets/manage/holders/{ward.id}/funding",
        data={
            "category": "pay_nursing",
            "amount": "-6000",
            "reason": "Beds closed",
            "versions": versions,
        },
    )
    assert response.status_code == 302
    assert holder_lines(ward.id, YEAR)["pay_nursing"].annual_pence == 1_194_000_00


def test_a_stale_delegated_limit_form_gets_409(client, tree, login_as, ward, snapshot):
    login_as("finance", [tree.icb])
    response = client.post(
        f"/budgets/manage/holders/{ward.id}/limit",
        data={"limit": "30000", "version": str(ward.version)},
    )
    assert response.status_code == 302
    response = client.post(
        f"/budgets/manage/holders/{ward.id}/limit", data={"limit": "1", "version": "1"}
    )
    assert response.status_code == 409
    assert ward.delegated_limit_pence == 30_000_00


def test_finance_opens_a_budget_for_a_ward(client, db, tree, login_as):
    login_as("finance", [tree.icb])
    response = client.post(f"/budgets/manage/orgs/{tree.ward_a2.id}/open")
    assert response.status_code == 302
    holder = db.session.scalar(
        select(BudgetHolder).where(BudgetHolder.organisation_id == tree.ward_a2.id)
    )
    assert holder.cost_centre == tree.ward_a2.code


def _upload(client, text: str, action: str = "import"):
    return client.post(
        "/budgets/manage/ledger",
        data={"year": "", "action": action, "file": (io.BytesIO(text.encode()), "ledger.csv")},
        content_type="multipart/form-data",
    )


def test_the_ledger_upload_previews_then_imports(client, db, tree, login_as, ward, snapshot):
    login_as("finance", [tree.icb])
    text = f"cost_centre,month,category,amount\n{ward.cost_centre},2025-10,pay_nursing,98000\n"
    before = snapshot()
    preview = _upload(client, text, "preview")
    assert "Preview: nothing saved yet" in preview.get_data(as_text=True)
    assert snapshot() == before
    assert _upload(client, text).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(BudgetActual)) == 13
    again = _upload(client, text).get_data(as_text=True)
    assert "already in the ledger: nothing changed" in again


def test_a_bad_ledger_file_shows_the_problem_table_and_saves_nothing(
    client, tree, login_as, make_budget, ward, snapshot
):
    other = make_budget(tree.other_ward, {"pay_nursing": 1})
    login_as("finance", [tree.icb])
    before = snapshot()
    response = _upload(
        client,
        "cost_centre,month,category,amount\n"
        f"{ward.cost_centre},2025-10,pay_nursing,<script>\n"
        f"{other.cost_centre},2025-10,pay_nursing,1\n",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved: 2 problems" in page
    assert "bad_amount" in page
    assert "out_of_scope" in page
    assert "<script>" not in page
    assert snapshot() == before


def test_a_ledger_upload_must_be_a_csv_file(client, tree, login_as):
    login_as("finance", [tree.icb])
    response = client.post(
        "/budgets/manage/ledger",
        data={"action": "import", "file": (io.BytesIO(b"MZ\x90"), "ledger.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Only .csv files are accepted" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("funding", {"category": "pay_nursing", "amount": "0", "reason": "x"}, "other than zero"),
        ("funding", {"category": "pay_nursing", "amount": "1e309", "reason": "x"}, "in pounds"),
        ("limit", {"limit": "-5", "version": "1"}, "not negative"),
    ],
)
def test_bad_finance_forms_say_why_and_change_nothing(
    client, tree, login_as, ward, snapshot, url, data, message
):
    login_as("finance", [tree.icb])
    before = snapshot()
    response = client.post(f"/budgets/manage/holders/{ward.id}/{url}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_approval_queue_covers_every_provider_in_scope_and_nothing_else(
    client, tree, login_as, make_budget, make_user, ward, pending
):
    budgets = {"pay_nursing": 1_200_000_00, "nonpay_drugs": 1}
    for org, reason in ((tree.ward_b, "Trust B request"), (tree.other_ward, "Elsewhere")):
        holder = make_budget(org, budgets, limit=0)
        lines = holder_lines(holder.id, YEAR)
        request_virement(
            make_user("admin"),
            holder,
            YEAR,
            from_line_id=lines["pay_nursing"].id,
            to_line_id=lines["nonpay_drugs"].id,
            amount_pence=1_00,
            reason=reason,
        )
    login_as("finance", [tree.icb])
    page = client.get(f"/budgets/manage/?provider={tree.trust_a.id}").get_data(as_text=True)
    assert "Oncology drugs" in page
    assert "Trust B request" in page
    assert "Elsewhere" not in page
