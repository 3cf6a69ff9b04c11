"""Appraisal pages: the yearly record with objectives and development plan, and sign-off.

Reading an appraisal shows personal content, so every view is audited (`appraisal.view`).
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from qframe.appraisal.appraisals import (
    AppraisalInput,
    add_objective,
    add_pdp_item,
    indicator_progress,
    record_view,
    remove_objective,
    remove_pdp_item,
    save_appraisal,
    set_pdp_done,
    sign_appraisal,
)
from qframe.appraisal.forms import (
    ActionForm,
    AppraisalForm,
    ObjectiveForm,
    PdpForm,
    apply_problems,
    choices,
)
from qframe.appraisal.models import Appraisal
from qframe.appraisal.views import bp
from qframe.auth.permissions import requires
from qframe.auth.staff_access import (
    get_appraisal_or_404,
    get_objective_or_404,
    get_pdp_item_or_404,
    get_staff_or_404,
    is_manager,
)
from qframe.csvio import parse_decimal
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.periods.labels import year_label
from qframe.web.access import login_required
from qframe.web.transaction import discard_changes, keep_even_if_refused


def _input(form: AppraisalForm, year: str) -> AppraisalInput:
    return AppraisalInput(
        year=year,
        appraiser_number=form.appraiser_number.data or "",
        due_date=form.due_date.data,
        meeting_date=form.meeting_date.data,
        status=form.status.data or "",
        summary=form.summary.data or "",
    )


@bp.route("/staff/<int:staff_id>/appraisals/new", methods=["GET", "POST"])
@requires("manage_staff")
def new_appraisal(staff_id: int):
    person = get_staff_or_404(staff_id, current_user, manage=True)
    form = AppraisalForm()
    if not form.is_submitted():
        today = date.today()
        form.year.data = year_label(today.year if today.month >= 4 else today.year - 1)
        if person.line_manager is not None:
            form.appraiser_number.data = person.line_manager.staff_number
    if form.validate_on_submit():
        try:
            appraisal = save_appraisal(current_user, person, _input(form, form.year.data or ""))
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash(f"Appraisal for {appraisal.year} created.", "success")
            return redirect(url_for("appraisal.appraisal", appraisal_id=appraisal.id))
    return render_template("appraisal/appraisal_new.html", staff=person, form=form), (
        422 if form.errors else 200
    )


def _indicator_choices(year: str) -> list[SelectChoice]:
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.title, Framework.title)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.year == year, Framework.status != "draft")
        .order_by(Framework.code, Framework.version, Indicator.position, Indicator.code)
    ).all()
    return choices(
        [("", "None")] + [(i, f"{code} – {title} ({fw})") for i, code, title, fw in rows]
    )


def _render(appraisal: Appraisal, form=None, objective_form=None, pdp_form=None, status=200):
    """The appraisal page; the content shown is audited as a view."""
    manage = is_manager(current_user) and appraisal.staff.user_id != current_user.id
    if form is None:
        form = AppraisalForm(obj=appraisal)
        form.appraiser_number.data = appraisal.appraiser.staff_number
        form.version.data = str(appraisal.version)
    objective_form = objective_form or ObjectiveForm(formdata=None)
    objective_form.indicator_id.choices = _indicator_choices(appraisal.year)
    record_view(current_user, appraisal)
    keep_even_if_refused()  # the read audit stands even on a 422 re-render
    progress = {
        o.id: indicator_progress(o.indicator_id, appraisal.staff.home_org_id)
        for o in appraisal.objectives
        if o.indicator_id
    }
    return render_template(
        "appraisal/appraisal.html",
        appraisal=appraisal,
        staff=appraisal.staff,
        manage=manage,
        own=appraisal.staff.user_id == current_user.id,
        form=form,
        objective_form=objective_form,
        pdp_form=pdp_form or PdpForm(formdata=None),
        action_form=ActionForm(),
        progress=progress,
    ), status


@bp.route("/appraisals/<int:appraisal_id>", methods=["GET", "POST"])
@login_required
def appraisal(appraisal_id: int):
    if request.method == "GET":
        return _render(get_appraisal_or_404(appraisal_id, current_user))
    record = get_appraisal_or_404(appraisal_id, current_user, manage=True)
    form = AppraisalForm()
    if form.validate_on_submit():
        try:
            save_appraisal(
                current_user,
                record.staff,
                _input(form, record.year),
                record,
                expected_version=int(form.version.data or 0),
            )
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash("Appraisal saved.", "success")
            return redirect(url_for("appraisal.appraisal", appraisal_id=record.id))
    return _render(db.session.get(Appraisal, appraisal_id), form=form, status=422)  # type: ignore[arg-type]


@bp.post("/appraisals/<int:appraisal_id>/objectives")
@requires("manage_staff")
def new_objective(appraisal_id: int):
    record = get_appraisal_or_404(appraisal_id, current_user, manage=True)
    form = ObjectiveForm()
    form.indicator_id.choices = _indicator_choices(record.year)
    if form.validate_on_submit():
        target_text = (form.target.data or "").strip()
        target = parse_decimal(target_text) if target_text else None
        try:
            if target_text and target is None:
                raise ValidationFailed(
                    "Not saved",
                    [
                        Problem(
                            "bad_number",
                            "Enter the target as a number, e.g. 95 or 2.5",
                            None,
                            "target",
                        )
                    ],
                )
            add_objective(
                current_user, record, form.text.data or "", form.indicator_id.data, target
            )
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash("Objective added.", "success")
            return redirect(url_for("appraisal.appraisal", appraisal_id=record.id) + "#objectives")
    return _render(db.session.get(Appraisal, appraisal_id), objective_form=form, status=422)  # type: ignore[arg-type]


@bp.post("/objectives/<int:objective_id>/delete")
@requires("manage_staff")
def delete_objective(objective_id: int):
    objective = get_objective_or_404(objective_id, current_user)
    appraisal_id = objective.appraisal_id
    remove_objective(current_user, objective)
    flash("Objective removed.", "success")
    return redirect(url_for("appraisal.appraisal", appraisal_id=appraisal_id) + "#objectives")


@bp.post("/appraisals/<int:appraisal_id>/pdp")
@requires("manage_staff")
def new_pdp_item(appraisal_id: int):
    record = get_appraisal_or_404(appraisal_id, current_user, manage=True)
    form = PdpForm()
    if form.validate_on_submit():
        try:
            add_pdp_item(
                current_user,
                record,
                form.learning_need.data or "",
                form.activity.data or "",
                form.due.data,
            )
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash("Development plan item added.", "success")
            return redirect(url_for("appraisal.appraisal", appraisal_id=record.id) + "#pdp")
    return _render(db.session.get(Appraisal, appraisal_id), pdp_form=form, status=422)  # type: ignore[arg-type]


@bp.post("/pdp/<int:item_id>/done")
@requires("manage_staff")
def toggle_pdp_item(item_id: int):
    item = get_pdp_item_or_404(item_id, current_user)
    set_pdp_done(current_user, item, request.form.get("done") == "1")
    return redirect(url_for("appraisal.appraisal", appraisal_id=item.appraisal_id) + "#pdp")


@bp.post("/pdp/<int:item_id>/delete")
@requires("manage_staff")
def delete_pdp_item(item_id: int):
    item = get_pdp_item_or_404(item_id, current_user)
    appraisal_id = item.appraisal_id
    remove_pdp_item(current_user, item)
    flash("Development plan item removed.", "success")
    return redirect(url_for("appraisal.appraisal", appraisal_id=appraisal_id) + "#pdp")


@bp.post("/appraisals/<int:appraisal_id>/sign")
@login_required
def sign(appraisal_id: int):
    record = get_appraisal_or_404(appraisal_id, current_user)
    sign_appraisal(current_user, record, request.form.get("party", ""))
    flash("Signature recorded.", "success")
    return redirect(url_for("appraisal.appraisal", appraisal_id=record.id))
