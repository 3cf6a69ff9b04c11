"""Reliability tests: real databases the tests commit to (and clean), served apps, outages."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from qframe.app import create_app
from qframe.auth.models import LoginAttempt, User
from qframe.auth.services import create_user
from qframe.extensions import db

PASSWORD = "correct horse battery staple"


def on_postgresql() -> bool:
    return bool(os.environ.get("QFRAME_TEST_DATABASE_URL"))


def fresh_app(url: str, **overrides: Any) -> Flask:
    return create_app(
        {"QFRAME_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", **overrides}
    )


def sqlite_app(tmp_path: Path, **overrides: Any) -> Flask:
    app = fresh_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", **overrides)
    with app.app_context():
        db.create_all()
    return app


def add_user(app: Flask, email: str, role: str = "admin") -> int:
    with app.app_context():
        user = create_user(None, email=email, role=role, password=PASSWORD)
        db.session.commit()
        return user.id


def remove_users(app: Flask, *emails: str) -> None:
    """Committed rows outlive the test on a shared database: take them away again."""
    from qframe.audit.models import AuditEvent

    with app.app_context():
        ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.email.in_(emails)))
        if ids:
            # events by them, and events about them (user.create has no actor when seeded)
            db.session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(ids)))
            db.session.execute(
                delete(AuditEvent).where(
                    AuditEvent.object_type == "user",
                    AuditEvent.object_id.in_([str(i) for i in ids]),
                )
            )
            db.session.execute(delete(User).where(User.id.in_(ids)))
        db.session.commit()


@pytest.fixture
def rel() -> Iterator[SimpleNamespace]:
    """The helpers above (test modules cannot import one another under importlib mode); apps
    made through it have their connection pools closed after the test."""
    made: list[Flask] = []

    def tracked(factory):  # type: ignore[no-untyped-def]
        def build(*args: Any, **kwargs: Any) -> Flask:
            app = factory(*args, **kwargs)
            made.append(app)
            return app

        return build

    yield SimpleNamespace(
        PASSWORD=PASSWORD,
        fresh_app=tracked(fresh_app),
        sqlite_app=tracked(sqlite_app),
        add_user=add_user,
        remove_users=remove_users,
    )
    for app in made:
        with app.app_context():
            db.engine.dispose()


class Forwarder:
    """A TCP relay to the database that the test can cut and restore: an outage on demand."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list[socket.socket] = []
        self.running = False

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.server.settimeout(0.1)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.running = False
        self.server.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets.clear()


@pytest.fixture
def forwarder() -> Iterator[Forwarder]:
    url = make_url(os.environ.get("QFRAME_TEST_DATABASE_URL", "postgresql://x@127.0.0.1:1/x"))
    relay = Forwarder(url.port or 5432)
    relay.start()
    yield relay
    if relay.running:
        relay.stop()
