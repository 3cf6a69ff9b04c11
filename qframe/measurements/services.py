"""Measurement use cases: CSV import, API batch, form entry — one validator, one write path."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import select

from qframe.auth.models import User
from qframe.auth.permissions import can, scope_org_ids
from qframe.csvio import read_csv
from qframe.errors import NotFound, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.declarations import reset_declarations
from qframe.measurements.importer import Plan, apply_plan, plan_rows
from qframe.measurements.models import MeasurementImport
from qframe.measurements.rows import (
    COLUMNS,
    OPTIONAL,
    STRATUM,
    Catalogue,
    IndicatorRef,
    OrgRef,
    RawRow,
    ValidRow,
)
from qframe.measurements.validation import validate_rows
from qframe.measurements.windows import lock_book, may_amend_declared
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period

REFUSED = "No measurements were imported"
OUT_OF_SCOPE = (
    "The whole file was refused: it has rows for organisations you cannot submit for. "
    "Nothing was imported."
)


@dataclass(frozen=True)
class Outcome:
    """What a batch did (or, for a preview, would do)."""

    rows: int
    created: int
    updated: int
    unchanged: int
    missing: int
    import_id: int | None = None
    already: MeasurementImport | None = None
    declarations_reset: int = 0

    @property
    def message(self) -> str:
        if self.already is not None:
            return (
                f"This file was already imported (import {self.already.id}, "
                f"{self.already.at:%d %b %Y %H:%M}): nothing changed."
            )
        return f"{self.rows:,} rows: {self.counts}"

    @property
    def counts(self) -> str:
        return (
            f"{self.created:,} new, {self.updated:,} changed, {self.unchanged:,} unchanged "
            f"({self.missing:,} recorded as missing)"
        )


def resolve_framework(code: str, version: int | None = None) -> Framework:
    """The framework by code: the given version, else the newest that is not a draft."""
    stmt = select(Framework).where(Framework.code == code)
    if version is not None:
        stmt = stmt.where(Framework.version == version)
    else:
        stmt = stmt.where(Framework.status != "draft").order_by(Framework.version.desc())
    framework = db.session.scalars(stmt.limit(1)).first()
    if framework is None:
        raise NotFound(f"No published framework {code}" + (f" v{version}" if version else ""))
    return framework


def org_refs(user: User | None, codes: Iterable[str] | None = None) -> dict[str, OrgRef]:
    """Organisations by code with their provider and whether the user may submit for them."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.code, Organisation.kind, Organisation.parent_id)
    ).all()
    by_id = {r.id: r for r in rows}
    scope = scope_org_ids(user) if user is not None else None
    wanted = set(codes) if codes is not None else None
    refs: dict[str, OrgRef] = {}
    for r in rows:
        if wanted is not None and r.code not in wanted:
            continue
        top = by_id.get(r.id)
        while top is not None and top.kind not in PROVIDER_KINDS:
            top = by_id.get(top.parent_id) if top.parent_id else None
        refs[r.code] = OrgRef(
            r.id,
            r.code,
            r.kind,
            top.id if top else None,
            top.kind if top else None,
            scope is None or r.id in scope,
        )
    return refs


def catalogue(
    framework: Framework,
    actor: User | None,
    *,
    today: date | None = None,
    codes: Iterable[str] | None = None,
    allow_computed: bool = False,
) -> Catalogue:
    """Everything validation needs for this framework and actor, in a handful of queries."""
    today = today or date.today()
    indicators = {
        i.code: IndicatorRef(
            i.id, i.code, i.measure, i.level, i.data_source, i.frequency, i.method == "vbp"
        )
        for i in db.session.scalars(select(Indicator).where(Indicator.framework_id == framework.id))
    }
    retired: dict[str, int] = {}
    for code, version in db.session.execute(
        select(Indicator.code, Framework.version)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.code == framework.code, Framework.id != framework.id)
    ):
        if code not in indicators:
            retired[code] = max(version, retired.get(code, 0))
    return Catalogue(
        framework=framework.code,
        year=framework.year,
        setting=framework.setting,
        orgs=org_refs(actor, codes),
        indicators=indicators,
        today=today,
        lock_for=lock_book(framework, today=today, amend_declared=may_amend_declared(actor)),
        retired=retired,
        sees_everything=actor is None or can(actor, "all_organisations"),
        allow_computed=allow_computed,
        baseline=(framework.vbp or {}).get("baseline_period"),
    )


def check_rows(
    framework: Framework,
    actor: User | None,
    raw: Sequence[RawRow],
    *,
    today: date | None = None,
    allow_computed: bool = False,
) -> list[ValidRow]:
    """Validate every row; any problem refuses the whole batch with every problem listed."""
    codes = {r.values.get("org_code", "").strip() for r in raw}
    cat = catalogue(framework, actor, today=today, codes=codes, allow_computed=allow_computed)
    valid, problems = validate_rows(raw, cat)
    if problems:
        scoped = any(p.code == "org_not_in_scope" for p in problems)
        raise ValidationFailed(OUT_OF_SCOPE if scoped else REFUSED, problems)
    return valid


