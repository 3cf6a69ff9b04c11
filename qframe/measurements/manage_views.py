"""Commissioner pages: collection windows, reopening, completeness, approving declarations."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import (
    can,
    get_org_by_code_or_404,
    in_scope_clause,
    org_in_scope,
    requires,
)
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.measurements.declarations import completeness, decide
from qframe.measurements.forms import DecisionForm, ReopenForm, WindowForm
from qframe.measurements.models import CollectionWindow, Declaration
from qframe.measurements.rows import collection_kind
from qframe.measurements.windows import reopen_window, set_window, window_dates
from qframe.periods.labels import PeriodSpec, periods_in_year
from qframe.periods.models import Period
from qframe.web.files import csv_download

bp = Blueprint("measurements_manage", __name__, url_prefix="/measurements/manage")


def _managed_clause():
    return in_scope_clause(Framework.owner_id, current_user)


def _framework(framework_id: int) -> Framework:
    """A published or closed framework the commissioner owns (admin: any)."""
    framework = db.session.get(Framework, framework_id)
    if framework is None or framework.status == "draft":
        raise NotFound("No such framework")
    if not can(current_user, "all_organisations") and not org_in_scope(
        current_user, framework.owner_id
    ):
        raise NotFound("No such framework")
    return framework


def framework_periods(framework: Framework) -> list[PeriodSpec]:
    """Every period the framework collects in (months, quarters or the year), in date order."""
    kinds = {
        collection_kind(framework.setting, i.level, i.frequency)
        for i in framework.indicators
        if i.data_source == "submitted"
    }
    found = [p for kind in sorted(kinds) for p in periods_in_year(framework.year, kind)]
    return sorted(found, key=lambda p: (p.start, p.end))


@bp.get("/")
@requires("manage_collection")
def index():
    stmt = select(Framework).where(Framework.status.in_(("published", "closed")))
    if not can(current_user, "all_organisations"):
        stmt = stmt.where(_managed_clause())
    frameworks = db.session.scalars(stmt.order_by(Framework.year.desc(), Framework.code)).all()
    return render_template("measurements/manage/index.html", frameworks=frameworks)


@bp.route("/frameworks/<int:framework_id>/windows", methods=["GET", "POST"])
@requires("manage_collection")
def windows(framework_id: int):
    framework = _framework(framework_id)
    form = WindowForm()
    status = 200
    if form.validate_on_submit():
        set_window(
            current_user,
            framework,
            form.period.data or "",
            opens_on=form.opens_on.data,
            closes_on=form.closes_on.data,
            grace_days=form.grace_days.data or 0,
        )
        flash(f"Window for {form.period.data} saved.", "success")
        return redirect(url_for(".windows", framework_id=framework.id))
    if form.errors:
        status = 422
    stored = {
        label: w
        for w, label in db.session.execute(
            select(CollectionWindow, Period.label)
            .join(Period, Period.id == CollectionWindow.period_id)
            .where(CollectionWindow.framework_id == framework.id)
        )
    }
    return render_template(
        "measurements/manage/windows.html",
        framework=framework,
        form=form,
        periods=framework_periods(framework),
        stored=stored,
        dates=window_dates,
        reopen_form=ReopenForm(),
        today=date.today(),
    ), status


@bp.post("/windows/<int:window_id>/reopen")
@requires("manage_collection")
def reopen(window_id: int):
    window = db.session.get(CollectionWindow, window_id)
    if window is None:
        raise NotFound("No such window")
    framework = _framework(window.framework_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        flash("Give the organisation code, a reason (5 characters or more) and a date.", "error")
        return redirect(url_for(".windows", framework_id=framework.id)), 303
    org = get_org_by_code_or_404((form.organisation.data or "").strip(), current_user)
    reopen_window(
        current_user,
        window,
        org,
        reason=form.reason.data or "",
        until=form.until.data,
        today=date.today(),
    )
    flash(f"{window.period.label} reopened for {org.name} until {form.until.data}.", "success")
    return redirect(url_for(".windows", framework_id=framework.id))


def _period(framework: Framework) -> tuple[list[PeriodSpec], Period]:
    periods = framework_periods(framework)
    label = request.args.get("period")
    chosen = next((p for p in periods if p.label == label), None)
    if chosen is None:
        past = [p for p in periods if p.end < date.today()] or periods
        chosen = past[-1]
    period = db.session.scalar(select(Period).where(Period.label == chosen.label))
    if period is None:  # nothing stored for it yet: an unsaved period matches no rows
        period = Period(
            label=chosen.label,
            kind=chosen.kind,
            year=chosen.year,
            start_date=chosen.start,
            end_date=chosen.end,
        )
    return periods, period


@bp.get("/frameworks/<int:framework_id>/completeness")
@requires("manage_collection")
def dashboard(framework_id: int):
    framework = _framework(framework_id)
    periods, period = _period(framework)
    rows = completeness(framework, period, current_user)
    return render_template(
        "measurements/manage/completeness.html",
        framework=framework,
        periods=periods,
        period=period,
        rows=rows,
        form=DecisionForm(),
    )


@bp.get("/frameworks/<int:framework_id>/completeness.csv")
@requires("manage_collection")
def dashboard_csv(framework_id: int):
    framework = _framework(framework_id)
    _periods, period = _period(framework)
    rows = completeness(framework, period, current_user)
    return csv_download(
        f"{framework.code}-{period.label.replace('/', '-')}-completeness.csv",
        ["org_code", "name", "expected", "submitted", "missing", "status", "comment"],
        (
            [
                r.provider.code,
                r.provider.name,
                r.expected,
                r.submitted,
                r.missing,
                r.status,
                r.declaration.comment if r.declaration else "",
            ]
            for r in rows
        ),
    )


def _declaration(declaration_id: int) -> Declaration:
    decl = db.session.get(Declaration, declaration_id)
    if decl is None or not org_in_scope(current_user, decl.organisation_id):
        raise NotFound("No such declaration")
    _framework(decl.framework_id)
    return decl


@bp.post("/declarations/<int:declaration_id>/<any(approve, return):action>")
@requires("manage_collection")
def decision(declaration_id: int, action: str):
    decl = _declaration(declaration_id)
    form = DecisionForm()
    form.validate_on_submit()
    decide(current_user, decl, approve=action == "approve", comment=form.comment.data or "")
    word = "approved" if action == "approve" else "returned for correction"
    flash(f"{decl.organisation.name}, {decl.period.label}: {word}.", "success")
    return redirect(url_for(".dashboard", framework_id=decl.framework_id, period=decl.period.label))
