"""Health improvement plan pages: import, optimise, review (timeline, curve, reasons), approve."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause, requires, scope_org_ids
from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.money import pence_to_pounds
from qframe.orgs.models import Organisation
from qframe.web.files import csv_download, read_upload
from qframe.web.transaction import discard_changes

from . import chart
from .forms import ImportForm, ProposeForm
from .importer import import_plan
from .runs import (
    approve_run,
    funded_for,
    get_plan_or_404,
    get_run_or_404,
    plans_in_scope,
    propose_run,
)

bp = Blueprint("improvement", __name__, url_prefix="/improvement")
REASONS = {
    "budget": "budget",
    "capacity": "staff capacity",
    "prerequisite": "prerequisite",
    "low_value": "low gain per £",
    "horizon": "too long for the plan",
    "no_gain": "no expected gain",
    "gap": "within the optimality gap",
}


@bp.app_template_global()
def improvement_reason(code: str | None) -> str:
    return REASONS.get(code or "", code or "")


def _commissioners() -> list[Organisation]:
    query = select(Organisation).where(Organisation.kind == "commissioner")
    if scope_org_ids(current_user) is not None:
        query = query.where(in_scope_clause(Organisation.id, current_user))
    return list(db.session.scalars(query.order_by(Organisation.name)))


@bp.get("/")
@requires("manage_improvement_plans")
def index():
    return render_template("improvement/index.html", plans=plans_in_scope(current_user))


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_improvement_plans")
def new():
    form = ImportForm()
    form.commissioner.choices = [(o.id, o.name) for o in _commissioners()]
    problems, status = [], 200
    if form.validate_on_submit():
        commissioner = next(o for o in _commissioners() if o.id == form.commissioner.data)
        try:
            _n, years = read_upload(form.years.data)
            _n, projects = read_upload(form.projects.data)
            plan = import_plan(current_user, commissioner, form.title.data, years, projects)
        except ValidationFailed as error:
            discard_changes()
            problems, status = error.problems or [], 422
            if not problems:
                flash(error.message, "error")
        else:
            flash(f"Plan imported with {len(plan.projects)} projects.", "success")
            return redirect(url_for("improvement.show", plan_id=plan.id))
    elif form.is_submitted():
        status = 422
    return render_template("improvement/new.html", form=form, problems=problems), status


def _show(plan: Any, form: Any, problems: Any = None, status: int = 200) -> Any:
    return render_template(
        "improvement/show.html",
        plan=plan,
        form=form,
        problems=problems or [],
        runs=sorted(plan_runs(plan), key=lambda r: -r.id),
    ), status


def plan_runs(plan: Any) -> list[Any]:
    from .models import PlanRun

    return list(db.session.scalars(select(PlanRun).where(PlanRun.plan_id == plan.id)))


@bp.get("/<int:plan_id>")
@requires("manage_improvement_plans")
def show(plan_id: int):
    return _show(get_plan_or_404(plan_id, current_user), ProposeForm())


@bp.post("/<int:plan_id>/runs")
@requires("manage_improvement_plans")
def propose(plan_id: int):
    plan = get_plan_or_404(plan_id, current_user)
    form = ProposeForm()
    if not form.validate_on_submit():
        return _show(plan, form, status=422)
    try:
        run = propose_run(
            current_user, plan, form.min_gain_per_million.data, form.min_per_provider.data
        )
    except ValidationFailed as error:
        discard_changes()
        return _show(plan, form, error.problems, 422)
    flash("Plan optimised. Another person must approve it before it is agreed.", "success")
    return redirect(url_for("improvement.run", plan_id=plan.id, run_id=run.id))


@bp.get("/<int:plan_id>/runs/<int:run_id>")
@requires("manage_improvement_plans")
def run(plan_id: int, run_id: int):
    plan = get_plan_or_404(plan_id, current_user)
    record = get_run_or_404(plan, run_id)
    years = [plan.year_label(y.index) for y in plan.years]
    budget = sum(y.budget_pence for y in plan.years)
    return render_template(
        "improvement/run.html",
        plan=plan,
        run=record,
        years=years,
        timeline=chart.timeline(record.lines, years),
        curve=chart.curve(record.curve, budget),
    )


@bp.post("/<int:plan_id>/runs/<int:run_id>/approve")
@requires("manage_improvement_plans")
def approve(plan_id: int, run_id: int):
    plan = get_plan_or_404(plan_id, current_user)
    approve_run(current_user, get_run_or_404(plan, run_id))
    flash("Plan approved: it is now fixed. A change is a new run.", "success")
    return redirect(url_for("improvement.run", plan_id=plan.id, run_id=run_id))


@bp.get("/<int:plan_id>/runs/<int:run_id>.csv")
@requires("manage_improvement_plans")
def export(plan_id: int, run_id: int):
    plan = get_plan_or_404(plan_id, current_user)
    return csv_download(
        f"improvement-plan-{plan.id}-run-{run_id}.csv",
        *export_rows(plan, get_run_or_404(plan, run_id)),
    )


def export_rows(plan: Any, record: Any) -> tuple[list[str], list[list[Any]]]:
    header = [
        "project",
        "title",
        "provider",
        "funded",
        "start",
        "end",
        "cost_per_year",
        "gain",
        "gain_low",
        "gain_high",
        "reason",
        "detail",
    ]
    rows = [
        [
            line.project.code,
            line.project.title,
            line.project.organisation.code,
            "yes" if line.funded else "no",
            plan.year_label(line.start) if line.funded else "",
            plan.year_label(line.end) if line.funded else "",
            pence_to_pounds(line.project.cost_pence),
            line.project.gain,
            line.project.gain_low,
            line.project.gain_high,
            improvement_reason(line.reason),
            line.detail,
        ]
        for line in record.lines
    ]
    return header, rows


@bp.get("/funded")
@requires("read_funded_projects")
def funded():
    return render_template("improvement/funded.html", lines=funded_for(current_user))
