"""Bulk write of validated rows: one SELECT of what exists, dict lookups, chunked bulk loads.

Never an ORM object or a query per row: 100,000 rows take seconds. New rows are bulk-loaded
(executemany on SQLite, COPY on PostgreSQL); changed rows are loaded into a temporary table and
applied with one INSERT … SELECT (their previous state into `measurement_revisions`) and one
UPDATE … FROM, guarded by each row's version. Unchanged rows are not re-versioned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    insert,
    literal,
    select,
    update,
)

from qframe.audit import services as audit
from qframe.audit.models import utcnow
from qframe.auth.models import User
from qframe.errors import Conflict
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement, MeasurementImport, MeasurementRevision
from qframe.measurements.rows import VALUE_FIELDS, ValidRow
from qframe.periods.models import Period, get_or_create_period

CHUNK = 5000
M = Measurement.__table__
R = MeasurementRevision.__table__


class StoredRow(NamedTuple):
    """A measurement as stored, read in `STORED` column order."""

    id: int
    organisation_id: int
    indicator_id: int
    period_id: int
    version: int
    source: str
    submitted_by_id: int | None
    submitted_at: Any
    values: tuple[object, ...]  # VALUE_FIELDS order, as ValidRow.values

    @classmethod
    def of(cls, rec: Sequence[Any]) -> StoredRow:
        """The named row of one selected `STORED` tuple."""
        head = rec[:8]
        return cls(
            head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7], tuple(rec[8:])
        )

    @property
    def key(self) -> tuple[int, int, int]:
        return self.organisation_id, self.indicator_id, self.period_id


@dataclass
class Plan:
    """What a batch would do: new rows, changed rows (with their stored state), unchanged."""

    framework_id: int
    inserts: list[ValidRow] = field(default_factory=list)
    updates: list[tuple[ValidRow, StoredRow]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return len(self.inserts) + len(self.updates) + self.unchanged

    @property
    def missing(self) -> int:
        changed = [r for r, _ in self.updates]
        return sum(1 for r in (*self.inserts, *changed) if r.missing_reason is not None)

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.inserts),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "missing": self.missing,
        }


def plan_rows(
    framework: Framework, rows: Sequence[ValidRow], expected: dict[tuple, int] | None = None
) -> Plan:
    """Compare the rows with what is stored (one SELECT); `expected` versions guard forms."""
    plan = Plan(framework.id)
    labels = {r.period.label for r in rows}
    period_ids = dict(
        db.session.execute(select(Period.label, Period.id).where(Period.label.in_(labels))).all()
    )
    stored: dict[tuple[int, int, int], StoredRow] = {}
    if period_ids:
        stmt = select(*(M.c[f] for f in STORED)).where(
            M.c.framework_id == framework.id, M.c.period_id.in_(period_ids.values())
        )
        orgs = {r.org.id for r in rows}
        if len(orgs) <= 500:
            stmt = stmt.where(M.c.organisation_id.in_(orgs))
        for found in db.session.execute(stmt).all():
            known = StoredRow.of(found)
            stored[known.key] = known
    for row in rows:
        pid = period_ids.get(row.period.label)
        rec = stored.get((row.org.id, row.indicator.id, pid)) if pid is not None else None
        if expected is not None and expected.get(row.key) != (rec.version if rec else None):
            raise Conflict(
                "Someone else saved this value first. Reload the page to see it, then try again."
            )
        if rec is None:
            plan.inserts.append(row)
        elif rec.values == row.values:
            plan.unchanged += 1
        else:
            plan.updates.append((row, rec))
    return plan


def apply_plan(
    actor: User | None,
    framework: Framework,
    plan: Plan,
    *,
    source: str,
    sha256: str,
    filename: str | None = None,
    reason: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> MeasurementImport:
    """Write the plan in chunks and record the batch (one import row, one audit event)."""
    now = utcnow()
    batch = MeasurementImport(
        framework_id=framework.id,
        source=source,
        filename=filename,
        content_sha256=sha256,
        submitted_by_id=actor.id if actor else None,
        at=now,
        **plan.summary(),
    )
    db.session.add(batch)
    db.session.flush()
    labels = {r.period.label for r in plan.inserts} | {r.period.label for r, _ in plan.updates}
    period_ids = {label: get_or_create_period(label).id for label in sorted(labels)}
    same = (source, actor.id if actor else None, now, batch.id)
    inserts = [
        (
            framework.id,
            r.org.id,
            r.indicator.id,
            period_ids[r.period.label],
            1,
            r.missing_reason is not None,
            *same,
            *r.values,
        )
        for r in plan.inserts
    ]
    for chunk in _chunks(inserts):
        _load(M, INSERTED, chunk)
        _tick(progress, len(chunk))
    if plan.updates:
        _apply_updates(plan, same, reason)
        _tick(progress, len(plan.updates))
    db.session.flush()
    audit.record(
        actor,
        "measurements.import",
        "measurement_import",
        batch.id,
        after={
            "framework": f"{framework.code} v{framework.version}",
            "source": source,
            "filename": filename,
            "sha256": sha256,
            **plan.summary(),
        },
    )
    return batch


def _apply_updates(plan: Plan, same: tuple[Any, ...], reason: str | None) -> None:
    """Stage the new values, keep the old state as revisions, then update — all in SQL."""
    source, who, now, batch_id = same
    conn = db.session.connection()
    staged = Table(
        f"measurement_updates_{batch_id}",
        MetaData(),
        Column("id", BigInteger),
        Column("old_version", Integer),
        Column("missing", Boolean),
        *(Column(f, M.c[f].type) for f in VALUE_FIELDS),
        prefixes=["TEMPORARY"],
    )
    staged.create(conn)
    rows = [
        (rec.id, rec.version, row.missing_reason is not None, *row.values)
        for row, rec in plan.updates
    ]
    for chunk in _chunks(rows):
        _load(staged, [c.name for c in staged.c], chunk)
    match = and_(M.c.id == staged.c.id, M.c.version == staged.c.old_version)
    conn.execute(
        insert(R).from_select(
            REVISED,
            select(
                M.c.id,
                M.c.version,
                M.c.source,
                M.c.submitted_by_id,
                M.c.submitted_at,
                *(M.c[f] for f in VALUE_FIELDS),
                *(staged.c[f] for f in VALUE_FIELDS[:-1]),
                literal(who, Integer),
                literal(now, DateTime(timezone=True)),
                literal(source, String),
                literal(reason, String),
                literal(batch_id, Integer),
            ).select_from(M.join(staged, match)),
        )
    )
    result = conn.execute(
        update(M)
        .where(match)
        .values(
            version=M.c.version + 1,
            missing=staged.c.missing,
            source=source,
            submitted_by_id=who,
            submitted_at=now,
            import_id=batch_id,
            **{f: staged.c[f] for f in VALUE_FIELDS},
        )
    )
    staged.drop(conn)
    if result.rowcount != len(rows):
        raise Conflict("Some values changed while the file was being imported; try again.")


# Column orders of the tuples built above.
STORED = (
    "id",
    "organisation_id",
    "indicator_id",
    "period_id",
    "version",
    "source",
    "submitted_by_id",
    "submitted_at",
    *VALUE_FIELDS,
)
INSERTED = (
    "framework_id",
    "organisation_id",
    "indicator_id",
    "period_id",
    "version",
    "missing",
    "source",
    "submitted_by_id",
    "submitted_at",
    "import_id",
    *VALUE_FIELDS,
)
REVISED = (
    "measurement_id",
    "old_version",
    "old_source",
    "old_submitted_by_id",
    "old_submitted_at",
    *(f"old_{f}" for f in VALUE_FIELDS),
    *(f"new_{f}" for f in VALUE_FIELDS[:-1]),
    "changed_by_id",
    "changed_at",
    "source",
    "reason",
    "import_id",
)


def _load(table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Bulk-load rows: COPY on PostgreSQL, executemany straight to the driver elsewhere.

    SQLAlchemy supplies the SQL and each column type's bind processor; its own per-row
    parameter handling would cost more than the database work itself at this volume.
    """
    conn = db.session.connection()
    dialect = conn.dialect
    fixes = [
        (i, proc)
        for i, c in enumerate(columns)
        if (proc := table.c[c].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    values = _processed(rows, fixes)
    if dialect.name == "postgresql":
        names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
        quoted = dialect.identifier_preparer.format_table(table)
        cursor: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    compiled = insert(table).values({c: bindparam(f"p{i}") for i, c in enumerate(columns)})
    sql = compiled.compile(dialect=dialect)
    if dialect.positional:
        order = [int(n[1:]) for n in sql.positiontup or []]
        params: list[Any] = [tuple([row[i] for i in order]) for row in values]
    else:
        params = [{f"p{i}": v for i, v in enumerate(row)} for row in values]
    conn.exec_driver_sql(sql.string, params)


def _processed(rows: Sequence[tuple[Any, ...]], fixes: list[tuple[int, Any]]) -> list[Any]:
    if not fixes:
        return list(rows)
    out = []
    # Batch columns repeat one object (the same timestamp on every row): convert it once. Keyed
    # by identity, not equality, so Decimal('1.0') keeps its own text.
    seen: list[dict[int, tuple[Any, Any]]] = [{} for _ in fixes]
    for row in rows:
        values = list(row)
        for (i, proc), cache in zip(fixes, seen, strict=True):
            value = values[i]
            hit = cache.get(id(value))
            if hit is None or hit[0] is not value:
                hit = cache[id(value)] = (value, proc(value))
            values[i] = hit[1]
        out.append(values)
    return out


def _chunks[T](items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _tick(progress: Callable[[int], None] | None, n: int) -> None:
    if progress is not None:
        progress(n)
