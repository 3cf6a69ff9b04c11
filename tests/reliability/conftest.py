"""Reliability tests: real databases the tests commit to (and clean), served apps, outages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

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
            db.session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(ids)))
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
