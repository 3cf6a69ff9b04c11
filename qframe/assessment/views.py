"""Baseline assessment pages: commissioners start and review; provider leads rate and submit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import (
    can,
    get_provider_or_404,
    in_scope_clause,
    requires,
    scope_org_ids,
)
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

from .models import RATINGS, Assessment
from .services import (
    assessments_in_scope,
    get_assessment_or_404,
    review_assessment,
    save_items,
    start_assessment,
    submit_assessment,
)

bp = Blueprint("assessment", __name__, url_prefix="/assessment")
TAGS = {"draft": "tag-off", "submitted": "tag-info", "returned": "tag-warn", "accepted": "tag-ok"}


@bp.app_template_global()
def assessment_tag(status: str) -> str:
    return TAGS.get(status, "tag-off")


def _providers() -> list[Organisation]:
    query = select(Organisation).where(Organisation.kind.in_(PROVIDER_KINDS))
    if scope_org_ids(current_user) is not None:
        query = query.where(in_scope_clause(Organisation.id, current_user))
    return list(db.session.scalars(query.order_by(Organisation.name)))


def _index(problems: list[Problem] | None = None, status: int = 200) -> Any:
    return render_template(
        "assessment/index.html",
        items=assessments_in_scope(current_user),
        providers=_providers() if can(current_user, "review_assessments") else [],
        problems=problems or [],
        today=date.today(),
    ), status


@bp.get("/")
@requires("read_assessments")
def index():
    return _index()


@bp.post("/start")
@requires("review_assessments")
def start():
    org_id = request.form.get("org", "")
    org = get_provider_or_404(int(org_id) if org_id.isdigit() else 0, current_user)
    try:
        due = date.fromisoformat(request.form.get("due_on", ""))
    except ValueError:
        return _index([Problem("bad_date", "Give the due date as a date", None, "due_on")], 422)
    try:
        found = start_assessment(
            current_user, org, request.form.get("year", "").strip(), due, date.today()
        )
    except ValidationFailed as error:
        discard_changes()
        return _index(error.problems, 422)
    flash(f"Baseline assessment requested from {org.name}, due {due:%-d %B %Y}.", "success")
    return redirect(url_for("assessment.show", assessment_id=found.id))


def _show(found: Assessment, problems: list[Problem] | None = None, status: int = 200) -> Any:
    return render_template(
        "assessment/show.html",
        a=found,
        ratings=RATINGS,
        problems=problems or [],
        today=date.today(),
    ), status


@bp.get("/<int:assessment_id>")
@requires("read_assessments")
def show(assessment_id: int):
    return _show(get_assessment_or_404(assessment_id, current_user))


@bp.post("/<int:assessment_id>")
@requires("complete_assessments")
def save(assessment_id: int):
    found = get_assessment_or_404(assessment_id, current_user)
    rows = {
        item.area: {
            "rating": request.form.get(f"rating-{item.position}", ""),
            "evidence": request.form.get(f"evidence-{item.position}", ""),
            "named": request.form.get(f"named-{item.position}", ""),
        }
        for item in found.items
    }
    try:
        save_items(current_user, found, rows)
        if request.form.get("submit") == "yes":
            submit_assessment(current_user, found)
    except ValidationFailed as error:
        discard_changes()
        return _show(get_assessment_or_404(assessment_id, current_user), error.problems, 422)
    flash("Submitted to the commissioner." if found.status == "submitted" else "Saved.", "success")
    return redirect(url_for("assessment.show", assessment_id=found.id))


@bp.post("/<int:assessment_id>/review")
@requires("review_assessments")
def review(assessment_id: int):
    found = get_assessment_or_404(assessment_id, current_user)
    accept = request.form.get("decision") == "accept"
    try:
        review_assessment(current_user, found, accept, request.form.get("note", ""))
    except ValidationFailed as error:
        discard_changes()
        return _show(found, error.problems, 422)
    flash(
        "Accepted: the assessment is now fixed." if accept else "Returned to the provider.",
        "success",
    )
    return redirect(url_for("assessment.show", assessment_id=found.id))


@bp.get("/assessments.csv")
@requires("read_assessments")
def export():
    header = ["organisation", "year", "status", "due_on", "area", "rating", "evidence", "named"]
    rows = [
        [
            a.organisation.code,
            a.year,
            a.status,
            a.due_on.isoformat(),
            i.label,
            i.rating or "",
            i.evidence,
            i.named,
        ]
        for a in assessments_in_scope(current_user)
        for i in a.items
    ]
    return csv_download("baseline-assessments.csv", header, rows)
