"""Engine set-up: SQLite for concurrent use (WAL, busy timeout, BEGIN IMMEDIATE)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from qframe.extensions import db


def configure_database(app: Flask) -> None:
    """Attach per-dialect connection settings to the app's engine."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot issue BEGIN IMMEDIATE, so
    # take control of it: every transaction takes the write lock up front. Concurrent
    # read-modify-write requests then queue (busy timeout) instead of silently losing updates.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


WRITES = "qframe_unsaved_writes"


def has_unsaved_writes(session: Session) -> bool:
    """True when the session holds pending objects or flushed writes not yet committed."""
    if session.info.get(WRITES) or session.new or session.deleted:
        return True
    return any(session.is_modified(row) for row in session.dirty)


def discard_changes() -> None:
    """Undo the current transaction's changes now (after a caught domain error).

    For a view re-rendering its form, a CLI dry run, a job's failure: the boundary that owns the
    transaction still ends it; this only throws the failed attempt away early.
    """
    db.session.rollback()


def _note_writes(session: Session, _context: Any) -> None:
    session.info[WRITES] = True


def _clear_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITES, None)


event.listen(Session, "after_flush", _note_writes)
event.listen(Session, "after_transaction_end", _clear_writes)
