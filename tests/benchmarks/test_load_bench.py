"""Load: 100 users sign in at once, then read and make contended edits for a minute.

A real gunicorn server on loopback (2 workers × 8 threads, production settings and the
production scrypt work factor), driven by plain threads. Bounded: one request waits at most
120 s, the working phase lasts QFRAME_BENCH_SECONDS (60), and the server is stopped after.

    .venv/bin/python -m pytest -m benchmark -s tests/benchmarks/test_load_bench.py

Set QFRAME_TEST_DATABASE_URL for PostgreSQL (a throwaway schema is created and dropped).
Goals: no failed request (5xx, timeout, unexpected status), no lost or duplicated write, and
signed-in readers' p95 during the sign-in storm within 10× of their idle p95.
"""

from __future__ import annotations

import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, select, text

from qframe.app import create_app
from qframe.auth.models import User
from qframe.auth.passwords import hash_password
from qframe.extensions import db
from qframe.orgs.models import Organisation

pytestmark = pytest.mark.benchmark
REPO = Path(__file__).resolve().parents[2]
USERS, READERS, ORGS = 100, 5, 10
PASSWORD = "correct horse battery staple"
SCRYPT_N = 131072  # config/default.toml: OWASP's work factor, as in production
TIMEOUT = 120
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
LIST_SIZE = re.compile(r'name="list_size"[^>]*value="(\d*)"')


