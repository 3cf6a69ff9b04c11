"""SQLite is configured for concurrent writers: no read-modify-write update is lost."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select, text

from qframe.app import create_app
from qframe.extensions import db
from qframe.orgs.models import Organisation

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("QFRAME_TEST_DATABASE_URL")),
    reason="SQLite locking; PostgreSQL uses row versions",
)


def test_the_sqlite_connection_uses_wal_and_a_busy_timeout(tmp_path):
    app = create_app(
        {
            "QFRAME_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
            "SECRET_KEY": "x",
        }
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert (
            conn.execute(text("PRAGMA busy_timeout")).scalar()
            == app.config["SQLITE_BUSY_TIMEOUT_MS"]
        )
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_read_modify_write_updates_are_never_lost(tmp_path):
    app = create_app(
        {
            "QFRAME_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
            "SECRET_KEY": "x",
        }
    )
    with app.app_context():
        db.create_all()
        db.session.add(Organisation(code="C1", name="Counter", kind="commissioner", list_size=0))
        db.session.commit()
    threads, increments = 6, 40

    def work() -> None:
        for _ in range(increments):
            with app.app_context():
                org = db.session.scalar(select(Organisation).where(Organisation.code == "C1"))
                org.list_size = (org.list_size or 0) + 1
                db.session.commit()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with app.app_context():
        total = db.session.scalar(select(Organisation.list_size).where(Organisation.code == "C1"))
        db.engine.dispose()
    assert total == threads * increments
