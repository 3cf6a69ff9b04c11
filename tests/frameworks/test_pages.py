"""Framework pages: who sees what, the indicator table, downloads, the diff and the library."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from qframe.frameworks import services
from qframe.frameworks.models import Framework


@pytest.mark.parametrize("role", ["finance", "clinical_director", "nurse_manager", "provider_lead"])
def test_drafts_are_not_found_for_roles_other_than_commissioner(
    role, client, login_as, tree, make_draft
):
    draft = make_draft()
    login_as(role, tree.scope_for(role))
    assert client.get(f"/frameworks/{draft.id}").status_code == 404
    assert client.get(f"/frameworks/{draft.id}/framework.json").status_code == 404
    assert client.get(f"/api/v1/frameworks/{draft.id}").status_code == 404
    assert draft.code not in client.get("/frameworks/").get_data(as_text=True)


def test_drafts_are_not_found_for_a_commissioner_of_another_icb(client, login_as, tree, make_draft):
    draft = make_draft()
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/frameworks/{draft.id}").status_code == 404
    assert client.get(f"/frameworks/{draft.id}/edit").status_code == 404
    assert client.post(f"/frameworks/{draft.id}/publish").status_code == 404
    assert draft.code not in client.get("/frameworks/").get_data(as_text=True)


def test_a_commissioner_of_another_icb_reads_a_published_framework_but_cannot_manage_it(
    client, login_as, tree, make_published
):
    framework = make_published()
    login_as("commissioner", [tree.other_icb])
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "VTE risk assessment" in page
    assert "Create a new version" not in page
    assert client.post(f"/frameworks/{framework.id}/close").status_code == 404


def test_the_public_sees_published_frameworks_and_never_drafts(client, make_draft, make_published):
    draft = make_draft()
    published = make_published()
    listing = client.get("/frameworks/public/").get_data(as_text=True)
    assert f"/frameworks/public/{published.id}" in listing
    assert f"/frameworks/public/{draft.id}" not in listing
    assert client.get(f"/frameworks/public/{published.id}").status_code == 200
    assert client.get(f"/frameworks/public/{draft.id}").status_code == 404
    assert client.get(f"/frameworks/public/{draft.id}/framework.json").status_code == 404
    assert client.get(f"/frameworks/public/{draft.id}/diff").status_code == 404
    services.close_framework(None, published)
    assert client.get(f"/frameworks/public/{published.id}").status_code == 200
    assert "Published quality frameworks" in client.get("/").get_data(as_text=True)


def test_the_framework_page_explains_each_indicator_in_words_and_a_band(
    client, login_as, tree, make_published
):
    framework = make_published()
    login_as("provider_lead", [tree.trust_a])
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "Higher is better" in page
    assert "Lower is better" in page
    assert page.count('<svg class="band"') == 2  # one band per indicator
    assert "0 points at 90% or below, rising to full points at 95% or above" in page
    assert "0 points at 6.5 per 1,000 occupied bed days or above" in page
    assert "minimum standard 95%" in page
    assert "1.25% of each provider&#39;s contract value is at stake" in page
    assert "60% of the stake" in page
    assert "Create a new version" not in page


def test_the_commissioner_sees_the_management_buttons_for_their_draft(
    client, login_as, tree, make_draft
):
    draft = make_draft()
    login_as("commissioner", [tree.icb])
    page = client.get(f"/frameworks/{draft.id}").get_data(as_text=True)
    for label in ("Publish", "Add an indicator", "Edit details and domains", "Delete draft"):
        assert label in page


def test_text_in_a_framework_is_shown_escaped(client, login_as, tree, small, make_published):
    raw = small()
    raw["indicators"][0]["title"] = "<script>alert(1)</script>"
    framework = make_published(raw)
    login_as("commissioner", [tree.icb])
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_json_download_is_the_exact_export(client, login_as, tree, make_published):
    framework = make_published()
    login_as("finance", [tree.icb])
    response = client.get(f"/frameworks/{framework.id}/framework.json")
    assert response.get_data(as_text=True) == services.framework_json(framework)
    assert "attachment" in response.headers["Content-Disposition"]
    public = client.get(f"/frameworks/public/{framework.id}/framework.json")
    assert public.get_data(as_text=True) == services.framework_json(framework)


def test_the_indicators_csv_lists_each_indicator(client, login_as, tree, make_published):
    framework = make_published()
    login_as("finance", [tree.icb])
    text = client.get(f"/frameworks/{framework.id}/indicators.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["code"], r["lower"], r["upper"]) for r in rows] == [
        ("VTE01", "90", "95"),
        ("FALL01", "6.5", "4.50"),
    ]


def test_the_diff_page_shows_added_removed_and_changed_indicators(
    db, client, login_as, tree, small, make_published
):
    old = make_published()
    draft = services.new_version(None, old, "Tighter VTE band, new sepsis indicator")
    raw = json.loads(services.framework_json(draft))
    raw["indicators"][0]["scoring"]["upper"] = "97"
    raw["indicators"][1] = {**raw["indicators"][1], "code": "SEP01", "title": "Sepsis"}
    services.replace_draft(None, draft, services.parse_framework(json.dumps(raw)))
    login_as("clinical_director", [tree.line_a])
    assert client.get(f"/frameworks/{draft.id}/diff").status_code == 404  # a draft
    services.publish_framework(None, draft)
    page = client.get(f"/frameworks/{draft.id}/diff").get_data(as_text=True)
    assert "1 indicator added, 1 removed, 1 changed" in page
    assert "SEP01" in page
    assert "FALL01" in page
    assert "Upper threshold" in page
    assert "Tighter VTE band" in page
    public = client.get(f"/frameworks/public/{draft.id}/diff?against={old.id}")
    assert "Upper threshold" in public.get_data(as_text=True)


def test_the_diff_page_refuses_a_version_of_another_framework(
    client, login_as, tree, small, make_published
):
    framework = make_published()
    other = make_published(small(code="OTHER"))
    login_as("finance", [tree.icb])
    url = f"/frameworks/{framework.id}/diff?against={other.id}"
    assert client.get(url).status_code == 404


def test_the_library_page_lists_every_library_framework_with_counts(client, login_as, tree):
    login_as("commissioner", [tree.icb])
    page = client.get("/frameworks/library").get_data(as_text=True)
    for code, indicators in (("QOF-SCO", 74), ("QOF-ENG", 76), ("AQF", 13), ("CQF", 12)):
        assert f"<td>{code}</td>" in page
        assert f'<td class="num">{indicators}</td>' in page


def test_importing_from_the_library_creates_a_draft_for_the_commissioner(
    db, client, login_as, tree
):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/frameworks/library/community-quality-2025-26", data={"owner": str(tree.icb.id)}
    )
    assert response.status_code == 302
    framework = db.session.scalar(select(Framework).where(Framework.code == "CQF"))
    assert (framework.status, framework.owner_id, len(framework.indicators)) == (
        "draft",
        tree.icb.id,
        12,
    )


def test_importing_from_the_library_for_an_icb_outside_scope_is_refused(db, client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post(
        "/frameworks/library/community-quality-2025-26", data={"owner": str(tree.other_icb.id)}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Framework).where(Framework.code == "CQF")) is None


def test_an_unknown_library_slug_is_not_found(client, login_as, tree):
    login_as("commissioner", [tree.icb])
    response = client.post("/frameworks/library/qof-mars", data={"owner": str(tree.icb.id)})
    assert response.status_code == 404


def test_uploading_json_creates_a_draft(db, client, login_as, tree, small_json):
    login_as("commissioner", [tree.icb])
    upload = (io.BytesIO(small_json().encode()), "../../etc/framework.json")
    response = client.post("/frameworks/import", data={"file": upload, "owner": str(tree.icb.id)})
    assert response.status_code == 302
    framework = db.session.scalar(select(Framework).where(Framework.code == "TQF"))
    assert framework.status == "draft"


def test_the_list_shows_status_and_each_version(client, login_as, tree, make_published):
    old = make_published()
    services.new_version(None, old, "Next")
    login_as("commissioner", [tree.icb])
    page = client.get("/frameworks/").get_data(as_text=True)
    assert ">Published</span>" in page
    assert ">Draft</span>" in page
