"""A database that goes away: a 503 page with the security headers, an honest /healthz, and
recovery without a restart. SQLite loses its file; PostgreSQL loses its network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from qframe.extensions import db

ON_POSTGRESQL = bool(os.environ.get("QFRAME_TEST_DATABASE_URL"))


def _sign_in(rel, app, email):  # type: ignore[no-untyped-def]
    rel.add_user(app, email)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": rel.PASSWORD})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    return client


def _assert_outage_handled(app, client):  # type: ignore[no-untyped-def]
    page = client.get("/home")
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "cannot reach its database" in text
    assert "Internal Server Error" not in text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Retry-After"] == "5"
    api = client.get("/api/v1/frameworks")
    assert api.status_code == 503
    assert api.get_json()["error"] == "The service is busy or briefly unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    assert client.get("/livez").status_code == 200


@pytest.mark.skipif(ON_POSTGRESQL, reason="this run exercises PostgreSQL (test below)")
def test_sqlite_file_going_away_gives_503_and_the_app_recovers_when_it_returns(tmp_path, rel):
    folder = tmp_path / "data"
    folder.mkdir()
    app = rel.fresh_app(f"sqlite:///{folder / 'q.sqlite3'}")
    with app.app_context():
        db.create_all()
    client = _sign_in(rel, app, "outage@example.test")
    with app.app_context():
        db.engine.dispose()
    gone = Path(str(folder) + ".gone")
    folder.rename(gone)
    try:
        _assert_outage_handled(app, client)
    finally:
        gone.rename(folder)
    assert client.get("/healthz").status_code == 200
    assert client.get("/home").status_code == 200  # the same session, no restart


@pytest.mark.skipif(not ON_POSTGRESQL, reason="this run exercises SQLite (test above)")
def test_postgresql_going_away_gives_503_and_the_app_recovers_when_it_returns(app, rel, forwarder):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(port=forwarder.port)
    relayed = rel.fresh_app(url.render_as_string(hide_password=False))
    email = "pg-outage@example.test"
    try:
        client = _sign_in(rel, relayed, email)
        forwarder.stop()
        _assert_outage_handled(relayed, client)
        forwarder.start()
        assert client.get("/healthz").status_code == 200
        assert client.get("/home").status_code == 200
    finally:
        if not forwarder.running:
            forwarder.start()
        rel.remove_users(relayed, email)
