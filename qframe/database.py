"""Engine set-up: SQLite for concurrent use (WAL, busy timeout, the write lock only for writers).

Reads never wait on a writer: a request with a safe method (GET, HEAD, OPTIONS) opens a deferred
transaction, which in WAL mode reads a snapshot without any lock. Everything else (unsafe
requests, CLI commands, scheduler jobs) starts with BEGIN IMMEDIATE, so concurrent
read-modify-write updates queue on the busy timeout instead of being lost. A GET view that must
write calls `will_write()` before its first query.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from qframe.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_database(app: Flask) -> None:
    """Attach per-dialect connection settings to the app's engine."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))


def will_write() -> None:
    """Mark the current request as a writer: its transactions take the write lock up front."""
    g.qframe_writes = True


def takes_write_lock() -> bool:
    """True unless this is a read-only request (safe method, not marked by `will_write`)."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or bool(g.get("qframe_writes"))


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling cannot issue BEGIN IMMEDIATE, so take control of it.
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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if takes_write_lock() else "BEGIN")


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
