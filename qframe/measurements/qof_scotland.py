"""Converter for ISD Scotland's per-practice QOF 2015/16 achievement CSV into measurements.

Column mapping (documented in the CLI help and the report):
- practice_code → organisation code; practices missing from qframe are created under a
  "Scotland" commissioner with list size (practice_lookup_2015_16.csv beside the file) and
  disease registers (practice_prevalence_adpf_2015_16.csv, when present).
- indicator → indicator code as published; period is the framework year ("2015/16").
- numerator/denominator as published (the payment denominator, after exception reporting);
  num_den_flag `dash_zero` (ISD's "-") is 0; `suppressed_lt5` is recorded as MISSING
  (reason "suppressed"), never as zero.
- All-or-nothing indicators (yes_no measure: QS*, MM*, CS001, CS004, PC002, SMOK003) have no
  numerator/denominator: value 1 when points_achieved equals points_available, else 0; a
  partial award (MM002(S): 3 or 6 of 9) is kept in the comment.
Everything then goes through the same validation and bulk write as any Measurements CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import insert, select

from qframe.auth.models import User
from qframe.csvio import parse_count, read_csv
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.rows import RawRow
from qframe.measurements.services import Outcome, check_rows, previous_import, write_rows
from qframe.orgs.models import Organisation, OrgRegister

REQUIRED = (
    "practice_code",
    "indicator",
    "numerator",
    "denominator",
    "points_available",
    "points_achieved",
    "num_den_flag",
)
OPTIONAL = (
    "contract",
    "file_group",
    "numerator_pct",
    "register",
    "register_flag",
    "prevalence_per_100",
    "pct_points_achieved",
)
LOOKUP = "practice_lookup_2015_16.csv"
PREVALENCE = "practice_prevalence_adpf_2015_16.csv"
COMMISSIONER = ("SCOTLAND", "NHS Scotland (ISD QOF practices)")
# ISD's disease-group names → the framework's group codes.
GROUPS = {"asthma": "AST", "cancer": "CAN", "stroke": "STIA"}


@dataclass(frozen=True)
class ScotlandResult:
    outcome: Outcome
    rows: int
    counted: int
    missing: int
    yes_no: int
    yes: int
    partial: int
    practices_created: int

    def report(self) -> list[str]:
        if self.outcome.already is not None:
            return [f"0 rows imported into QOF Scotland: {self.outcome.message}"]
        return [
            f"{self.rows} rows imported into QOF Scotland: {self.outcome.counts}",
            f"  {self.counted} with numerator/denominator, {self.missing} suppressed by ISD "
            "(denominator under 5) recorded as missing, not zero",
            f"  {self.yes_no} all-or-nothing (yes_no) rows: {self.yes} recorded 1 (all points), "
            f"{self.yes_no - self.yes} recorded 0 ({self.partial} partial awards kept in the "
            "comment)",
            f"  {self.practices_created} practices created under {COMMISSIONER[0]}",
        ]


def import_qof_scotland(
    actor: User | None,
    framework: Framework,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ScotlandResult:
    """Convert and import the file all or nothing (the caller commits)."""
    data = path.read_bytes()
    table, problems = read_csv(data, required=REQUIRED, optional=OPTIONAL, max_rows=200_000)
    if problems:
        raise ValidationFailed("No measurements were imported", problems)
    measures = {i.code: i.measure for i in framework.indicators}
    raw: list[RawRow] = []
    counted = missing = yes_no = yes = partial = 0
    for n, v in table.rows:
        values = {
            "org_code": v["practice_code"],
            "indicator_code": v["indicator"],
            "period": framework.year,
        }
        if measures.get(v["indicator"]) == "yes_no":
            got, out_of = _decimal(v["points_achieved"]), _decimal(v["points_available"])
            full = got is not None and got == out_of
            values["value"] = "1" if full else "0"
            yes_no += 1
            yes += full
            if not full and got:
                partial += 1
                values["comment"] = (
                    f"ISD awarded {v['points_achieved']} of {v['points_available']} points "
                    "(partial); all-or-nothing value 0"
                )
        elif v["num_den_flag"] == "suppressed_lt5":
            values["missing"] = "suppressed"
            values["comment"] = "Suppressed by ISD: denominator under 5"
            missing += 1
        else:
            zero = "0" if v["num_den_flag"] == "dash_zero" else ""
            values["numerator"] = v["numerator"] or zero
            values["denominator"] = v["denominator"] or zero
            counted += 1
        raw.append(RawRow(n, values))
    sha256 = hashlib.sha256(data).hexdigest()
    already = previous_import(framework, actor, sha256)
    if already is not None:
        outcome = Outcome(already.rows, 0, 0, already.rows, 0, already.id, already=already)
        return ScotlandResult(outcome, len(raw), counted, missing, yes_no, yes, partial, 0)
    created = ensure_practices(path.parent, {v["practice_code"] for _, v in table.rows})
    rows = check_rows(framework, actor, raw)
    outcome = write_rows(
        actor, framework, rows, source="file", sha256=sha256, filename=path.name, progress=progress
    )
    return ScotlandResult(outcome, len(raw), counted, missing, yes_no, yes, partial, created)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def ensure_practices(folder: Path, codes: set[str]) -> int:
    """Create the practices qframe does not have yet, in bulk; returns how many were created."""
    existing = set(
        db.session.scalars(select(Organisation.code).where(Organisation.code.in_(codes)))
    )
    todo = sorted(codes - existing)
    if not todo:
        return 0
    lookup = _lookup(folder / LOOKUP)
    unknown = [c for c in todo if c not in lookup]
    if unknown:
        raise ValidationFailed(
            f"{len(unknown)} practices are not in {LOOKUP}: cannot create them",
            [
                Problem(
                    "unknown_practice", f"Practice {c} is not in {LOOKUP}", column="practice_code"
                )
                for c in unknown[:100]
            ],
        )
    parent = _commissioner()
    db.session.execute(
        insert(Organisation),
        [
            {
                "code": c,
                "name": lookup[c][0],
                "kind": "primary_care",
                "parent_id": parent.id,
                "list_size": lookup[c][1],
                "version": 1,
            }
            for c in todo
        ],
    )
    ids = dict(
        db.session.execute(
            select(Organisation.code, Organisation.id).where(Organisation.code.in_(todo))
        ).all()
    )
    registers = [
        {"organisation_id": ids[c], "group": group, "size": size}
        for c, group, size in _registers(folder / PREVALENCE)
        if c in ids
    ]
    if registers:
        db.session.execute(insert(OrgRegister), registers)
    return len(todo)


def _commissioner() -> Organisation:
    code, name = COMMISSIONER
    org = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        org = Organisation(code=code, name=name, kind="commissioner")
        db.session.add(org)
        db.session.flush()
    return org


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise ValidationFailed(
            f"{path.name} must be beside the achievement file to create practices"
        )
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _lookup(path: Path) -> dict[str, tuple[str, int | None]]:
    return {
        r["practice_code"]: (
            r["practice_name"].title()[:200] or r["practice_code"],
            parse_count(r["list_size"]),
        )
        for r in _read(path)
    }


def _registers(path: Path) -> list[tuple[str, str, int]]:
    if not path.exists():
        return []
    out = []
    for r in _read(path):
        size = parse_count(r.get("register", ""))
        if size is not None:
            out.append((r["practice_code"], GROUPS.get(r["group"], r["group"].upper()), size))
    return out
