"""Reads straight from the driver for bulk paths, where building Row objects costs more than
the query: the statement is still written with SQLAlchemy and compiled for the dialect."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

from sqlalchemy.sql import Executable

from qframe.extensions import db

_CURSOR_NUMBERS = count(1)  # a name for each server-side cursor this process opens


def _driver_call(statement: Executable) -> tuple[str, Any]:
    connection = db.session.connection()
    compiled = statement.compile(  # type: ignore[attr-defined]
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.params
    if compiled.positional:
        return str(compiled), tuple(params[name] for name in compiled.positiontup or ())
    return str(compiled), params


def raw_rows(statement: Executable) -> list[tuple[Any, ...]]:
    """Every row of a SELECT as the driver's plain tuples (no type processing: use it for
    integer, float and text columns, not for columns with a Python-side type such as Decimal)."""
    sql, params = _driver_call(statement)
    result = db.session.connection().exec_driver_sql(sql, params)
    if not result.cursor:
        return []
    rows: list[tuple[Any, ...]] = list(result.cursor.fetchall())
    # sqlite3 and psycopg already give plain tuples: copy only another driver's row type
    return rows if all(type(row) is tuple for row in rows[:1]) else [tuple(row) for row in rows]


def cached_rows(
    statement: Executable, params: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """raw_rows through SQLAlchemy's cache of compiled statements: a page that runs the same
    few statements on every request (only their values change) does not compile them again
    each time. The rows are still the driver's plain tuples, read from its cursor."""
    result = db.session.connection().execute(statement, params)
    try:
        rows: list[tuple[Any, ...]] = list(result.cursor.fetchall()) if result.cursor else []
    finally:
        result.close()
    return rows if all(type(row) is tuple for row in rows[:1]) else [tuple(row) for row in rows]


def stream_rows(statement: Executable, batch: int = 5_000) -> Iterator[tuple[Any, ...]]:
    """The rows of a SELECT a batch at a time, for exports that must not hold them all."""
    sql, params = _driver_call(statement)
    # a server-side cursor on PostgreSQL; SQLite's cursor steps through the rows anyway
    # (as a per-statement option: Connection.execution_options() would change the session's
    # connection for every later statement)
    result = db.session.connection().exec_driver_sql(
        sql, params, execution_options={"stream_results": True}
    )
    for part in result.partitions(batch):
        yield from (tuple(row) for row in part)


def stream_batches(statement: Executable, batch: int = 10_000) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a SELECT as lists of the driver's plain tuples, a batch at a time: no Row
    object per row (`stream_rows` builds one, then a tuple), and never every row at once.

    The statement runs on the session's own connection (so inside its transaction), through
    the driver's cursor: a named server-side cursor on PostgreSQL, sqlite3's (which steps
    through the rows as they are fetched) elsewhere."""
    sql, params = _driver_call(statement)
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"qframe_stream_{next(_CURSOR_NUMBERS)}")  # type: ignore[union-attr]
    else:
        cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            # sqlite3 and psycopg give plain tuples: copy only another driver's row type
            yield rows if type(rows[0]) is tuple else [tuple(row) for row in rows]
    finally:
        cursor.close()
