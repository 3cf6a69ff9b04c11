"""JSON API for development plans (read only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from qframe.auth.permissions import requires

from .models import DevelopmentPlan
from .services import get_plan_or_404, plans_in_scope, progress_words, statuses

bp = Blueprint("devplans_api", __name__, url_prefix="/api/v1/development-plans")


def _one(plan: DevelopmentPlan) -> dict[str, Any]:
    status = statuses(plan, date.today())
    return {
        "id": plan.id,
        "organisation": plan.organisation.code,
        "title": plan.title,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "progress": progress_words(plan, date.today()),
        "actions": [
            {
                "action": a.title,
                "owner": a.owner,
                "milestones": [
                    {
                        "milestone": m.title, "due_on": m.due_on.isoformat(),
                        "indicator": m.indicator.code if m.indicator else None,
                        "status": status[m.id], "signed_off_by": m.signed_off_by,
                    }
                    for m in a.milestones
                ],
            }
            for a in plan.actions
        ],
    }  # fmt: skip


@bp.get("")
@requires("read_development_plans")
def index():
    return jsonify([_one(p) for p in plans_in_scope(current_user)])


@bp.get("/<int:plan_id>")
@requires("read_development_plans")
def one(plan_id: int):
    return jsonify(_one(get_plan_or_404(plan_id, current_user)))


OK = {"200": {"description": "OK"}, "404": {"description": "Not in your scope"}}
OPENAPI_PATHS = {
    "/api/v1/development-plans": {
        "get": {"summary": "Development plans in scope", "responses": OK}
    },
    "/api/v1/development-plans/{plan_id}": {
        "get": {"summary": "A development plan: actions, milestones, status", "responses": OK}
    },
}
