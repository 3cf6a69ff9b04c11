"""Development plan pages: providers import plans and sign milestones off; commissioners read."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.auth.permissions import get_provider_or_404, requires
from qframe.errors import Problem, ValidationFailed
from qframe.web.files import csv_download, read_upload
from qframe.web.transaction import discard_changes

from .services import (
    get_milestone_or_404,
    get_plan_or_404,
    import_plan,
    plans_in_scope,
    progress_words,
    sign_off,
    statuses,
)

bp = Blueprint("devplans", __name__, url_prefix="/devplans")


@bp.app_template_global("devplan_progress")
def _devplan_progress(code: str, year: str) -> list[tuple[str, str]]:
    """For the live annual report (qframe/publication): each plan's progress in words."""
    from .report import report_progress

    return report_progress(code, year, date.today())


TAGS = {
    "met": "tag-ok", "signed off": "tag-ok", "on track": "tag-ok", "open": "tag-info",
    "awaiting data": "tag-off", "at risk": "tag-warn", "overdue": "tag-bad", "missed": "tag-bad",
}  # fmt: skip


@bp.app_template_global()
def milestone_tag(status: str) -> str:
    return TAGS.get(status, "tag-off")


def _index(problems: list[Problem] | None = None, status: int = 200) -> Any:
    today = date.today()
    plans = plans_in_scope(current_user)
    return render_template(
        "devplans/index.html",
        plans=plans,
        problems=problems or [],
        words={p.id: progress_words(p, today) for p in plans},
    ), status


@bp.get("/")
@requires("read_development_plans")
def index():
    return _index()


@bp.post("/")
@requires("write_development_plans")
def create():
    form = request.form
    org_id = form.get("org", "")
    org = get_provider_or_404(int(org_id) if org_id.isdigit() else 0, current_user)
    dates = {}
    problems = []
    for name in ("starts_on", "ends_on"):
        try:
            dates[name] = date.fromisoformat(form.get(name, ""))
        except ValueError:
            problems.append(Problem("bad_date", "Give a date", None, name))
    if problems:
        return _index(problems, 422)
    try:
        _name, data = read_upload(request.files.get("file"))
        plan = import_plan(
            current_user,
            org,
            form.get("title", "").strip()[:200] or "Development plan",
            dates["starts_on"],
            dates["ends_on"],
            data,
        )
    except ValidationFailed as error:
        discard_changes()
        return _index(error.problems or [Problem("file", error.message)], 422)
    flash("Development plan imported.", "success")
    return redirect(url_for("devplans.show", plan_id=plan.id))


def _show(plan: Any, problems: list[Problem] | None = None, status: int = 200) -> Any:
    today = date.today()
    return render_template(
        "devplans/show.html",
        plan=plan,
        status=statuses(plan, today),
        words=progress_words(plan, today),
        problems=problems or [],
    ), status


@bp.get("/<int:plan_id>")
@requires("read_development_plans")
def show(plan_id: int):
    return _show(get_plan_or_404(plan_id, current_user))


@bp.post("/<int:plan_id>/milestones/<int:milestone_id>/sign-off")
@requires("write_development_plans")
def sign(plan_id: int, milestone_id: int):
    plan = get_plan_or_404(plan_id, current_user)
    milestone = get_milestone_or_404(plan, milestone_id)
    try:
        sign_off(
            current_user,
            milestone,
            request.form.get("signed_off_by", ""),
            request.form.get("evidence", ""),
        )
    except ValidationFailed as error:
        discard_changes()
        return _show(plan, error.problems, 422)
    flash("Milestone signed off.", "success")
    return redirect(url_for("devplans.show", plan_id=plan.id))


@bp.get("/milestones.csv")
@requires("read_development_plans")
def export():
    today = date.today()
    rows = []
    for plan in plans_in_scope(current_user):
        status = statuses(plan, today)
        for a in plan.actions:
            for m in a.milestones:
                rows.append([
                    plan.organisation.code, plan.title, a.title, a.owner, m.title,
                    m.due_on.isoformat(), m.indicator.code if m.indicator else "", status[m.id],
                    m.signed_off_by or "", m.evidence,
                ])  # fmt: skip
    header = ["organisation", "plan", "action", "owner", "milestone", "due_on", "indicator",
              "status", "signed_off_by", "evidence"]  # fmt: skip
    return csv_download("development-plan-milestones.csv", header, rows)