def write_rows(
    actor: User | None,
    framework: Framework,
    rows: Sequence[ValidRow],
    *,
    source: str,
    sha256: str,
    filename: str | None = None,
    reason: str | None = None,
    expected: dict[tuple, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Plan and write valid rows; declared data that changes goes back to awaiting declaration."""
    plan = plan_rows(framework, rows, expected)
    batch = apply_plan(
        actor,
        framework,
        plan,
        source=source,
        sha256=sha256,
        filename=filename,
        reason=reason,
        progress=progress,
    )
    changed = [*plan.inserts, *(r for r, _ in plan.updates)]
    keys = {(r.org.provider_id, r.period.label) for r in changed if r.org.provider_id}
    reset = 0
    if keys:
        labels = {label for _, label in keys}
        ids = dict(
            db.session.execute(
                select(Period.label, Period.id).where(Period.label.in_(labels))
            ).all()
        )
        reset = reset_declarations(
            actor,
            framework.id,
            {(p, ids[label]) for p, label in keys},
            f"data changed ({source} import {batch.id})",
        )
    return _outcome(plan, batch.id, reset)


def _outcome(plan: Plan, import_id: int | None, reset: int = 0) -> Outcome:
    s = plan.summary()
    return Outcome(
        s["rows"],
        s["created"],
        s["updated"],
        s["unchanged"],
        s["missing"],
        import_id,
        declarations_reset=reset,
    )


def csv_rows(data: bytes) -> list[RawRow]:
    """The Measurements CSV as raw rows, or ValidationFailed with every structural problem."""
    config = current_app.config if has_app_context() else {}
    table, problems = read_csv(
        data,
        required=COLUMNS,
        optional=OPTIONAL + STRATUM,
        max_rows=int(config.get("IMPORT_MAX_ROWS", 1_000_000)),
        max_field=int(config.get("IMPORT_MAX_FIELD_CHARS", 2000)),
    )
    if problems:
        raise ValidationFailed(REFUSED, problems)
    return [RawRow(n, values) for n, values in table.rows]


def previous_import(
    framework: Framework, actor: User | None, sha256: str
) -> MeasurementImport | None:
    """The same file imported before by the same user, nothing changed since."""
    by = MeasurementImport.submitted_by_id
    earlier = db.session.scalars(
        select(MeasurementImport)
        .where(
            MeasurementImport.framework_id == framework.id,
            MeasurementImport.content_sha256 == sha256,
            MeasurementImport.source == "file",
            by == actor.id if actor is not None else by.is_(None),
        )
        .order_by(MeasurementImport.id.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return None
    newer = db.session.scalar(
        select(MeasurementImport.id)
        .where(
            MeasurementImport.framework_id == framework.id,
            MeasurementImport.id > earlier.id,
            MeasurementImport.created + MeasurementImport.updated > 0,
        )
        .limit(1)
    )
    return earlier if newer is None else None


def import_csv(
    actor: User | None,
    framework: Framework,
    data: bytes,
    *,
    filename: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Import a Measurements CSV all or nothing; the same file again is a reported no-op."""
    sha256 = hashlib.sha256(data).hexdigest()
    already = previous_import(framework, actor, sha256)
    if already is not None:
        return Outcome(already.rows, 0, 0, already.rows, 0, already.id, already=already)
    rows = check_rows(framework, actor, csv_rows(data), today=today)
    if dry_run:
        return _outcome(plan_rows(framework, rows), None)
    return write_rows(
        actor, framework, rows, source="file", sha256=sha256, filename=filename, progress=progress
    )


def submit_items(
    actor: User | None,
    framework: Framework,
    items: Sequence[RawRow],
    *,
    sha256: str,
    today: date | None = None,
) -> Outcome:
    """An API batch: the same checks and write path as a file."""
    rows = check_rows(framework, actor, items, today=today)
    return write_rows(actor, framework, rows, source="api", sha256=sha256)


def save_entry(
    actor: User,
    framework: Framework,
    org: Organisation,
    indicator: Indicator,
    period: str,
    fields: dict[str, str],
    *,
    expected_version: int | None,
    today: date | None = None,
) -> Outcome:
    """One value from the entry form; a stale form (someone saved first) gets Conflict."""
    values = {**fields, "org_code": org.code, "indicator_code": indicator.code, "period": period}
    rows = check_rows(framework, actor, [RawRow(1, values)], today=today)
    digest = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()
    expected = {rows[0].key: expected_version}
    return write_rows(actor, framework, rows, source="form", sha256=digest, expected=expected)  # type: ignore[arg-type]
