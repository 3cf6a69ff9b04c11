"""A Bundle of summary MeasureReports as measurements, through the measurements validator.

Each report becomes one Measurements-CSV-shaped row; the FHIR checks here and the row checks
of the CSV import run on every entry, and any problem refuses the whole bundle with the
FHIRPath-like location of each (entry[3].resource.group[0].population[1].count).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.measurereport import MeasureReport
from pydantic import ValidationError

from qframe.auth.models import User
from qframe.errors import Problem, ValidationFailed
from qframe.fhir.codes import ext_url, label_for, parse_measure_url
from qframe.fhir.problems import model_problems, plain, read_bundle
from qframe.frameworks.models import Framework
from qframe.measurements.rows import RawRow
from qframe.measurements.services import (
    REFUSED,
    Outcome,
    check_rows,
    previous_import,
    write_rows,
)

COUNTED = {"numerator": "numerator", "denominator": "denominator"}
COUNTED["denominator-exclusion"] = "exclusions"
STATUSES = ("complete", "pending")


class _Entry:
    """One report on its way to a row: values, and where each came from in the bundle."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.base = f"entry[{index}].resource"
        self.values: dict[str, str] = {}
        self.where: dict[str, str] = {
            "org_code": f"{self.base}.reporter.identifier.value",
            "indicator_code": f"{self.base}.measure",
            "period": f"{self.base}.period",
            "missing": f"{self.base}.extension",
            "comment": f"{self.base}.extension",
            "value": f"{self.base}.group[0].measureScore.value",
            "numerator": f"{self.base}.group[0].population",
            "denominator": f"{self.base}.group[0].population",
            "exclusions": f"{self.base}.group[0].population",
            "expected": f"{self.base}.group[0].extension",
        }
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, where: str) -> None:
        self.problems.append(Problem(code, message, column=f"{self.base}{where}"))


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else str(value)


def _read(index: int, resource: dict[str, Any], framework: Framework) -> _Entry:
    entry = _Entry(index)
    if resource.get("resourceType") != "MeasureReport":
        got = resource.get("resourceType")
        entry.problem("wrong_resource_type", f"Expected a MeasureReport, got {got!r}", "")
        return entry
    try:
        MeasureReport.model_validate(plain(resource))
    except ValidationError as error:
        entry.problems += model_problems(error, entry.base)
        return entry
    if resource["status"] not in STATUSES:
        entry.problem("bad_status", "status is complete or pending", ".status")
    if resource["type"] != "summary":
        entry.problem("bad_type", "Only summary MeasureReports are imported", ".type")
    _measure(entry, resource["measure"], framework)
    _reporter(entry, resource.get("reporter"))
    _period(entry, resource["period"])
    for ext in resource.get("extension") or []:
        if ext.get("url") == ext_url("missing-reason"):
            entry.values["missing"] = _text(ext.get("valueCode"))
        elif ext.get("url") == ext_url("comment"):
            entry.values["comment"] = _text(ext.get("valueString"))
    groups = resource.get("group") or []
    if len(groups) > 1:
        entry.problem("too_many_groups", "One group per report", ".group[1]")
    if groups:
        _group(entry, groups[0])
    return entry


def _measure(entry: _Entry, canonical: str, framework: Framework) -> None:
    parsed = parse_measure_url(canonical)
    if parsed is None or parsed[0] != framework.code:
        entry.problem(
            "unknown_measure",
            f"{canonical!r} is not a Measure of {framework.code} "
            f"(qframe canonical URLs come from `qframe fhir export-framework`)",
            ".measure",
        )
        return
    if parsed[2] is not None and parsed[2] != str(framework.version):
        entry.problem(
            "unknown_measure",
            f"{canonical!r} is version {parsed[2]}; this is {framework.code} v{framework.version}",
            ".measure",
        )
        return
    entry.values["indicator_code"] = parsed[1]


def _reporter(entry: _Entry, reporter: Any) -> None:
    ident = (reporter or {}).get("identifier") or {}
    if not ident.get("value"):
        entry.problem("required", "The organisation is reporter.identifier (its code)", ".reporter")
        return
    entry.values["org_code"] = str(ident["value"])


def _period(entry: _Entry, period: dict[str, Any]) -> None:
    try:
        start = date.fromisoformat(str(period.get("start")))
        end = date.fromisoformat(str(period.get("end")))
    except ValueError:
        entry.problem("bad_period", "period needs a start and an end date", ".period")
        return
    label = label_for(start, end)
    if label is None:
        entry.problem(
            "bad_period",
            f"{start}..{end} is not a financial year, quarter or calendar month",
            ".period",
        )
        return
    entry.values["period"] = label


