"""Hostile input gets a 4xx and changes nothing, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from qframe.auth.models import LoginAttempt
from qframe.auth.services import issue_api_token
from qframe.orgs.models import Organisation


def _token(db, make_user, tree, role="commissioner"):  # type: ignore[no-untyped-def]
    user = make_user(role, tree.scope_for(role))
    secret = issue_api_token(user, user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_a_nul_byte_in_a_public_results_address_gets_400(client):
    # Before: PostgreSQL's driver raised on the NUL and the page was a 500.
    response = client.get("/published/RX1%00/2025-26")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_query_string_gets_400(client, login_as):
    login_as("admin")
    assert client.get("/orgs/?q=a%00b").status_code == 400


def test_a_nul_byte_in_the_sign_in_email_gets_400_and_records_nothing(client, db):
    before = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    response = client.post(
        "/auth/login", data={"email": "admin\x00@example.test", "password": "x" * 12}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == before


def test_a_nul_byte_in_a_json_string_gets_422_with_a_problem(client, db, make_user, tree):
    headers = _token(db, make_user, tree, "provider_lead")
    body = json.dumps({"framework": "AQF\u0000", "version": 1, "measurements": []})
    assert "\\u0000" in body  # the escaped form, as a client would send it
    response = client.post(
        "/api/v1/measurements", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["code"] == "nul_byte"


def test_a_nul_byte_in_a_header_we_read_gets_400(client, db, make_user, tree):
    headers = _token(db, make_user, tree, "provider_lead")
    headers["Idempotency-Key"] = "key\x00one"
    response = client.post(
        "/api/v1/measurements", data="{}", headers=headers, content_type="application/json"
    )
    assert response.status_code == 400


def test_a_csv_upload_with_a_nul_byte_is_refused_and_stores_nothing(client, db, login_as):
    login_as("admin")
    before = db.session.scalar(select(func.count()).select_from(Organisation))
    data = b"code,name,kind,parent_code\nRNUL,Bad\x00Trust,acute,\n"
    response = client.post(
        "/orgs/import",
        data={"file": (io.BytesIO(data), "orgs.csv")},
        content_type="multipart/form-data",
    )
    assert 400 <= response.status_code < 500
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before


def test_json_nested_five_thousand_levels_deep_is_refused_before_parsing(
    client, db, make_user, tree
):
    # Python's json parser recurses once per level: 5,000 levels used to overflow into a 500.
    headers = _token(db, make_user, tree)
    body = "[" * 5000 + "]" * 5000
    response = client.post(
        "/api/v1/frameworks", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["code"] == "too_deep"


def test_a_json_body_over_the_size_limit_is_refused_with_413(app, client, db, make_user, tree):
    headers = _token(db, make_user, tree)
    limit = 1000
    app.config["JSON_MAX_BYTES"] = limit
    try:
        body = json.dumps({"title": "x" * limit})
        response = client.post(
            "/api/v1/frameworks", data=body, headers=headers, content_type="application/json"
        )
    finally:
        del app.config["JSON_MAX_BYTES"]
    assert response.status_code == 413


def test_a_request_with_an_authorization_header_ignores_the_session_cookie(
    app, client, login_as, tree
):
    # Before: "Bearer x" switched CSRF off while the cookie still signed the request in, so a
    # cross-site page could write as the signed-in user. Now the header alone decides: bogus
    # header, no user.
    login_as("commissioner", tree.scope_for("commissioner"))
    assert client.get("/api/v1/frameworks").status_code == 200  # the cookie works alone
    response = client.get("/api/v1/frameworks", headers={"Authorization": "Bearer bogus"})
    assert response.status_code == 401
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/api/v1/frameworks",
            data="{}",
            headers={"Authorization": "Bearer bogus"},
            content_type="application/json",
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 401


def test_an_unauthenticated_api_write_gets_401_before_any_csrf_check(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/api/v1/frameworks/1/publish")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 401
    assert response.get_json()["error"] == "Please sign in"
