"""SQLite: reads never wait for a writer; a writer that waits too long gets a 503 page, not 500."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("QFRAME_TEST_DATABASE_URL")),
    reason="SQLite's database-wide write lock; PostgreSQL locks rows",
)


def _hold_write_lock(app):  # type: ignore[no-untyped-def]
    """Another process's writer: BEGIN IMMEDIATE and a pending insert, not yet committed."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO organisations (code, name, kind, version) VALUES ('LOCK', 'x', 'ward', 1)"
    )
    return other


def _signed_in_client(rel, app, email):  # type: ignore[no-untyped-def]
    rel.add_user(app, email)
    client = app.test_client()
    assert (
        client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
    )
    return client


def test_a_signed_in_page_is_served_while_another_request_holds_the_write_lock(tmp_path, rel):
    # Busy timeout 3 s: before this fix every GET began with BEGIN IMMEDIATE and would wait
    # the full 3 s for the lock and then fail; a deferred read needs no lock at all in WAL.
    app = rel.sqlite_app(tmp_path, SQLITE_BUSY_TIMEOUT_MS=3000)
    client = _signed_in_client(rel, app, "reader@example.test")
    writer = _hold_write_lock(app)
    try:
        started = time.perf_counter()
        response = client.get("/home")
        elapsed = time.perf_counter() - started
    finally:
        writer.rollback()
        writer.close()
    assert response.status_code == 200
    assert elapsed < 1.0


def test_a_write_that_cannot_get_the_lock_in_time_gets_a_503_page_with_security_headers(
    tmp_path, rel
):
    app = rel.sqlite_app(tmp_path, SQLITE_BUSY_TIMEOUT_MS=200)
    client = _signed_in_client(rel, app, "writer@example.test")
    writer = _hold_write_lock(app)
    try:
        response = client.post("/auth/logout")
    finally:
        writer.rollback()
        writer.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "try again in a minute" in response.get_data(as_text=True)
    # Once the lock is free the same request goes through.
    assert client.post("/auth/logout").status_code == 302


def test_the_password_check_runs_while_other_connections_can_write(tmp_path, rel, monkeypatch):
    # If the sign-in held a transaction (and so the write lock) across scrypt, a writer with no
    # busy timeout at all would fail with "database is locked" during the check.
    app = rel.sqlite_app(tmp_path)
    rel.add_user(app, "hash@example.test")
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    import qframe.auth.hashing as hashing

    real = hashing.verify_password
    seen: list[str] = []

    def verify_while_writing(password: str, stored: str) -> bool:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            seen.append("wrote")
        finally:
            other.close()
        return real(password, stored)

    monkeypatch.setattr(hashing, "verify_password", verify_while_writing)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "hash@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert seen == ["wrote"]
