"""The payment schedule as people read it: who, which run, and whether it may be paid.

An unapproved (proposed) run's schedule says DRAFT in its file name and in every row; every
schedule carries the run, framework version, period, status, proposer, approver and the names
of its recipients (and, for service-line runs, of their providers). The formats.md columns come
first, unchanged, so readers of the documented layout keep working.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qframe.extensions import db
from qframe.orgs.models import Organisation
from qframe.rewards.models import AllocationLine, AllocationRun, AllocationSplit
from qframe.rewards.reports import schedule_header, schedule_rows

STAMP = ["run", "framework", "version", "period", "status", "proposed_by", "approved_by"]
STATUS_WORDS = {"proposed": "DRAFT", "approved": "APPROVED", "superseded": "SUPERSEDED"}


def status_word(run: AllocationRun) -> str:
    """DRAFT until a second finance user approves; then APPROVED (or SUPERSEDED)."""
    return STATUS_WORDS.get(run.status, run.status.upper())


def schedule_filename(run: AllocationRun) -> str:
    """allocation-run-7.csv once approved; allocation-run-7-DRAFT.csv before."""
    word = status_word(run)
    suffix = "" if word == "APPROVED" else f"-{word}"
    return f"allocation-run-{run.id}{suffix}.csv"


def marked_path(run: AllocationRun, path: Path) -> Path:
    """The CLI's output path with -DRAFT (or -SUPERSEDED) added unless it already says so."""
    word = status_word(run)
    if word == "APPROVED" or word in path.name.upper():
        return path
    return path.with_name(f"{path.stem}-{word}{path.suffix}")


def stamped_header(run: AllocationRun) -> list[str]:
    """formats.md's columns, then names, then the run's stamp."""
    header = [*schedule_header(run), "org_name"]
    if run.by_service_line:
        header.append("provider_name")
    return header + STAMP


def _names(run: AllocationRun) -> dict[str, str]:
    ids: Any = select(AllocationLine.organisation_id).where(AllocationLine.run_id == run.id)
    if run.by_service_line:
        ids = ids.union(
            select(AllocationSplit.organisation_id).where(AllocationSplit.run_id == run.id)
        )
    rows = db.session.execute(
        select(Organisation.code, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {code: name for code, name in rows}


def _person(user: object | None) -> str:
    if user is None:
        return ""
    name, email = getattr(user, "name", ""), getattr(user, "email", "")
    return f"{name} ({email})" if name else str(email)


def stamped_rows(run: AllocationRun) -> Iterator[list[str]]:
    """Every schedule row with its recipient's name and the run's stamp."""
    names = _names(run)
    stamp = [
        str(run.id),
        run.framework.code,
        str(run.framework.version),
        run.period.label,
        status_word(run),
        _person(run.created_by),
        _person(run.approved_by),
    ]
    for row in schedule_rows(run):
        extra = [names.get(row[0], "")]
        if run.by_service_line:
            extra.append(names.get(row[-1], ""))
        yield [*row, *extra, *stamp]
