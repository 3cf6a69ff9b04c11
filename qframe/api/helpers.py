"""Helpers for JSON endpoints: strict JSON bodies and marshmallow errors as problems."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError, fields

from qframe.errors import Problem, ValidationFailed

MAX_DEPTH = 20


def json_body() -> Any:
    """The request's JSON; wrong content type, malformed or too deeply nested JSON → 4xx."""
    if not request.is_json:
        raise ValidationFailed("Send JSON with Content-Type: application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationFailed("The body is not valid JSON")
    if _depth(data) > MAX_DEPTH:
        raise ValidationFailed(f"JSON nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def load_or_fail(schema: Schema, data: Any, message: str = "The request was not accepted") -> Any:
    """Validate with marshmallow (unknown fields are rejected); every error becomes a Problem."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValidationFailed(message, list(problems_from(error.messages))) from error


def problems_from(messages: Any, path: str = "") -> list[Problem]:
    """Flatten marshmallow's nested error dict into problems with JSON paths."""
    out: list[Problem] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            out += problems_from(value, child)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out += [Problem("invalid", m, column=path or None) for m in messages]
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out += problems_from(value, f"{path}[{i}]")
    else:
        out.append(Problem("invalid", str(messages), column=path or None))
    return out


def iso_utc(moment: datetime | None) -> str | None:
    """An ISO 8601 timestamp that always carries its offset (SQLite hands back naive UTC)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class UtcDateTime(fields.DateTime):
    """A marshmallow DateTime whose output always carries an offset (naive values are UTC)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
