"""The bulk writes of a score run: the driver's executemany per indicator for the scores,
core `insert()` for the providers, and `ChunkWriter` for other bulk paths."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import insert

from qframe.engine.batch import ScoredColumn
from qframe.extensions import db
from qframe.scoring.calculate import Column
from qframe.scoring.models import ProviderScore, ScoreRun

CHUNK = 10_000
WORD = re.compile(r"[a-z_]{1,14}")  # a score status, written into the statement as it is
NUMERATOR, DENOMINATOR, VALUE = itemgetter(0), itemgetter(1), itemgetter(2)


class ChunkWriter:
    """Core `insert()` executemany in chunks of plain tuples.

    Where the dialect takes positional parameters and the insert needs no RETURNING (SQLite),
    the insert is compiled once and run with `exec_driver_sql`, so SQLAlchemy does not build
    and process a dict per row (2.3 s of a 9 s national run); elsewhere (PostgreSQL) the same
    tuples go through `Connection.execute` as dicts, using the dialect's insertmanyvalues.

    plain: the rows hold only values the driver takes as they are (int, float, str, bool,
    None), so on a "pyformat" driver (psycopg) the insert is compiled for its positional "%s"
    style too and the tuples go straight to the driver's executemany, as on SQLite (on
    PostgreSQL building and processing a dict per row was a third of a national score run).
    """

    def __init__(
        self, table: Any, columns: tuple[str, ...], progress: Any = None, *, plain: bool = False
    ) -> None:
        self.connection = db.session.connection()
        self.statement = insert(table)
        dialect = self.connection.dialect
        if plain and dialect.paramstyle == "pyformat":
            dialect = type(dialect)(paramstyle="format")  # type: ignore[call-arg]  # same SQL, %s
        compiled = self.statement.compile(
            dialect=dialect, column_keys=list(columns), for_executemany=True
        )
        self.positional = bool(compiled.positional) and not compiled.returning
        self.sql = str(compiled)
        order = compiled.positiontup or list(columns)
        self.columns, self.progress = columns, progress
        self.index = [columns.index(name) for name in order] if self.positional else []

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if self.positional:
            if self.index != list(range(len(self.columns))):
                rows = [tuple(row[i] for i in self.index) for row in rows]
            self.connection.exec_driver_sql(self.sql, rows)
        else:
            names = self.columns
            self.connection.execute(
                self.statement, [dict(zip(names, r, strict=True)) for r in rows]
            )
        if self.progress is not None:
            self.progress.update(len(rows))


def write_scores(
    run: ScoreRun, columns: list[Column], maxima: dict[int, float], progress: Any
) -> None:
    """Every score row of the run, one executemany per indicator (and per kind of row).

    What is the same for every row of a group (the run, the indicator, its maximum, the
    status, breach and rolled-up marks) is written into the statement once, so the driver
    binds only the six figures that vary (half the parameters: about a tenth of a national
    run's write); the rows are zipped from the columns in C and handed over as they are made.
    Without a ratio indicator every expected count is NULL, the column's default: it is left
    out of the insert rather than sent as half a million NULLs."""
    connection = db.session.connection()
    mark = _MARKS[connection.dialect.paramstyle]  # SQLite's "?", psycopg's "%s"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for column in columns:
            scored = column.scored
            assert scored is not None  # noqa: S101 - calculate() has run
            for (status, breach, rolled), rows in _groups(column, scored):
                fixed = {
                    "run_id": _integer(run.id),
                    "indicator_id": _integer(column.indicator),
                    "max_points": _real(maxima[column.indicator]),
                    "status": _word(status),
                    "breach": _TRUTH[bool(breach)],
                    "rolled_up": _TRUTH[bool(rolled)],
                }
                varying = VARYING + (("expected",) if column.ratio else ())
                names = ", ".join((*fixed, *varying))
                values = ", ".join((*fixed.values(), *[mark] * len(varying)))
                # every literal above is made by _integer, _real, _word or _TRUTH
                sql = f"INSERT INTO scores ({names}) VALUES ({values})"  # noqa: S608
                cursor.executemany(sql, rows)
            if progress is not None:
                progress.update(len(column.orgs))
    finally:
        cursor.close()


VARYING = ("organisation_id", "numerator", "denominator", "achievement", "points", "funnel_flag")
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_TRUTH = {True: "TRUE", False: "FALSE"}  # SQLite reads both words as 1 and 0
Group = tuple[tuple[str, bool, bool], Iterable[tuple[Any, ...]]]


def _groups(column: Column, scored: ScoredColumn) -> list[Group]:
    """The column's rows by (status, breach, rolled up): usually one group, zipped in C."""
    # A ratio's expected count rides in the observation's value place (scoring.inputs).
    extra = [map(VALUE, column.obs)] if column.ratio else []
    parts = [
        column.orgs, map(NUMERATOR, column.obs), map(DENOMINATOR, column.obs),
        scored.achievement, scored.points, column.flags, *extra,
    ]  # fmt: skip
    marks = (scored.status, scored.breach, column.rolled)
    if not column.orgs:
        return []
    if all(len(set(mark)) == 1 for mark in marks):  # one kind of row (sets of str and bool)
        return [((marks[0][0], marks[1][0], marks[2][0]), zip(*parts, strict=True))]
    where: dict[tuple[str, bool, bool], list[int]] = {}
    for index, key in enumerate(zip(*marks, strict=True)):
        where.setdefault(key, []).append(index)
    listed = [list(part) for part in parts]
    return [
        (key, zip(*[[part[i] for i in indexes] for part in listed], strict=True))
        for key, indexes in where.items()
    ]


def _integer(value: int) -> str:
    return str(int(value))


def _real(value: float) -> str:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"a maximum of {value!r} points cannot be stored")
    return repr(number)


def _word(value: str) -> str:
    if not WORD.fullmatch(value):
        raise ValueError(f"unexpected score status {value!r}")
    return f"'{value}'"


def write_providers(run: ScoreRun, providers: list[int], sums: Any, payment: Any) -> None:
    db.session.execute(
        insert(ProviderScore.__table__),
        [
            {
                "run_id": run.id,
                "organisation_id": org,
                "points": sums[org].points,
                "max_points": sums[org].max_points,
                "entitlement_pence": payment[org][0],
                "entitlement_note": payment[org][1],
                "breaches": sums[org].breaches,
                "alerts": sums[org].alerts,
                "alarms": sums[org].alarms,
            }
            for org in providers
        ],
    )
