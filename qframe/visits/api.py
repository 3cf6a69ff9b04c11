"""JSON API for governance visits (read only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from qframe.auth.permissions import requires

from .services import cycles, visits_in_scope

bp = Blueprint("visits_api", __name__, url_prefix="/api/v1/visits")


@bp.get("")
@requires("manage_visits")
def index():
    out: dict[str, Any] = {
        "cycles": [
            {
                "system": c.commissioner.code,
                "last_visit": c.last_visit.isoformat() if c.last_visit else None,
                "next_due": c.next_due.isoformat() if c.next_due else None,
                "planned": c.planned.isoformat() if c.planned else None,
                "overdue": c.overdue,
            }
            for c in cycles(current_user, date.today())
        ],
        "visits": [
            {
                "id": v.id, "system": v.commissioner.code, "planned_on": v.planned_on.isoformat(),
                "status": v.status, "findings": v.findings,
                "visited_on": v.visited_on.isoformat() if v.visited_on else None,
                "recommendations": [
                    {"provider": r.organisation.code, "text": r.text, "owner": r.owner,
                     "due_on": r.due_on.isoformat(), "action": r.action_id}
                    for r in v.recommendations
                ],
            }
            for v in visits_in_scope(current_user)
        ],
    }  # fmt: skip
    return jsonify(out)


OPENAPI_PATHS = {
    "/api/v1/visits": {
        "get": {
            "summary": "Governance visit cycle and visits in scope",
            "responses": {"200": {"description": "OK"}},
        }
    }
}
