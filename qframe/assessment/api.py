"""JSON API for baseline assessments (read only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from qframe.auth.permissions import requires

from .models import Assessment
from .services import assessments_in_scope, get_assessment_or_404

bp = Blueprint("assessment_api", __name__, url_prefix="/api/v1/assessments")


def _one(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.id,
        "organisation": a.organisation.code,
        "year": a.year,
        "status": a.status,
        "due_on": a.due_on.isoformat(),
        "review_note": a.review_note,
        "areas": [
            {
                "area": i.area,
                "label": i.label,
                "rating": i.rating,
                "evidence": i.evidence,
                "named": i.named,
            }
            for i in a.items
        ],
    }


@bp.get("")
@requires("read_assessments")
def index():
    return jsonify([_one(a) for a in assessments_in_scope(current_user)])


@bp.get("/<int:assessment_id>")
@requires("read_assessments")
def one(assessment_id: int):
    return jsonify(_one(get_assessment_or_404(assessment_id, current_user)))


OPENAPI_PATHS = {
    "/api/v1/assessments": {
        "get": {
            "summary": "Baseline assessments in your scope",
            "responses": {"200": {"description": "OK"}},
        }
    },
    "/api/v1/assessments/{assessment_id}": {
        "get": {
            "summary": "One baseline assessment with its rated areas",
            "responses": {
                "200": {"description": "OK"},
                "404": {"description": "Not in your scope"},
            },
        }
    },
}
