"""The current version: the newest published version of a code; pages and forms say which it is."""

import re

from qframe.frameworks import services
from qframe.frameworks.current import current_ids, current_version


def _v2(db, old, publish=True):  # type: ignore[no-untyped-def]
    new = services.new_version(None, old, "Raise a threshold")
    if publish:
        services.publish_framework(None, new)
    db.session.commit()
    return new


def test_the_newest_published_version_is_current_and_a_newer_draft_is_not(db, make_published):
    v1 = make_published()
    draft = _v2(db, v1, publish=False)
    # v2 is a draft: v1 remains the one in use.
    assert current_version(v1.code).id == v1.id
    services.publish_framework(None, draft)
    db.session.flush()
    assert current_version(v1.code).id == draft.id
    assert current_ids() == {draft.id}


def test_a_closed_version_is_never_current(db, make_published):
    v1 = make_published()
    services.close_framework(None, v1)
    db.session.flush()
    assert current_version(v1.code) is None
    assert current_ids() == set()


def test_the_framework_page_marks_the_current_version_and_what_superseded_the_old_one(
    db, client, login_as, tree, make_published
):
    v1 = make_published()
    v2 = _v2(db, v1)
    login_as("commissioner", [tree.icb])
    new_page = client.get(f"/frameworks/{v2.id}").get_data(as_text=True)
    old_page = client.get(f"/frameworks/{v1.id}").get_data(as_text=True)
    heading = re.search(r"<h1>.*?</h1>", new_page, re.S).group(0)
    assert "Current version" in heading
    old_heading = re.search(r"<h1>.*?</h1>", old_page, re.S).group(0)
    assert "Superseded by v2" in old_heading
    assert "Current version" not in old_heading


def test_the_upload_form_defaults_to_the_current_version_and_names_it(
    db, client, login_as, tree, make_published
):
    v1 = make_published()
    v2 = _v2(db, v1)
    login_as("provider_lead", tree.scope_for("provider_lead"))
    page = client.get("/measurements/upload").get_data(as_text=True)
    selected = re.search(
        r'<option[^>]*selected[^>]*value="(\d+)"|<option[^>]*value="(\d+)"[^>]*selected', page
    )
    assert selected is not None
    assert int(selected.group(1) or selected.group(2)) == v2.id
    assert f"{v2.code} v2 (current version): {v2.title}" in page
    assert f"{v1.code} v1 (superseded): {v1.title}" in page


def test_a_practice_lead_whose_framework_is_a_draft_gets_a_page_saying_so_not_a_404(
    client, login_as, tree, make_draft, small
):
    make_draft(small(setting="primary_care"))
    login_as("provider_lead", [tree.practice])
    response = client.get(f"/measurements/orgs/{tree.practice.id}")
    assert response.status_code == 200
    assert "not yet published" in response.get_data(as_text=True)


def test_once_published_the_practice_page_shows_the_framework_to_enter(
    client, login_as, tree, make_published, small
):
    framework = make_published(small(setting="primary_care"))
    login_as("provider_lead", [tree.practice])
    page = client.get(f"/measurements/orgs/{tree.practice.id}").get_data(as_text=True)
    assert "not yet published" not in page
    assert f"{framework.code} v1 (2025/26), current version" in page
