"""Hostile input refused at the edge: NUL bytes anywhere we read, JSON too big or too deep.

PostgreSQL cannot store a NUL in text (the driver raises), and SQLite silently stores one, so a
NUL is refused with 400 before any view runs, whatever the database. JSON is measured before it
is parsed: Python's parser recurses, and thousands of nested brackets would overflow the stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from qframe.errors import Problem, TooLarge, ValidationFailed

NUL = "\x00"
JSON_MAX_DEPTH = 32
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Whole strings (so brackets inside them are not counted) or a single bracket.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
# The escape \u0000 itself, not an escaped backslash followed by the text "u0000".
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def json_depth(data: bytes) -> int:
    """The deepest bracket nesting in raw JSON text, found without parsing it."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _nul_in_json() -> ValidationFailed:
    return ValidationFailed(
        "The JSON contains a NUL character (\\u0000)",
        [Problem("nul_byte", "NUL characters are not accepted")],
    )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def check_json_text(data: bytes, limit: int) -> None:
    """Refuse JSON over the size limit (413) or nested too deep (422), before parsing it."""
    if len(data) > limit:
        raise TooLarge(f"JSON bodies are limited to {limit:,} bytes")
    if json_depth(data) > JSON_MAX_DEPTH:
        raise ValidationFailed(
            f"JSON nested deeper than {JSON_MAX_DEPTH} levels is not accepted",
            [Problem("too_deep", f"Nesting is limited to {JSON_MAX_DEPTH} levels")],
        )


def _json_limit(app: Flask) -> int:
    return int(app.config.get("JSON_MAX_BYTES", 10_485_760))


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with size and depth checked before parsing and NUL refused after."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        data = s.encode() if isinstance(s, str) else s
        check_json_text(data, _json_limit(self._app))  # type: ignore[arg-type]
        value = json.loads(data, **kwargs)
        if _has_nul(value):
            raise _nul_in_json()
        return value


def _refuse_nul() -> None:
    if NUL in request.path or any(NUL in k or NUL in v for k, v in request.args.items(multi=True)):
        abort(400, "The address contains a NUL character, which is not accepted.")
    if any(NUL in value for _name, value in request.headers.items()):
        abort(400, "A request header contains a NUL character, which is not accepted.")
    if request.mimetype in FORM_TYPES:
        fields = request.form.items(multi=True)
        names = [f.filename or "" for f in request.files.values()]
        if any(NUL in k or NUL in v for k, v in fields) or any(NUL in n for n in names):
            abort(400, "The form contains a NUL character, which is not accepted.")


def _guard_json_body() -> None:
    # Some features parse the body themselves (exact decimals): measure it for all of them.
    if request.is_json and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        data = request.get_data(cache=True)
        if b"\x00" in data:
            abort(400, "The body contains a NUL byte, which is not accepted.")
        check_json_text(data, _json_limit(current_app))
        if _ESCAPED_NUL.search(data):
            raise _nul_in_json()


# Most tables' keys are PostgreSQL INTEGER: a larger id is no record (404), not a driver error.
MAX_URL_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` from 0 to MAX_URL_ID."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_URL_ID)
        super().__init__(map, *args, **kwargs)


def init_hostile_input(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = GuardedJSONProvider(app)
    app.before_request_funcs.setdefault(None, [])[:0] = [_refuse_nul, _guard_json_body]
