"""Organisation pages respect scope: out-of-scope organisations are 404, lists never leak."""

from __future__ import annotations

from qframe.extensions import db


def test_a_nurse_manager_sees_their_ward_but_not_a_sibling_ward(client, login_as, tree):
    login_as("nurse_manager", [tree.ward_a])
    assert client.get(f"/orgs/{tree.ward_a.id}").status_code == 200
    assert client.get(f"/orgs/{tree.ward_a2.id}").status_code == 404
    assert client.get(f"/orgs/{tree.trust_a.id}").status_code == 404


def test_a_provider_scope_covers_its_service_lines_and_wards_only(client, login_as, tree):
    login_as("provider_lead", [tree.trust_a])
    assert client.get(f"/orgs/{tree.ward_a2.id}").status_code == 200
    assert client.get(f"/orgs/{tree.line_a2.id}").status_code == 200
    assert client.get(f"/orgs/{tree.trust_b.id}").status_code == 404
    assert client.get(f"/orgs/{tree.other_ward.id}").status_code == 404


def test_the_list_and_csv_contain_only_organisations_in_scope(client, login_as, tree):
    login_as("commissioner", [tree.icb])
    page = client.get("/orgs/").get_data(as_text=True)
    csv = client.get("/orgs/organisations.csv").get_data(as_text=True)
    assert tree.ward_b.code in page
    assert tree.other_trust.code not in page
    assert tree.other_trust.code not in csv
    assert csv.splitlines()[0] == "code,name,kind,parent_code,contract_value,list_size"


def test_text_that_looks_like_a_formula_is_neutralised_in_the_csv(client, login_as, tree):
    tree.ward_a.name = "=HYPERLINK(1)"
    db.session.flush()
    login_as("admin")
    csv = client.get("/orgs/organisations.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv


def test_html_in_a_name_is_shown_escaped(client, login_as, tree):
    tree.ward_a.name = "<script>alert(1)</script>"
    db.session.flush()
    login_as("admin")
    page = client.get(f"/orgs/{tree.ward_a.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_an_admin_edits_contract_value_in_exact_pence_and_it_is_audited(client, login_as, tree):
    login_as("admin")
    response = client.post(
        f"/orgs/{tree.trust_a.id}/edit",
        data={
            "name": "Trust A",
            "contract_value": "123456789.10",
            "list_size": "",
            "version": tree.trust_a.version,
        },
    )
    assert response.status_code == 302
    assert tree.trust_a.contract_value_pence == 12_345_678_910


def test_a_stale_org_edit_gets_409(client, login_as, tree):
    login_as("admin")
    stale = tree.trust_a.version
    tree.trust_a.name = "Changed meanwhile"
    db.session.commit()  # another user's saved change
    response = client.post(f"/orgs/{tree.trust_a.id}/edit", data={"name": "Mine", "version": stale})
    assert response.status_code == 409