def _group(entry: _Entry, group: dict[str, Any]) -> None:
    score = (group.get("measureScore") or {}).get("value")
    for j, population in enumerate(group.get("population") or []):
        codes = [c.get("code") for c in (population.get("code") or {}).get("coding") or []]
        where = f".group[0].population[{j}]"
        field = next((f for c in codes if (f := COUNTED.get(c) or _register(c))), None)
        if field is None:
            entry.problem("unknown_population", f"Population {codes} is not used", f"{where}.code")
            continue
        count = population.get("count")
        if count is None:
            entry.problem("required", "Give the population's count", f"{where}.count")
            continue
        entry.where[field] = f"{entry.base}{where}.count"
        if not isinstance(count, Decimal):
            # JSON text "5" or true: FHIR integers are JSON numbers.
            entry.problem("not_a_count", f"count {count!r} is not a JSON number", f"{where}.count")
            continue
        entry.values[field] = _text(count)
    for j, ext in enumerate(group.get("extension") or []):
        if ext.get("url") == ext_url("expected-count"):  # a ratio's expected count
            entry.where["expected"] = f"{entry.base}.group[0].extension[{j}].valueDecimal"
            entry.values["expected"] = _text(ext.get("valueDecimal"))
    if score is not None and "value" not in entry.values and not _counted(entry):
        entry.values["value"] = _text(score)


def _register(code: str | None) -> str | None:
    return "value" if code == "initial-population" else None


def _counted(entry: _Entry) -> bool:
    return any(f in entry.values for f in ("numerator", "denominator", "exclusions"))


def bundle_rows(
    framework: Framework, source: bytes | str
) -> tuple[list[RawRow], list[_Entry], list[Problem]]:
    """The FHIR reading alone: each sound report as a Measurements-CSV-shaped row (text values),
    and the FHIR problems; the measurement rules are applied by `read_reports`."""
    problems: list[Problem] = []
    resources = read_bundle(source, problems) or []
    entries = [_read(i, resource, framework) for i, resource in resources]
    rows = []
    for entry in entries:
        problems += entry.problems
        if not entry.problems:
            rows.append(RawRow(entry.index, entry.values, path=f"@{entry.index}"))
    return rows, entries, problems


def read_reports(
    framework: Framework, actor: User | None, source: bytes | str, *, today: date | None = None
) -> list[Any]:
    """The bundle's reports as valid rows, or ValidationFailed listing every problem."""
    rows, entries, problems = bundle_rows(framework, source)
    valid: list[Any] = []
    if rows:
        try:
            valid = check_rows(framework, actor, rows, today=today)
        except ValidationFailed as error:
            where = {e.index: e.where for e in entries}
            problems += [_locate(p, where) for p in error.problems]
    if problems:
        problems.sort(key=lambda p: _entry_number(p.column))
        raise ValidationFailed(f"{REFUSED}: the bundle was refused whole", problems)
    return valid


def _locate(problem: Problem, where: dict[int, dict[str, str]]) -> Problem:
    """A row problem ('@3.numerator') at the place in the bundle the value came from."""
    column = problem.column or ""
    if column.startswith("@"):
        index, _, name = column[1:].partition(".")
        places = where.get(int(index), {})
        column = places.get(name, f"entry[{index}].resource")
    # The row validator numbers rows; here they are entries.
    message = re.sub(r"\brow (\d+)", r"entry[\1]", problem.message)
    return Problem(problem.code, message, column=column)


def _entry_number(column: str | None) -> int:
    if column and column.startswith("entry["):
        return int(column[6 : column.index("]")])
    return -1


def import_reports(
    actor: User | None,
    framework: Framework,
    source: bytes,
    *,
    filename: str | None = None,
    today: date | None = None,
) -> Outcome:
    """Import a MeasureReport bundle all or nothing; the same bundle again changes nothing."""
    sha256 = hashlib.sha256(source).hexdigest()
    already = previous_import(framework, actor, sha256)
    if already is not None:
        return Outcome(already.rows, 0, 0, already.rows, 0, already.id, already=already)
    rows = read_reports(framework, actor, source, today=today)
    return write_rows(actor, framework, rows, source="file", sha256=sha256, filename=filename)
