"""Organisation use cases: CSV import (all or nothing), edit, and hierarchy queries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from qframe.audit import services as audit
from qframe.auth.models import User
from qframe.csvio import parse_count, parse_pence, read_csv
from qframe.errors import Conflict, Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import KINDS, PARENT_KINDS, Organisation, OrgRegister

COLUMNS = ("code", "name", "kind", "parent_code", "contract_value", "list_size")
REGISTER_COLUMN = re.compile(r"register:[A-Za-z0-9_-]{1,40}")
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")


@dataclass(frozen=True)
class OrgRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    contract_value_pence: int | None
    list_size: int | None
    registers: dict[str, int]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def import_organisations(actor: User | None, data: bytes) -> ImportResult:
    """Create or update organisations from the CSV; any problem rejects the whole file."""
    table, problems = read_csv(
        data, required=COLUMNS[:4], optional=COLUMNS[4:], extra_column=REGISTER_COLUMN
    )
    rows = [r for r in (_parse_row(n, v, problems) for n, v in table.rows) if r is not None]
    if table.rows:
        problems += _hierarchy_problems(rows, {v.get("code", "") for _, v in table.rows})
    if problems:
        raise ValidationFailed("No organisations were imported", problems)
    existing = {o.code: o for o in db.session.scalars(select(Organisation))}
    created = updated = 0
    for row in _parents_first(rows):
        org = existing.get(row.code)
        if org is None:
            org = Organisation(code=row.code)
            db.session.add(org)
            existing[row.code] = org
            created += 1
        else:
            updated += 1
        org.name, org.kind = row.name, row.kind
        org.parent = existing[row.parent_code] if row.parent_code else None
        org.contract_value_pence, org.list_size = row.contract_value_pence, row.list_size
        _set_registers(org, row.registers)
    db.session.flush()
    audit.record(
        actor, "orgs.import", "organisation", None, after={"created": created, "updated": updated}
    )
    return ImportResult(created, updated)


def _parse_row(row: int, values: dict[str, str], problems: list[Problem]) -> OrgRow | None:
    start = len(problems)
    code, kind = values["code"], values["kind"]
    if not CODE_RE.fullmatch(code):
        problems.append(
            Problem("bad_code", "Codes are 1–20 letters, digits, '.', '_' or '-'", row, "code")
        )
    if not values["name"]:
        problems.append(Problem("required", "A name is required", row, "name"))
    if kind not in KINDS:
        problems.append(
            Problem(
                "unknown_kind", f"Unknown kind {kind!r}; kinds are {', '.join(KINDS)}", row, "kind"
            )
        )
    contract = _optional(
        values.get("contract_value", ""), parse_pence, row, "contract_value", problems
    )
    list_size = _optional(values.get("list_size", ""), parse_count, row, "list_size", problems)
    registers: dict[str, int] = {}
    for name, text in values.items():
        if name.startswith("register:") and text:
            size = parse_count(text)
            if size is None:
                problems.append(
                    Problem("bad_count", "Register sizes are whole numbers ≥ 0", row, name)
                )
            else:
                registers[name.removeprefix("register:")] = size
    if len(problems) > start:
        return None
    return OrgRow(
        row,
        code,
        values["name"],
        kind,
        values["parent_code"] or None,
        contract,
        list_size,
        registers,
    )


def _optional(text: str, parse, row: int, column: str, problems: list[Problem]):
    if not text:
        return None
    value = parse(text)
    if value is None or value < 0:
        problems.append(
            Problem("bad_number", f"{text!r} is not a valid non-negative amount", row, column)
        )
    return value


def _hierarchy_problems(rows: Sequence[OrgRow], codes_in_file: set[str]) -> list[Problem]:
    """Parent, kind and cycle checks; rows that failed to parse still count as known codes."""
    problems: list[Problem] = []
    in_file: dict[str, OrgRow] = {}
    for r in rows:
        if r.code in in_file:
            problems.append(
                Problem(
                    "duplicate_code",
                    f"Code {r.code} also on row {in_file[r.code].row}",
                    r.row,
                    "code",
                )
            )
        in_file[r.code] = r
    db_orgs = {
        o.code: (o.kind, o.parent.code if o.parent else None)
        for o in db.session.scalars(select(Organisation))
    }
    kinds = {code: kind for code, (kind, _) in db_orgs.items()} | {
        c: r.kind for c, r in in_file.items()
    }
    parents = {code: parent for code, (_, parent) in db_orgs.items()} | {
        c: r.parent_code for c, r in in_file.items()
    }
    for r in rows:
        allowed = PARENT_KINDS[r.kind]
        if r.parent_code is None:
            if allowed:
                problems.append(
                    Problem("parent_required", f"A {r.kind} needs a parent", r.row, "parent_code")
                )
        elif r.parent_code not in kinds:
            if r.parent_code in codes_in_file:
                continue  # its parent row has its own problem reported
            problems.append(
                Problem(
                    "missing_parent",
                    f"No organisation has code {r.parent_code}",
                    r.row,
                    "parent_code",
                )
            )
        elif kinds[r.parent_code] not in allowed:
            want = " or ".join(allowed) or "no parent"
            problems.append(
                Problem(
                    "wrong_parent_kind",
                    f"A {r.kind}'s parent must be {want}, not {kinds[r.parent_code]}",
                    r.row,
                    "parent_code",
                )
            )
        if _in_cycle(r.code, parents):
            problems.append(
                Problem("cycle", f"{r.code} would be its own ancestor", r.row, "parent_code")
            )
    return problems


def _in_cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen = {code}
    current = parents.get(code)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _parents_first(rows: Sequence[OrgRow]) -> list[OrgRow]:
    depth = {k: i for i, k in enumerate(("commissioner", "acute", "service_line", "ward"))}
    return sorted(rows, key=lambda r: depth.get(r.kind, 1))


def _set_registers(org: Organisation, registers: dict[str, int]) -> None:
    current = {r.group: r for r in org.registers}
    for group, size in registers.items():
        if group in current:
            current[group].size = size
        else:
            org.registers.append(OrgRegister(group=group, size=size))


def update_organisation(
    actor: User,
    org: Organisation,
    *,
    name: str,
    contract_value_pence: int | None,
    list_size: int | None,
    expected_version: int,
) -> Organisation:
    """Edit an organisation's descriptive figures; a stale form gets Conflict."""
    if org.version != expected_version:
        raise Conflict(
            "Someone else changed this organisation since you opened it; reload and try again"
        )
    before = org_snapshot(org)
    org.name, org.contract_value_pence, org.list_size = (
        name.strip(),
        contract_value_pence,
        list_size,
    )
    db.session.flush()
    audit.record(
        actor, "org.update", "organisation", org.id, before=before, after=org_snapshot(org)
    )
    return org


def org_snapshot(org: Organisation) -> dict[str, object]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "contract_value_pence": org.contract_value_pence,
        "list_size": org.list_size,
    }
