"""JSON API: a framework's support levels for a period (the Support levels CSV as JSON)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from qframe.auth.permissions import requires
from qframe.errors import NotFound
from qframe.frameworks.services import get_managed_framework_or_404
from qframe.scoring.lookup import find_period

from .services import ladder, support_label

bp = Blueprint("escalation_api", __name__, url_prefix="/api/v1/escalation")


@bp.get("/<int:framework_id>/levels")
@requires("manage_escalation")
def levels(framework_id: int):

    framework = get_managed_framework_or_404(framework_id, current_user)
    label = request.args.get("period")
    period = find_period(label) if label else None
    found, rows = ladder(framework, period)
    if found is None:
        raise NotFound(f"{framework.code} has no ladder decisions yet")
    return jsonify(
        {
            "framework": framework.code,
            "version": framework.version,
            "period": found.label,
            "providers": [_row(r, found.label) for r in rows],
        }
    )


def _row(r: Any, label: str) -> dict[str, Any]:
    return {
        "org_code": r.organisation.code,
        "period": label,
        "level": r.decision.level,
        "support": support_label(r.decision.level),
        "previous_level": None if r.previous is None else r.previous.level,
        "reasons": (r.decision.evidence or {}).get("lines", []),
    }


OPENAPI_PATHS = {
    "/api/v1/escalation/{framework_id}/levels": {
        "get": {
            "summary": "Every provider's support level for a period (default: the latest)",
            "parameters": [
                {"name": "framework_id", "in": "path", "required": True,
                 "schema": {"type": "integer"}},
                {"name": "period", "in": "query", "required": False,
                 "schema": {"type": "string"}, "example": "2025/26 Q4"},
            ],
            "responses": {"200": {"description": "org_code, level 0-3, previous_level, reasons"},
                          "404": {"description": "No such framework or no decisions"}},
        }
    }
}  # fmt: skip
