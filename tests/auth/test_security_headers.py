"""Security headers, CSRF and error pages."""

from __future__ import annotations


def test_pages_carry_a_csp_without_inline_script_and_framing_protection(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "max-age" in headers["Strict-Transport-Security"]


def test_signed_in_pages_are_not_cached(client, login_as):
    login_as("admin")
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_an_unknown_page_gets_the_404_page_in_the_base_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "qframe" in response.get_data(as_text=True)


def test_api_paths_answer_errors_in_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == "Page not found"


def test_a_form_post_without_a_csrf_token_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/auth/login", data={"email": "a@b.test", "password": "x" * 12})
    assert response.status_code == 400
    assert "expired or was not sent by qframe" in response.get_data(as_text=True)


def test_a_form_post_with_the_csrf_token_from_the_page_is_accepted(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user("admin")
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token},
    )
    assert response.status_code == 302
