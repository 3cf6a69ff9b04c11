"""JSON API for health improvement plans: list, read a plan and a run, propose, approve."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, url_for
from flask_login import current_user

from qframe.api.helpers import json_body, load_or_fail
from qframe.auth.permissions import requires

from .models import ImprovementPlan, PlanRun
from .runs import approve_run, get_plan_or_404, get_run_or_404, plans_in_scope, propose_run
from .schemas import ProposeSchema
from .views import plan_runs

bp = Blueprint("improvement_api", __name__, url_prefix="/api/v1/improvement")


def _plan(plan: ImprovementPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "commissioner": plan.commissioner.code,
        "years": [
            {
                "year": plan.year_label(y.index),
                "budget_pence": y.budget_pence,
                "staff_days": y.staff_days,
            }
            for y in plan.years
        ],
        "projects": [
            {
                "project": p.code,
                "title": p.title,
                "provider": p.organisation.code,
                "indicators": p.indicators,
                "gain": str(p.gain),
                "gain_low": str(p.gain_low),
                "gain_high": str(p.gain_high),
                "cost_per_year_pence": p.cost_pence,
                "duration_years": p.duration,
                "staff_days": p.staff_days,
                "prerequisites": p.prerequisites,
                "earliest_start": plan.year_label(p.earliest_start),
            }
            for p in plan.projects
        ],
        "runs": [
            url_for("improvement_api.run", plan_id=plan.id, run_id=r.id) for r in plan_runs(plan)
        ],
    }


def _run(plan: ImprovementPlan, run: PlanRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "plan": plan.id,
        "status": run.status,
        "options": run.options,
        "total_gain": str(run.total_gain),
        "gain_range": [str(run.gain_low), str(run.gain_high)],
        "spend_pence": run.spend_pence,
        "staff_days": run.staff_days,
        "trade_off": run.curve,
        "gap": run.gap,
        "solver": run.solver,
        "proposed_by": run.created_by.email if run.created_by else None,
        "approved_by": run.approved_by.email if run.approved_by else None,
        "projects": [
            {
                "project": line.project.code,
                "provider": line.project.organisation.code,
                "funded": line.funded,
                "start": plan.year_label(line.start) if line.start is not None else None,
                "end": plan.year_label(line.end) if line.end is not None else None,
                "reason": line.reason,
                "detail": line.detail,
            }
            for line in run.lines
        ],
    }


@bp.get("/plans")
@requires("manage_improvement_plans")
def plans():
    return jsonify(
        [
            {
                "id": p.id,
                "title": p.title,
                "commissioner": p.commissioner.code,
                "url": url_for("improvement_api.plan", plan_id=p.id),
            }
            for p in plans_in_scope(current_user)
        ]
    )


@bp.get("/plans/<int:plan_id>")
@requires("manage_improvement_plans")
def plan(plan_id: int):
    return jsonify(_plan(get_plan_or_404(plan_id, current_user)))


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>")
@requires("manage_improvement_plans")
def run(plan_id: int, run_id: int):
    found = get_plan_or_404(plan_id, current_user)
    return jsonify(_run(found, get_run_or_404(found, run_id)))


@bp.post("/plans/<int:plan_id>/runs")
@requires("manage_improvement_plans")
def propose(plan_id: int):
    found = get_plan_or_404(plan_id, current_user)
    options = load_or_fail(ProposeSchema(), json_body())
    record = propose_run(
        current_user, found, options["min_gain_per_million"], options["min_per_provider"]
    )
    return jsonify(_run(found, record)), 201


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/approve")
@requires("manage_improvement_plans")
def approve(plan_id: int, run_id: int):
    found = get_plan_or_404(plan_id, current_user)
    record = approve_run(current_user, get_run_or_404(found, run_id))
    return jsonify(_run(found, record))


def _op(summary: str, ok: str = "200") -> dict[str, Any]:
    return {
        "summary": summary,
        "responses": {
            ok: {"description": "OK"},
            "404": {"description": "Not in your scope"},
            "422": {"description": "Refused, with problems"},
        },
    }


OPENAPI_PATHS = {
    "/api/v1/improvement/plans": {"get": _op("Health improvement plans in your scope")},
    "/api/v1/improvement/plans/{plan_id}": {"get": _op("A plan: years, budgets and projects")},
    "/api/v1/improvement/plans/{plan_id}/runs": {
        "post": {
            **_op("Optimise the plan (a proposal for another person to approve)", "201"),
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ImprovementPropose"}
                    }
                }
            },
        }
    },
    "/api/v1/improvement/plans/{plan_id}/runs/{run_id}": {
        "get": _op("A run: funded projects and years, reasons, trade-off curve")
    },
    "/api/v1/improvement/plans/{plan_id}/runs/{run_id}/approve": {
        "post": _op("Approve a proposed run (not its proposer); the run is then fixed")
    },
}
OPENAPI_SCHEMAS = {"ImprovementPropose": ProposeSchema}
