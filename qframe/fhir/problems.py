"""Problems located by FHIRPath-like paths (entry[3].resource.group[0].population[1].count)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from qframe.errors import Problem
from qframe.frameworks.validation import _line_column, _object, _too_deep_at

# A national period's results bundle is large; the web upload limit still applies on top.
MAX_BYTES = 200_000_000


def path(loc: tuple[Any, ...] | list[Any]) -> str:
    """('group', 0, 'population', 1, 'count') → 'group[0].population[1].count'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith("function-"):
            out += ("." if out else "") + str(part)
    return out


def model_problems(error: ValidationError, where: str) -> list[Problem]:
    """A FHIR model's validation errors, each at its location under `where`."""
    problems = []
    for item in error.errors():
        inner = path(item["loc"])
        location = f"{where}.{inner}" if inner else where
        code = "required" if item["type"].endswith("missing") else "invalid_fhir"
        problems.append(Problem(code, f"{item['msg']}", column=location))
    return problems


def plain(value: Any) -> Any:
    """JSON read with exact Decimals → model input: whole numbers written as such become ints."""
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value.as_tuple().exponent == 0 else value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _not_finite(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json(source: bytes | str) -> tuple[Any, list[Problem]]:
    """Parse FHIR JSON with exact decimals, refusing hostile nesting before parsing."""
    if isinstance(source, bytes | bytearray):
        if len(source) > MAX_BYTES:
            return None, [Problem("file_too_large", f"Larger than {MAX_BYTES} bytes", column="")]
        try:
            text = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return None, [Problem("invalid_encoding", f"Not UTF-8 (byte {error.start})", column="")]
    else:
        text = source.removeprefix("\ufeff")
    deep = _too_deep_at(text)
    if deep is not None:
        where = _line_column(text, deep)
        return None, [Problem("too_deep", f"Nested too deeply {where}", column="")]
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_not_finite,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as error:
        where = f"at line {error.lineno}, column {error.colno}"
        return None, [Problem("invalid_json", f"Not valid JSON: {error.msg} {where}", column="")]
    except ValueError as error:
        return None, [Problem("invalid_json", str(error), column="")]
    return value, list(_duplicates(value, ""))


def _duplicates(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            yield Problem("duplicate_key", f"{key} appears twice in one object", column=where)
        for key, item in value.items():
            yield from _duplicates(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _duplicates(item, f"{where}[{i}]")


def read_bundle(
    source: bytes | str, problems: list[Problem], envelope: dict[str, Any] | None = None
) -> list[tuple[int, Any]] | None:
    """The entries' resources of a FHIR Bundle, with their index; problems appended.

    `envelope`, when given, receives the Bundle's own elements (identifier, type…).
    """
    raw, found = read_json(source)
    problems += found
    if found:
        return None
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        got = raw.get("resourceType") if isinstance(raw, dict) else type(raw).__name__
        problems.append(
            Problem("wrong_resource_type", f"Expected a FHIR Bundle, got {got!r}", column="")
        )
        return None
    if envelope is not None:
        envelope.update({k: v for k, v in raw.items() if k != "entry"})
    entries = raw.get("entry")
    if not isinstance(entries, list) or not entries:
        problems.append(Problem("required", "The Bundle has no entries", column="entry"))
        return None
    out = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(Problem("required", "Entry without a resource", column=f"entry[{i}]"))
            continue
        out.append((i, resource))
    return out
