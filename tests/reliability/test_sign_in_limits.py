"""Sign-in limits hold under parallel guesses and behind a proxy (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

import qframe.auth.hashing as hashing
import qframe.auth.limits as limits

WRONG = "not the password at all"


def _count_checks(monkeypatch):  # type: ignore[no-untyped-def]
    """Count every scrypt check, real or dummy: each is one guess the server evaluated."""
    checks: list[int] = []
    lock = threading.Lock()
    real_verify, real_dummy = hashing.verify_password, hashing.dummy_verify

    def verify(password: str, stored: str) -> bool:
        with lock:
            checks.append(1)
        return real_verify(password, stored)

    def dummy(n: int) -> None:
        with lock:
            checks.append(1)
        real_dummy(n)

    monkeypatch.setattr(hashing, "verify_password", verify)
    monkeypatch.setattr(hashing, "dummy_verify", dummy)
    return checks


def _post(app, email, password, forwarded=None):  # type: ignore[no-untyped-def]
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = app.test_client()
    return client.post(
        "/auth/login", data={"email": email, "password": password}, headers=headers
    ).status_code


def test_sixteen_parallel_guesses_against_a_limit_of_five_check_at_most_five(app, rel, monkeypatch):
    assert app.config["LOGIN_BACKOFF_SECONDS"] == 0  # testing.toml: the hard limit alone
    email = "race@example.test"
    rel.add_user(app, email)
    checks = _count_checks(monkeypatch)
    start = threading.Barrier(16)
    statuses: list[int] = []

    def guess() -> None:
        start.wait()
        statuses.append(_post(app, email, WRONG))

    threads = [threading.Thread(target=guess) for _ in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [401] * 16
        assert app.config["LOGIN_MAX_FAILURES"] == 5
        assert len(checks) == 5
    finally:
        rel.remove_users(app, email)


@pytest.fixture
def proxied(app, rel):  # type: ignore[no-untyped-def]
    """The app as deployed behind one TLS proxy (QFRAME_TRUSTED_PROXIES=1), same database."""
    behind = rel.fresh_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    return behind


def test_behind_a_proxy_one_address_failures_do_not_lock_out_a_correct_login_from_elsewhere(
    proxied, rel
):
    email = "victim@example.test"
    rel.add_user(proxied, email)
    try:
        for _ in range(5):
            assert _post(proxied, email, WRONG, "203.0.113.9") == 401
        # The attacker's address is now locked for this account, even with the password…
        assert _post(proxied, email, rel.PASSWORD, "203.0.113.9") == 401
        # …but the owner, signing in from their own address through the same proxy, is not.
        assert _post(proxied, email, rel.PASSWORD, "198.51.100.7") == 302
    finally:
        rel.remove_users(proxied, email)


def test_behind_a_proxy_an_address_spraying_many_accounts_is_stopped_and_others_are_not(
    proxied, rel
):
    emails = [f"spray{i}@example.test" for i in range(5)]
    for email in emails:
        rel.add_user(proxied, email)
    try:
        # 4 failures on each of 5 accounts = 20 = the per-address limit (4 × 5).
        for email in emails:
            for _ in range(4):
                assert _post(proxied, email, WRONG, "203.0.113.50") == 401
        assert _post(proxied, emails[0], rel.PASSWORD, "203.0.113.50") == 401
        assert _post(proxied, emails[0], rel.PASSWORD, "203.0.113.51") == 302
    finally:
        rel.remove_users(proxied, *emails)


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_limit(app, rel):
    email = "forger@example.test"
    rel.add_user(app, email)
    try:
        for n in range(5):
            assert _post(app, email, WRONG, f"192.0.2.{n}") == 401
        assert _post(app, email, rel.PASSWORD, "192.0.2.99") == 401
    finally:
        rel.remove_users(app, email)


def test_after_two_failures_each_retry_must_wait_longer(app, rel, monkeypatch):
    # Back-off: failures 1 and 2 are free; after the 3rd a retry waits 1 s, after the 4th 2 s.
    assert [limits.backoff_seconds(n, 1) for n in range(1, 6)] == [0, 0, 1, 2, 4]
    monkeypatch.setitem(app.config, "LOGIN_BACKOFF_SECONDS", 1)
    frozen, offset = limits.utcnow(), [timedelta(0)]
    monkeypatch.setattr(limits, "utcnow", lambda: frozen + offset[0])  # a clock that waits
    email = "backoff@example.test"
    rel.add_user(app, email)
    try:
        for _ in range(3):
            assert _post(app, email, WRONG) == 401
        assert _post(app, email, rel.PASSWORD) == 401  # 0 s after the 3rd: refused unchecked
        offset[0] = timedelta(seconds=0.9)
        assert _post(app, email, rel.PASSWORD) == 401
        offset[0] = timedelta(seconds=1.1)
        assert _post(app, email, rel.PASSWORD) == 302
    finally:
        rel.remove_users(app, email)


def test_a_sign_in_that_cannot_get_a_hashing_slot_in_time_gets_503_and_is_not_counted(
    app, rel, monkeypatch
):
    email = "storm@example.test"
    rel.add_user(app, email)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_WAIT_SECONDS", 0.2)
    slots = hashing._slots(app)
    held = [slots.acquire(timeout=5) for _ in range(int(app.config["PASSWORD_HASH_CONCURRENCY"]))]
    try:
        client = app.test_client()
        response = client.post("/auth/login", data={"email": email, "password": rel.PASSWORD})
        assert response.status_code == 503
        assert "Many people are signing in" in response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "5"
    finally:
        for _ in held:
            slots.release()
    try:
        # Nothing was counted against the account: five wrong guesses are still allowed.
        for _ in range(5):
            assert _post(app, email, WRONG) == 401
        assert _post(app, email, rel.PASSWORD) == 401
    finally:
        rel.remove_users(app, email)