class Recorder:
    """Latencies and outcomes per kind of request, shared by all the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.failures: dict[str, list[str]] = {}
        self.conflicts = 0

    def call(self, kind: str, send: Callable[[], requests.Response], ok: set[int]) -> Any:
        started = time.perf_counter()
        try:
            response = send()
            outcome = None if response.status_code in ok else f"HTTP {response.status_code}"
        except requests.RequestException as error:
            response, outcome = None, type(error).__name__
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if outcome:
                self.failures.setdefault(kind, []).append(outcome)
        return response if outcome is None else None

    def summary(self, kind: str) -> str:
        times = sorted(self.times.get(kind, []))
        if not times:
            return f"{kind:<14} no requests"
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        failed = len(self.failures.get(kind, []))
        return (
            f"{kind:<14} {len(times):>6} requests {failed:>4} failed  "
            f"p50 {statistics.median(times) * 1000:8.0f} ms  p95 {p95 * 1000:8.0f} ms"
        )

    def p95(self, kind: str) -> float:
        times = sorted(self.times[kind])
        return times[min(len(times) - 1, int(len(times) * 0.95))]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(URL for the server, engine options for this process) on an empty database."""
    url = os.environ.get("QFRAME_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'load.sqlite3'}", {}
        return
    schema = f"qframe_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield (
            f"{url}{separator}options=-csearch_path%3D{schema}",
            {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}},
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def seed(url: str, options: dict[str, Any]) -> list[int]:
    """100 admins (one real scrypt hash, shared: same password) and 10 organisations."""
    app = create_app(
        {"QFRAME_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "s", **options}
    )
    with app.app_context():
        db.create_all()
        digest = hash_password(PASSWORD, SCRYPT_N)
        db.session.add_all(
            User(email=f"user{i}@load.test", role="admin", password_hash=digest)
            for i in range(USERS + READERS)
        )
        orgs = [
            Organisation(code=f"LOAD{i}", name=f"Load {i}", kind="acute", list_size=0)
            for i in range(ORGS)
        ]
        db.session.add_all(orgs)
        db.session.commit()
        ids = [o.id for o in orgs]
        db.session.remove()  # give the connection back before the pool goes
        db.engine.dispose()
    return ids


def final_state(url: str, options: dict[str, Any]) -> dict[int, tuple[int, int]]:
    app = create_app(
        {"QFRAME_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "s", **options}
    )
    with app.app_context():
        rows = db.session.execute(
            select(Organisation.id, Organisation.list_size, Organisation.version).where(
                Organisation.code.like("LOAD%")
            )
        ).all()
        db.session.remove()  # give the connection back before the pool goes
        db.engine.dispose()
    return {row.id: (row.list_size or 0, row.version) for row in rows}


@pytest.fixture
def server(database, tmp_path: Path) -> Iterator[tuple[str, list[int], tuple[str, dict]]]:
    url, options = database
    org_ids = seed(url, options)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "QFRAME_ENV": "production",
        "QFRAME_SECRET_KEY": "load-test-secret",
        "QFRAME_DATABASE_URL": url,
        "QFRAME_SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        "QFRAME_INSTANCE_PATH": str(tmp_path),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers=2",
        "--threads=8",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/livez", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield base, org_ids, database
    finally:
        process.terminate()
        process.wait(timeout=30)


def sign_in(rec: Recorder, base: str, email: str, kind: str) -> requests.Session | None:
    session = requests.Session()
    page = rec.call(kind, lambda: session.get(f"{base}/auth/login", timeout=TIMEOUT), {200})
    if page is None:
        return None
    token = CSRF.search(page.text)
    data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    posted = rec.call(
        kind,
        lambda: session.post(
            f"{base}/auth/login", data=data, allow_redirects=False, timeout=TIMEOUT
        ),
        {302},
    )
    return session if posted is not None else None


def edit(rec: Recorder, base: str, session: requests.Session, org_id: int, done: list) -> None:
    """Read the form, add one to the list size, save: 302 saved, 409 someone saved first."""
    form = rec.call(
        "edit form", lambda: session.get(f"{base}/orgs/{org_id}/edit", timeout=TIMEOUT), {200}
    )
    if form is None:
        return
    token, version = CSRF.search(form.text), VERSION.search(form.text)
    size = LIST_SIZE.search(form.text)
    if not (token and version and size):
        with rec.lock:
            rec.failures.setdefault("edit form", []).append("form fields not found")
        return
    data = {
        "csrf_token": token.group(1),
        "version": version.group(1),
        "name": f"Load {org_id}",
        "list_size": str(int(size.group(1) or 0) + 1),
    }
    saved = rec.call(
        "edit save",
        lambda: session.post(
            f"{base}/orgs/{org_id}/edit", data=data, allow_redirects=False, timeout=TIMEOUT
        ),
        {302, 409},
    )
    if saved is not None:
        with rec.lock:
            if saved.status_code == 302:
                done.append(org_id)
            else:
                rec.conflicts += 1


def test_a_hundred_users_sign_in_at_once_then_work_for_a_minute(server):
    base, org_ids, (url, options) = server
    rec = Recorder()
    readers = [sign_in(rec, base, f"user{USERS + i}@load.test", "reader login") for i in range(5)]
    assert all(readers)
    for _ in range(20):  # idle: signed-in readers alone
        for session in readers:
            rec.call("home idle", lambda s=session: s.get(f"{base}/home", timeout=TIMEOUT), {200})

    storm_over = threading.Event()

    def read_during_storm(session: requests.Session) -> None:
        while not storm_over.is_set():
            rec.call("home in storm", lambda: session.get(f"{base}/home", timeout=TIMEOUT), {200})
            time.sleep(0.1)

    sessions: list[requests.Session | None] = [None] * USERS
    start = threading.Barrier(USERS)

    def storm(i: int) -> None:
        start.wait()
        sessions[i] = sign_in(rec, base, f"user{i}@load.test", "login")

    watchers = [threading.Thread(target=read_during_storm, args=(s,)) for s in readers]
    signers = [threading.Thread(target=storm, args=(i,)) for i in range(USERS)]
    storm_started = time.perf_counter()
    for thread in watchers + signers:
        thread.start()
    for thread in signers:
        thread.join()
    storm_seconds = time.perf_counter() - storm_started
    storm_over.set()
    for thread in watchers:
        thread.join()

    seconds = float(os.environ.get("QFRAME_BENCH_SECONDS", "60"))
    deadline = time.monotonic() + seconds
    saved: list[int] = []

    def work(session: requests.Session, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.5:
                rec.call("home", lambda: session.get(f"{base}/home", timeout=TIMEOUT), {200})
            elif roll < 0.8:
                org = rng.choice(org_ids)
                rec.call(
                    "org page",
                    lambda o=org: session.get(f"{base}/orgs/{o}", timeout=TIMEOUT),
                    {200},
                )
            else:
                edit(rec, base, session, rng.choice(org_ids), saved)
            time.sleep(rng.uniform(0.2, 1.0))  # a person reads before clicking again

    workers = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate(sessions) if s]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    state = final_state(url, options)
    expected = {org: saved.count(org) for org in org_ids}
    lost = sum(max(0, expected[o] - state[o][0]) for o in org_ids)
    duplicated = sum(max(0, state[o][0] - expected[o]) for o in org_ids)
    versions_ok = all(state[o][1] == 1 + expected[o] for o in org_ids)
    database_name = "PostgreSQL" if "postgresql" in url else "SQLite"
    kinds = ("reader login", "home idle", "home in storm", "login")
    kinds += ("home", "org page", "edit form", "edit save")
    total = sum(len(rec.times.get(k, [])) for k in kinds)
    failed = sum(len(rec.failures.get(k, [])) for k in kinds)
    print(f"\n{database_name}: {USERS} sign-ins at once took {storm_seconds:.1f} s")
    for kind in kinds:
        print(rec.summary(kind))
    print(
        f"total {total} requests, {failed} failed; edits saved {len(saved)}, "
        f"refused as stale (409) {rec.conflicts}; lost {lost}, duplicated {duplicated}"
    )
    print({k: sorted(set(v)) for k, v in rec.failures.items()})
    ratio = rec.p95("home in storm") / rec.p95("home idle")
    print(f"signed-in readers' p95 in the storm = {ratio:.1f} × idle")
    assert failed == 0
    assert (lost, duplicated) == (0, 0)
    assert versions_ok
    assert ratio <= 10
