"""The OpenAPI document, assembled from every feature's `api.py`.

A feature's api module exposes `OPENAPI_PATHS: dict[path, {method: operation}]` and, optionally,
`OPENAPI_SCHEMAS: dict[name, marshmallow Schema class]`; list the module in `API_MODULES`.
"""

from __future__ import annotations

import importlib
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

import qframe

API_MODULES: tuple[str, ...] = (
    "qframe.frameworks.api",
    "qframe.measurements.api",
    "qframe.improvement.api",
    "qframe.assessment.api",
    "qframe.devplans.api",
    "qframe.visits.api",
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
    return document
