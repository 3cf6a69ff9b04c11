"""The frameworks JSON API: list in scope, read exact JSON, import, replace drafts, publish."""

import json

from qframe.auth.services import issue_api_token
from qframe.frameworks import services


def test_the_list_shows_drafts_only_to_the_commissioners_who_own_them(
    client, login_as, tree, make_draft, make_published, small
):
    draft = make_draft()
    published = make_published(small(code="PUB"))
    login_as("provider_lead", [tree.trust_a])
    assert [f["id"] for f in client.get("/api/v1/frameworks").get_json()] == [published.id]
    client.post("/auth/logout")
    login_as("commissioner", [tree.icb])
    listed = {f["id"]: f for f in client.get("/api/v1/frameworks").get_json()}
    assert set(listed) == {draft.id, published.id}
    assert listed[draft.id]["status"] == "draft"
    assert listed[published.id]["indicators"] == 2


def test_the_list_filters_by_code(client, login_as, tree, make_published, small):
    make_published()
    other = make_published(small(code="PUB"))
    login_as("finance", [tree.icb])
    assert [f["id"] for f in client.get("/api/v1/frameworks?code=PUB").get_json()] == [other.id]


def test_one_framework_is_its_exact_framework_json(client, login_as, tree, make_published):
    framework = make_published()
    login_as("nurse_manager", [tree.ward_a])
    response = client.get(f"/api/v1/frameworks/{framework.id}")
    assert response.get_data(as_text=True) == services.framework_json(framework)
    assert response.headers["X-Framework-Status"] == "published"


def test_a_commissioner_imports_through_the_api_and_the_result_round_trips(
    db, client, login_as, tree, small_json
):
    login_as("commissioner", [tree.icb])
    response = client.post("/api/v1/frameworks", data=small_json(), content_type="application/json")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["code"], body["version"], body["status"], body["owner"]) == (
        "TQF",
        1,
        "draft",
        tree.icb.code,
    )
    exported = client.get(body["url"]).get_data(as_text=True)
    again = client.post("/api/v1/frameworks", data=exported, content_type="application/json")
    assert again.get_json()["version"] == 2
    assert client.get(again.get_json()["url"]).get_data(as_text=True) == exported


def test_other_roles_cannot_import(client, login_as, tree, small_json, counts):
    login_as("finance", [tree.icb])
    before = counts()
    response = client.post("/api/v1/frameworks", data=small_json(), content_type="application/json")
    assert response.status_code == 403
    assert counts() == before


def test_an_owner_outside_scope_is_not_found(client, login_as, tree, small_json, counts):
    login_as("commissioner", [tree.icb])
    before = counts()
    response = client.post(
        f"/api/v1/frameworks?owner={tree.other_icb.code}",
        data=small_json(),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert counts() == before


def test_publishing_through_the_api(client, login_as, tree, make_draft):
    draft = make_draft()
    login_as("commissioner", [tree.icb])
    response = client.post(f"/api/v1/frameworks/{draft.id}/publish")
    assert response.status_code == 200
    assert response.get_json()["status"] == "published"


def test_publishing_an_incomplete_draft_lists_every_problem(
    client, login_as, tree, small, make_draft
):
    raw = small()
    raw["indicators"][0]["scoring"].update(lower=None)
    raw["indicators"][1]["scoring"].update(upper=None)
    draft = make_draft(raw)
    login_as("commissioner", [tree.icb])
    response = client.post(f"/api/v1/frameworks/{draft.id}/publish")
    assert response.status_code == 422
    assert {p["column"] for p in response.get_json()["problems"]} == {
        "indicators[0].scoring.lower",
        "indicators[1].scoring.upper",
    }


def test_a_draft_is_replaced_through_the_api(client, login_as, tree, make_draft, small):
    draft = make_draft()
    login_as("commissioner", [tree.icb])
    raw = small(title="Renamed")
    response = client.put(
        f"/api/v1/frameworks/{draft.id}", data=json.dumps(raw), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "Renamed"


def test_a_bearer_token_imports_without_a_cookie(app, db, tree, make_user, small_json):
    user = make_user("commissioner", [tree.icb])
    token = issue_api_token(None, user, "script")
    client = app.test_client()
    response = client.post(
        "/api/v1/frameworks",
        data=small_json(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_the_openapi_document_describes_the_frameworks_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"]["/api/v1/frameworks"]) == {"get", "post"}
    assert "put" in spec["paths"]["/api/v1/frameworks/{framework_id}"]
    assert "indicators" in spec["components"]["schemas"]["Framework"]["properties"]
