"""Visit pages for commissioners: the cycle, scheduling, findings and recommendations."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.auth.permissions import get_org_or_404, get_provider_or_404, requires
from qframe.errors import Problem, ValidationFailed
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

from .services import (
    cycles,
    get_visit_or_404,
    recommend,
    record_visit,
    schedule_visit,
    visits_in_scope,
)

bp = Blueprint("visits", __name__, url_prefix="/visits")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _bad_date(name: str) -> ValidationFailed:
    return ValidationFailed("Give a date", [Problem("bad_date", "Give a date", None, name)])


def _index(problems: list[Problem] | None = None, status: int = 200) -> Any:
    today = date.today()
    return render_template(
        "visits/index.html",
        cycles=cycles(current_user, today),
        visits=visits_in_scope(current_user),
        problems=problems or [],
    ), status


@bp.get("/")
@requires("manage_visits")
def index():
    return _index()


@bp.post("/")
@requires("manage_visits")
def schedule():
    org_id = request.form.get("commissioner", "")
    org = get_org_or_404(int(org_id) if org_id.isdigit() else 0, current_user)
    try:
        planned = _date("planned_on")
        if planned is None:
            raise _bad_date("planned_on")
        visit = schedule_visit(current_user, org, planned, date.today())
    except ValidationFailed as error:
        discard_changes()
        return _index(error.problems, 422)
    flash("Visit planned.", "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


def _show(visit: Any, problems: list[Problem] | None = None, status: int = 200) -> Any:
    providers = [o for o in visit.commissioner.children if o.is_provider]
    return render_template(
        "visits/show.html", visit=visit, providers=providers, problems=problems or []
    ), status


@bp.get("/<int:visit_id>")
@requires("manage_visits")
def show(visit_id: int):
    return _show(get_visit_or_404(visit_id, current_user))


@bp.post("/<int:visit_id>/record")
@requires("manage_visits")
def record(visit_id: int):
    visit = get_visit_or_404(visit_id, current_user)
    try:
        visited = _date("visited_on")
        if visited is None:
            raise _bad_date("visited_on")
        record_visit(current_user, visit, visited, request.form.get("findings", ""), date.today())
    except ValidationFailed as error:
        discard_changes()
        return _show(visit, error.problems, 422)
    flash("Visit recorded.", "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.post("/<int:visit_id>/recommendations")
@requires("manage_visits")
def add_recommendation(visit_id: int):
    visit = get_visit_or_404(visit_id, current_user)
    org_id = request.form.get("provider", "")
    provider = get_provider_or_404(int(org_id) if org_id.isdigit() else 0, current_user)
    try:
        due = _date("due_on")
        if due is None:
            raise _bad_date("due_on")
        recommend(
            current_user,
            visit,
            provider,
            request.form.get("text", ""),
            request.form.get("owner", ""),
            due,
        )
    except ValidationFailed as error:
        discard_changes()
        return _show(visit, error.problems, 422)
    flash("Recommendation added to the provider's development plan.", "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.get("/visits.csv")
@requires("manage_visits")
def export():
    header = ["system", "planned_on", "status", "visited_on", "findings", "provider",
              "recommendation", "owner", "due_on"]  # fmt: skip
    rows: list[list[Any]] = []
    for v in visits_in_scope(current_user):
        base = [v.commissioner.code, v.planned_on.isoformat(), v.status,
                v.visited_on.isoformat() if v.visited_on else "", v.findings]  # fmt: skip
        rows += [base + [r.organisation.code, r.text, r.owner, r.due_on.isoformat()]
                 for r in v.recommendations] or [base + ["", "", "", ""]]  # fmt: skip
    return csv_download("governance-visits.csv", header, rows)
