"""JSON API: POST a batch of measurements (idempotent with a key) and GET them, scoped."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.api.helpers import json_body, load_or_fail
from qframe.auth.permissions import in_scope_clause, requires
from qframe.errors import Conflict, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import IdempotentRequest, Measurement
from qframe.measurements.rows import RawRow
from qframe.measurements.schemas import BatchIn, BatchOut, MeasurementPage
from qframe.measurements.services import resolve_framework, submit_items
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.web.access import login_required

bp = Blueprint("measurements_api", __name__, url_prefix="/api/v1/measurements")
MAX_PER_PAGE = 1000


@bp.post("")
@requires("submit_measurements")
def submit():
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        raise ValidationFailed("Idempotency-Key is at most 200 characters")
    body_hash = hashlib.sha256(request.get_data()).hexdigest()
    if key:
        stored = db.session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.user_id == current_user.id, IdempotentRequest.key == key
            )
        )
        if stored is not None:
            if stored.body_sha256 != body_hash:
                raise Conflict("This Idempotency-Key was used with a different body; use a new key")
            response = jsonify(stored.response)
            response.status_code = stored.status
            response.headers["Idempotent-Replayed"] = "true"
            return response
    batch = load_or_fail(BatchIn(), json_body())
    framework = resolve_framework(batch["framework"], batch["version"])
    items = [
        RawRow(i, {k: v or "" for k, v in item.items()}, path=f"measurements[{i}]")
        for i, item in enumerate(batch["measurements"])
    ]
    outcome = submit_items(current_user, framework, items, sha256=body_hash)
    result = BatchOut().dump({**outcome.__dict__, "message": outcome.message})
    if key:
        db.session.add(
            IdempotentRequest(
                user_id=current_user.id,
                key=key,
                body_sha256=body_hash,
                status=200,
                response=result,
            )
        )
    return jsonify(result), 200


@bp.get("")
@login_required
def index():
    page = _int_arg("page", 1, 1, 10**6)
    per_page = _int_arg("per_page", 100, 1, MAX_PER_PAGE)
    stmt = (
        select(Measurement, Organisation.code, Indicator.code, Period.label, Framework)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Period, Period.id == Measurement.period_id)
        .join(Framework, Framework.id == Measurement.framework_id)
        .where(in_scope_clause(Measurement.organisation_id, current_user))
        .order_by(Measurement.id)
    )
    args = request.args
    if args.get("framework"):
        stmt = stmt.where(Framework.id == resolve_framework(args["framework"]).id)
    if args.get("period"):
        stmt = stmt.where(Period.label == args["period"])
    if args.get("org"):
        stmt = stmt.where(Organisation.code == args["org"])
    if args.get("indicator"):
        stmt = stmt.where(Indicator.code == args["indicator"])
    rows = db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).all()
    items = [_item(*row) for row in rows[:per_page]]
    more = len(rows) > per_page
    query: dict[str, Any] = {
        k: v for k, v in args.items() if k in ("framework", "period", "org", "indicator")
    }
    nxt = url_for(".index", page=page + 1, per_page=per_page, **query) if more else None
    return jsonify(
        MeasurementPage().dump({"items": items, "page": page, "per_page": per_page, "next": nxt})
    )


def _item(m: Measurement, org: str, indicator: str, period: str, fw: Framework) -> dict[str, Any]:
    return {
        "framework": fw.code,
        "framework_version": fw.version,
        "org_code": org,
        "indicator_code": indicator,
        "period": period,
        "numerator": m.numerator,
        "denominator": m.denominator,
        "exclusions": m.exclusions,
        "value": m.value,
        "expected": m.expected,
        "missing": m.missing,
        "missing_reason": m.missing_reason,
        "comment": m.comment,
        "source": m.source,
        "submitted_at": m.submitted_at,
        "version": m.version,
    }


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name, "")
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(
            f"{name} must be a whole number from {low} to {high}",
            [Problem("bad_parameter", f"{name} must be {low}-{high}", column=name)],
        )
    return int(text)


_ERRORS = {
    "401": {"description": "Not signed in (send a bearer token)"},
    "403": {"description": "Your role cannot do this"},
    "422": {
        "description": "Every problem, with row and JSON path",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}
OPENAPI_SCHEMAS = {
    "MeasurementBatch": BatchIn,
    "MeasurementBatchResult": BatchOut,
    "MeasurementPage": MeasurementPage,
}
OPENAPI_PATHS = {
    "/api/v1/measurements": {
        "post": {
            "summary": "Submit a batch of measurements (all or nothing)",
            "description": "Same rules and validation as the Measurements CSV. Unknown fields are "
            "refused. With an Idempotency-Key header, the same key and body return the stored "
            "result; the same key with another body is 409.",
            "parameters": [
                {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/MeasurementBatch"}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "Imported",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/MeasurementBatchResult"}
                        }
                    },
                },
                "409": {
                    "description": "Idempotency-Key reused with a different body, or a "
                    "value changed meanwhile"
                },
                **_ERRORS,
            },
        },
        "get": {
            "summary": "Measurements in your scope, filtered and paginated",
            "parameters": [
                {"name": n, "in": "query", "schema": {"type": t, **bounds}}
                for n, t, bounds in (
                    ("framework", "string", {}),
                    ("period", "string", {}),
                    ("org", "string", {}),
                    ("indicator", "string", {}),
                    ("page", "integer", {"minimum": 1, "maximum": 10**6}),
                    ("per_page", "integer", {"minimum": 1, "maximum": MAX_PER_PAGE}),
                )
            ],
            "responses": {
                "200": {
                    "description": "A page of measurements",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/MeasurementPage"}
                        }
                    },
                },
                **_ERRORS,
            },
        },
    }
}
