"""JSON API for frameworks: list, read (Framework JSON), import, replace a draft, publish."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask_login import current_user
from marshmallow import Schema, fields

from qframe.api.helpers import iso_utc
from qframe.auth.permissions import can, requires
from qframe.errors import NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks import services
from qframe.frameworks.models import Framework
from qframe.frameworks.schemas import FrameworkSchema
from qframe.orgs.models import Organisation
from qframe.web.access import login_required

bp = Blueprint("frameworks_api", __name__, url_prefix="/api/v1/frameworks")


def _summary(framework: Framework, indicators: int) -> dict[str, Any]:
    return {
        "id": framework.id,
        "code": framework.code,
        "version": framework.version,
        "title": framework.title,
        "year": framework.year,
        "setting": framework.setting,
        "status": framework.status,
        "owner": framework.owner.code if framework.owner else None,
        "indicators": indicators,
        "published_at": iso_utc(framework.published_at),
        "url": url_for("frameworks_api.get_one", framework_id=framework.id),
    }


def _framework_body() -> dict[str, Any]:
    """The request body as validated Framework JSON (read as text so decimals stay exact)."""
    if not request.is_json:
        raise ValidationFailed("Send JSON with Content-Type: application/json")
    return services.parse_framework(request.get_data())


@bp.get("")
@login_required
def list_frameworks():
    stmt = services.visible_frameworks(current_user)
    code = request.args.get("code")
    if code:
        stmt = stmt.where(Framework.code == code)
    frameworks = list(db.session.scalars(stmt))
    counts = services.indicator_counts(frameworks)
    return jsonify([_summary(f, counts.get(f.id, 0)) for f in frameworks])


@bp.get("/<int:framework_id>")
@login_required
def get_one(framework_id: int):
    framework = services.get_framework_or_404(framework_id, current_user)
    return Response(
        services.framework_json(framework),
        mimetype="application/json",
        headers={
            "X-Framework-Id": str(framework.id),
            "X-Framework-Version": str(framework.version),
            "X-Framework-Status": framework.status,
        },
    )


def _owner_from_query(code: str | None) -> Organisation | None:
    """?owner=CODE, or the caller's only commissioner when they have exactly one."""
    choices = services.owner_choices(current_user)
    if code:
        owner = next((o for o in choices if o.code == code), None)
        if owner is None:
            raise NotFound(f"No commissioner {code} in your scope")
        return owner
    if len(choices) == 1 or can(current_user, "manage_national_frameworks"):
        return choices[0] if len(choices) == 1 else None
    raise ValidationFailed(
        "Say which commissioner owns the framework with ?owner=CODE",
        [Problem("required", "Give ?owner=CODE.", column="owner")],
    )


@bp.post("")
@requires("manage_frameworks")
def import_one():
    data = _framework_body()
    framework = services.import_framework(
        current_user, data, _owner_from_query(request.args.get("owner"))
    )
    return jsonify(_summary(framework, len(framework.indicators))), 201


@bp.put("/<int:framework_id>")
@requires("manage_frameworks")
def replace(framework_id: int):
    framework = services.get_managed_framework_or_404(framework_id, current_user)
    services.ensure_draft(framework)  # before reading the body: a frozen framework is final
    services.replace_draft(current_user, framework, _framework_body())
    return jsonify(_summary(framework, len(framework.indicators)))


@bp.post("/<int:framework_id>/publish")
@requires("manage_frameworks")
def publish(framework_id: int):
    framework = services.get_managed_framework_or_404(framework_id, current_user)
    services.publish_framework(current_user, framework)
    return jsonify(_summary(framework, len(framework.indicators)))


class FrameworkSummarySchema(Schema):
    """One framework in the list (the framework itself is GET /api/v1/frameworks/{id})."""

    id = fields.Integer()
    code = fields.String()
    version = fields.Integer()
    title = fields.String()
    year = fields.String()
    setting = fields.String()
    status = fields.String()
    owner = fields.String(allow_none=True)
    indicators = fields.Integer()
    published_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    url = fields.String()


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


ERROR = {"description": "Error", "content": {"application/json": {"schema": _ref("Error")}}}
ERRORS = {code: ERROR for code in ("401", "403", "404", "409", "422")}
BODY = {"required": True, "content": {"application/json": {"schema": FrameworkSchema}}}
LIST = {"type": "array", "items": _ref("FrameworkSummary")}
ID = {"name": "framework_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _ok(description: str, schema: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI_PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/frameworks": {
        "get": {
            "summary": "Frameworks you may read (drafts only for the commissioners who own them)",
            "parameters": [{"name": "code", "in": "query", "schema": {"type": "string"}}],
            "responses": {
                "200": _ok(
                    "Newest version first", {"type": "array", "items": _ref("FrameworkSummary")}
                ),
                **ERRORS,
            },
        },
        "post": {
            "summary": "Import Framework JSON as a draft (next version if the code exists)",
            "parameters": [{"name": "owner", "in": "query", "schema": {"type": "string"}}],
            "requestBody": BODY,
            "responses": {"201": _ok("The new draft", _ref("FrameworkSummary")), **ERRORS},
        },
    },
    "/api/v1/frameworks/{framework_id}": {
        "get": {
            "summary": "One framework as canonical Framework JSON (round-trips with import)",
            "parameters": [ID],
            "responses": {"200": _ok("Framework JSON", FrameworkSchema), **ERRORS},
        },
        "put": {
            "summary": "Replace a draft's content (same code); a published framework gets 409",
            "parameters": [ID],
            "requestBody": BODY,
            "responses": {"200": _ok("The draft", _ref("FrameworkSummary")), **ERRORS},
        },
    },
    "/api/v1/frameworks/{framework_id}/publish": {
        "post": {
            "summary": "Publish a draft; every problem is listed when it is not complete",
            "parameters": [ID],
            "responses": {"200": _ok("Published", _ref("FrameworkSummary")), **ERRORS},
        }
    },
}
OPENAPI_SCHEMAS = {"Framework": FrameworkSchema, "FrameworkSummary": FrameworkSummarySchema}
