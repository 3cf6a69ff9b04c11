"""The OpenAPI document, assembled from every feature's `api.py`.

A feature's api module exposes `OPENAPI_PATHS: dict[path, {method: operation}]` and, optionally,
`OPENAPI_SCHEMAS: dict[name, marshmallow Schema class]`; list the module in `API_MODULES`.
"""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

import qframe
from qframe.web.hostile import MAX_URL_ID

API_MODULES: tuple[str, ...] = (
    "qframe.frameworks.api",
    "qframe.measurements.api",
    "qframe.fhir.api",
    "qframe.opendata.api",
    "qframe.improvement.api",
    "qframe.assessment.api",
    "qframe.devplans.api",
    "qframe.visits.api",
    "qframe.escalation.api",
    "qframe.economy.api",
    "qframe.learning.api",
)

PROBLEM = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": ["integer", "null"]},
                    "column": {"type": ["string", "null"]},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def build_spec() -> dict[str, Any]:
    """The OpenAPI 3.1 document as a dict."""
    spec = APISpec(
        title="qframe API",
        version=qframe.__version__,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Bearer-token API for machine clients, acting with its user's scope."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", PROBLEM)
    for name in API_MODULES:
        module = importlib.import_module(name)
        for schema_name, schema in getattr(module, "OPENAPI_SCHEMAS", {}).items():
            spec.components.schema(schema_name, schema=schema)
        for path, operations in module.OPENAPI_PATHS.items():
            spec.path(path=path, operations=operations)
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                answers = dict(EVERY_OPERATION)
                if operation.get("security") != []:
                    answers.update(SIGNED_IN_OPERATION)
                for status, description in answers.items():
                    operation["responses"].setdefault(status, _error(description))
                operation["parameters"] = _with_path_parameters(
                    path, operation.get("parameters", [])
                )
                _bound_path_ids(operation["parameters"])
    cleaned: dict[str, Any] = _numbers_as_numbers(document)
    return cleaned


# Answers any operation can give: hostile input refused at the edge, a busy or absent database.
EVERY_OPERATION = {
    "400": "The request could not be understood (e.g. a NUL byte)",
    "404": "No such record in your scope",
    "413": "The body is too large",
    "503": "The database is busy or unavailable; retry after Retry-After seconds",
}
# And what any operation that needs a bearer token can answer.
SIGNED_IN_OPERATION = {
    "401": "No valid bearer token",
    "403": "Your role may not do this",
}
# Every string the API accepts excludes NUL (PostgreSQL cannot store it; it is refused).
NO_NUL = "^[^\\u0000]*$"


def _with_path_parameters(path: str, parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Every `{name}` in the path is a parameter; an id is an integer, as `<int:...>` routes are.
    declared = {p.get("name") for p in parameters if p.get("in") == "path"}
    added = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer"} if name.endswith("_id") else {"type": "string"},
        }
        for name in re.findall(r"{(\w+)}", path)
        if name not in declared
    ]
    return [*parameters, *added]


def _bound_path_ids(parameters: list[dict[str, Any]]) -> None:
    # `<int:...>` in a URL matches 0 … MAX_URL_ID (qframe.web.hostile): say so.
    for parameter in parameters:
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("type") == "integer":
            schema.setdefault("minimum", 0)
            schema.setdefault("maximum", MAX_URL_ID)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


NUMERIC_KEYWORDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}


def _numbers_as_numbers(node: Any) -> Any:
    """Numbers as JSON numbers and strings without NUL (the API refuses NUL).

    apispec writes a Decimal bound (`Range(min=Decimal("0"))`) as the string "0", which JSON
    Schema rejects."""
    if isinstance(node, dict):
        node = {
            key: _as_number(value) if key in NUMERIC_KEYWORDS else _numbers_as_numbers(value)
            for key, value in node.items()
        }
        if _plain_string(node):
            node["pattern"] = NO_NUL
        if node.get("type") in ("number", "integer") and isinstance(node.get("default"), str):
            node["default"] = _as_number(node["default"])
        return node
    if isinstance(node, list):
        return [_numbers_as_numbers(value) for value in node]
    return node


def _plain_string(node: dict[str, Any]) -> bool:
    kinds = node.get("type")
    is_string = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
    return is_string and not ({"pattern", "enum", "format", "const"} & node.keys())


def _as_number(value: Any) -> Any:
    if isinstance(value, str | Decimal):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value
