"""Signing in and out: generic failures, rate limiting, session rotation and invalidation."""

from __future__ import annotations

import time

from qframe.extensions import db


def sign_in(client, email, password):
    return client.post("/auth/login", data={"email": email, "password": password})


def test_a_user_signs_in_with_the_right_password_and_reaches_their_home_page(client, make_user):
    user = make_user("admin")
    response = sign_in(client, user.email, "correct horse battery staple")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/home")
    page = client.get("/home")
    assert page.status_code == 200
    assert "Administrator" in page.get_data(as_text=True)


def test_a_wrong_password_and_an_unknown_email_get_the_same_generic_message(client, make_user):
    user = make_user("admin")
    wrong = sign_in(client, user.email, "not the password at all")
    unknown = sign_in(client, "nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "Those details did not match an active account"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_sign_in_is_locked_after_five_failures_even_with_the_right_password(client, make_user):
    user = make_user("admin")
    for _ in range(5):
        assert sign_in(client, user.email, "wrong password here").status_code == 401
    assert sign_in(client, user.email, "correct horse battery staple").status_code == 401


def test_a_disabled_user_cannot_sign_in(client, make_user):
    user = make_user("admin")
    user.active = False
    db.session.flush()
    assert sign_in(client, user.email, "correct horse battery staple").status_code == 401


def test_signing_in_rotates_the_session_so_a_planted_session_is_not_reused(client, make_user):
    user = make_user("admin")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
        session["sid"] = "attacker-chosen"
    sign_in(client, user.email, "correct horse battery staple")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["sid"] != "attacker-chosen"


def test_logout_kills_the_old_cookie_even_if_it_is_replayed(app, client, make_user):
    user = make_user("admin")
    sign_in(client, user.email, "correct horse battery staple")
    stolen = client.get_cookie("qframe_session").value
    assert client.post("/auth/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("qframe_session", stolen)
    response = replay.get("/home")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_disabling_a_user_ends_their_existing_sessions(client, make_user, app):
    admin = make_user("admin")
    victim = make_user("admin")
    other = app.test_client()
    sign_in(other, victim.email, "correct horse battery staple")
    assert other.get("/home").status_code == 200
    sign_in(client, admin.email, "correct horse battery staple")
    response = client.post(
        f"/users/{victim.id}",
        data={"name": "", "role": "admin", "orgs": "", "version": victim.version},
    )
    assert response.status_code == 302
    assert other.get("/home").status_code == 302


def test_an_idle_session_expires(client, make_user, app, monkeypatch):
    user = make_user("admin")
    sign_in(client, user.email, "correct horse battery staple")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + idle + 5)
    assert client.get("/home").status_code == 302


def test_a_session_expires_at_the_absolute_limit_even_when_active(
    client, make_user, app, monkeypatch
):
    user = make_user("admin")
    sign_in(client, user.email, "correct horse battery staple")
    absolute = app.config["SESSION_ABSOLUTE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["iat"] = int(time.time()) - absolute - 5
    assert client.get("/home").status_code == 302


def test_the_next_parameter_never_redirects_off_site(client, make_user):
    user = make_user("admin")
    response = client.post(
        "/auth/login?next=//evil.example/phish",
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"].endswith("/home")


def test_the_session_cookie_is_secure_httponly_and_samesite_lax(client, make_user):
    user = make_user("admin")
    response = sign_in(client, user.email, "correct horse battery staple")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_as_scrypt_hashes_never_in_clear(make_user):
    user = make_user("admin")
    assert user.password_hash.startswith("scrypt$")
    assert "correct horse" not in user.password_hash
