"""FHIR endpoints (application/fhir+json): Measures and MeasureReports out; reports in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from qframe.auth.permissions import requires
from qframe.errors import NotFound, ValidationFailed
from qframe.fhir.codes import FHIR_JSON, dumps
from qframe.frameworks.services import get_framework_or_404
from qframe.web.access import login_required

bp = Blueprint("fhir_api", __name__, url_prefix="/api/v1/fhir")


def _fhir(resource: dict[str, Any], status: int = 200) -> Response:
    return Response(dumps(resource), status=status, mimetype=FHIR_JSON)


def _body() -> bytes:
    if not request.is_json:
        raise ValidationFailed(f"Send a FHIR Bundle with Content-Type: {FHIR_JSON}")
    return request.get_data()


@bp.get("/frameworks/<int:framework_id>/Measure")
@login_required
def measures(framework_id: int):
    from qframe.fhir.measures import framework_bundle

    return _fhir(framework_bundle(get_framework_or_404(framework_id, current_user)))


@bp.get("/frameworks/<int:framework_id>/MeasureReport")
@login_required
def reports(framework_id: int):
    from qframe.fhir.reports import results_bundle
    from qframe.scoring.lookup import find_period

    framework = get_framework_or_404(framework_id, current_user)
    label = request.args.get("period", "").strip()
    if not label:
        raise ValidationFailed("Give the period: ?period=2025/26 Q1")
    return _fhir(results_bundle(framework, find_period(label), current_user))


@bp.post("/frameworks/<int:framework_id>/MeasureReport")
@requires("submit_measurements")
def import_reports(framework_id: int):
    from qframe.fhir.report_import import import_reports as run_import

    framework = get_framework_or_404(framework_id, current_user)
    if framework.is_draft:
        raise NotFound("No published framework with this id")
    outcome = run_import(current_user, framework, _body(), filename="fhir-bundle.json")
    return jsonify(
        {
            "rows": outcome.rows,
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "missing": outcome.missing,
            "import_id": outcome.import_id,
            "message": outcome.message,
        }
    )


@bp.post("/frameworks")
@requires("manage_frameworks")
def import_measures():
    from qframe.fhir.measure_import import import_measures as run_import
    from qframe.frameworks.api import _owner_from_query

    data = _body()
    result = run_import(current_user, data, _owner_from_query(request.args.get("owner")))
    framework = result.framework
    body = {
        "id": framework.id,
        "code": framework.code,
        "version": framework.version,
        "status": framework.status,
        "indicators": len(framework.indicators),
        "notes": result.notes,
    }
    return jsonify(body), 201


def _fhir_ok(description: str) -> dict[str, Any]:
    bundle = {"type": "object", "description": "A FHIR R4 Bundle (see the README: FHIR)"}
    return {"description": description, "content": {FHIR_JSON: {"schema": bundle}}}


_ERROR = {
    "description": "Error (every problem with its FHIRPath-like location in `column`)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_ERRORS = {code: _ERROR for code in ("401", "403", "404", "409", "422")}
_ID = {"name": "framework_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_BUNDLE_IN = {
    "required": True,
    "content": {FHIR_JSON: {"schema": {"type": "object", "description": "A FHIR R4 Bundle"}}},
}
_IMPORTED = {
    "description": "What the import did",
    "content": {"application/json": {"schema": {"type": "object"}}},
}

OPENAPI_PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/fhir/frameworks": {
        "post": {
            "summary": "Import a Bundle of FHIR Measures as a draft framework (notes say what "
            "FHIR could not carry, e.g. payment)",
            "parameters": [{"name": "owner", "in": "query", "schema": {"type": "string"}}],
            "requestBody": _BUNDLE_IN,
            "responses": {"201": _IMPORTED, **_ERRORS},
        }
    },
    "/api/v1/fhir/frameworks/{framework_id}/Measure": {
        "get": {
            "summary": "The framework version as a FHIR Bundle of Measures, one per indicator",
            "parameters": [_ID],
            "responses": {"200": _fhir_ok("Bundle of Measure"), **_ERRORS},
        }
    },
    "/api/v1/fhir/frameworks/{framework_id}/MeasureReport": {
        "get": {
            "summary": "A period's results in your scope as summary MeasureReports",
            "parameters": [
                _ID,
                {"name": "period", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {"200": _fhir_ok("Bundle of MeasureReport"), **_ERRORS},
        },
        "post": {
            "summary": "Import a Bundle of summary MeasureReports as measurements, all or nothing",
            "parameters": [_ID],
            "requestBody": _BUNDLE_IN,
            "responses": {"200": _IMPORTED, **_ERRORS},
        },
    },
}
