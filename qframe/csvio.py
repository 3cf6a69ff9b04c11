"""Strict CSV reading and safe CSV writing, shared by every import and export.

Reading never stops at the first problem: it returns every problem it can see, each with the
row (the header is row 1) and column, so that a file is accepted whole or rejected whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from qframe.errors import Problem

COUNT_RE = re.compile(r"[0-9]+", re.ASCII)
MONEY_RE = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?", re.ASCII)
DECIMAL_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class CsvTable:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def decode_upload(data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a BOM is accepted) or the problems that make the bytes unreadable."""
    if not data.strip():
        return None, [Problem("empty_file", "The file is empty")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, [
            Problem(
                "nul_byte",
                "The file contains NUL bytes: is it a binary or a spreadsheet file?",
                row=line,
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [
            Problem(
                "not_utf8",
                "The file is not UTF-8 (Windows-1252 or another encoding?). "
                "Save it as 'CSV UTF-8'.",
                row=line,
            )
        ]


def read_csv(
    data: bytes,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    extra_column: re.Pattern[str] | None = None,
    max_rows: int = 1_000_000,
    max_field: int = 2000,
) -> tuple[CsvTable, list[Problem]]:
    """Parse the bytes into rows of stripped strings, with every structural problem found."""
    text, problems = decode_upload(data)
    table = CsvTable(header=[])
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as err:
        return table, [Problem("bad_header", f"The header row could not be read ({err})", row=1)]
    table.header = header
    problems += _header_problems(header, required, optional, extra_column)
    if problems:
        return table, problems
    try:
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(table.rows) >= max_rows:
                problems.append(
                    Problem(
                        "too_many_rows", f"More than {max_rows:,} rows: split the file", row=row
                    )
                )
                break
            if len(values) != len(header):
                problems.append(
                    Problem(
                        "ragged_row", f"Expected {len(header)} fields, found {len(values)}", row=row
                    )
                )
                continue
            for name, value in zip(header, values, strict=True):
                if len(value) > max_field:
                    problems.append(
                        Problem("field_too_long", f"Longer than {max_field} characters", row, name)
                    )
            table.rows.append((row, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as err:
        problems.append(Problem("bad_csv", f"Malformed CSV: {err}", row=reader.line_num))
    if not table.rows and not problems:
        problems.append(Problem("no_rows", "The file has a header but no data rows", row=2))
    return table, problems


def _header_problems(
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    extra: re.Pattern[str] | None,
) -> list[Problem]:
    problems = []
    known = set(required) | set(optional)
    for name in required:
        if name not in header:
            problems.append(
                Problem("missing_column", f"Column {name!r} is required", row=1, column=name)
            )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                Problem("duplicate_column", f"Column {name!r} appears twice", row=1, column=name)
            )
        seen.add(name)
        if name not in known and not (extra and extra.fullmatch(name)):
            problems.append(
                Problem("unknown_column", f"Unknown column {name!r}", row=1, column=name)
            )
    return problems


def parse_count(text: str) -> int | None:
    """A whole number ≥ 0 written with ASCII digits only, else None."""
    return int(text) if COUNT_RE.fullmatch(text) else None


def parse_pence(text: str) -> int | None:
    """Pounds with at most two decimals ('-12.5', '1000') as integer pence, else None."""
    if not MONEY_RE.fullmatch(text):
        return None
    return int(Decimal(text) * 100)


def parse_money_input(text: str | None) -> int | None:
    """What people type into a money field ('£40,000', '-£12.50', ' 2500 ') as pence, else None.

    The one parser for every money form: a leading £ (after any sign), thousands commas and
    surrounding spaces are accepted, then the text must be pounds with at most two decimals.
    """
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    sign = "-" if cleaned.startswith("-") else ""
    cleaned = cleaned.removeprefix("-").removeprefix("£")
    return parse_pence(sign + cleaned) if cleaned and cleaned[0] != "-" else None


def parse_decimal(text: str) -> Decimal | None:
    """A finite plain decimal ('12', '-0.25'), else None (no exponents, NaN or infinity)."""
    if not DECIMAL_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formula injection in text cells; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a header, every text cell made safe for spreadsheets."""
    return "".join(iter_csv(header, rows))


def iter_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], batch: int = 1_000
) -> Iterator[str]:
    """The same CSV text a batch of rows at a time (the header first, on its own), so a
    download can stream with constant memory."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    yield out.getvalue()
    pending = 0
    for row in rows:
        if not pending:
            out.seek(0)
            out.truncate()
        writer.writerow([safe_cell(v) for v in row])
        pending += 1
        if pending == batch:
            yield out.getvalue()
            pending = 0
    if pending:
        yield out.getvalue()


def format_problems(problems: Iterable[Problem]) -> str:
    """The `row,column,code,message` report as CSV text (for the CLI and downloads)."""
    return write_csv(
        ["row", "column", "code", "message"],
        ([p.row or "", p.column or "", p.code, p.message] for p in problems),
    )
