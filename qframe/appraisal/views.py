"""Staff pages for clinical directors and nurse managers: the list, a person, their record."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.appraisal.forms import StaffForm, apply_problems, choices
from qframe.appraisal.models import StaffMember
from qframe.appraisal.queries import (
    APPRAISAL_STATES,
    CSV_HEADER,
    REVALIDATION_STATES,
    StaffFilters,
    appraisal_dates,
    csv_rows,
    scoped_units,
    staff_rows,
)
from qframe.appraisal.rules import GROUP_LABELS, appraisal_standing, revalidation_standing
from qframe.appraisal.services import StaffInput, create_staff, update_staff
from qframe.auth.models import User
from qframe.auth.permissions import can, requires
from qframe.auth.staff_access import get_staff_or_404, is_manager
from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.web.access import login_required
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

bp = Blueprint("appraisal", __name__, url_prefix="/appraisal")


def _filters() -> StaffFilters:
    org = request.args.get("org", "")
    return StaffFilters(
        org_id=int(org) if org.isascii() and org.isdigit() else None,
        group=request.args.get("group") or None,
        appraisal=request.args.get("appraisal") or None,
        revalidation=request.args.get("revalidation") or None,
        name=(request.args.get("name") or "")[:100] or None,
    )


@bp.get("/")
@requires("manage_staff")
def index():
    filters = _filters()
    return render_template(
        "appraisal/index.html",
        rows=staff_rows(current_user, filters),
        filters=filters,
        units=scoped_units(current_user),
        groups=GROUP_LABELS,
        appraisal_states=APPRAISAL_STATES,
        revalidation_states=REVALIDATION_STATES,
    )


@bp.get("/staff.csv")
@requires("manage_staff")
def export():
    rows = staff_rows(current_user, _filters())
    return csv_download("staff-appraisal.csv", CSV_HEADER, csv_rows(rows))


def _unit_choices(form: StaffForm) -> None:
    units = scoped_units(current_user)
    lines = {u.id: u for u in units if u.kind == "service_line"}
    wards = [u for u in units if u.kind == "ward"]
    for ward in wards:  # a nurse manager's scope is the ward; its line is still where it sits
        if ward.parent is not None:
            lines.setdefault(ward.parent_id or 0, ward.parent)
    form.service_line_id.choices = choices(
        [("", "Choose…")]
        + [
            (line.id, f"{line.name} ({line.code})")
            for line in sorted(lines.values(), key=lambda o: o.code)
        ]
    )
    form.ward_id.choices = choices(
        [("", "No ward")] + [(w.id, f"{w.name} ({w.code})") for w in wards]
    )


def _input(form: StaffForm) -> StaffInput:
    return StaffInput(
        name=form.name.data or "",
        staff_number=form.staff_number.data or "",
        professional_group=form.professional_group.data or "",
        registration_body=form.registration_body.data or "",
        registration_number=form.registration_number.data or "",
        band=form.band.data or "",
        service_line_id=form.service_line_id.data,
        ward_id=form.ward_id.data,
        line_manager_number=form.line_manager_number.data or "",
        start_date=form.start_date.data,
        left_on=form.left_on.data,
        revalidated_on=form.revalidated_on.data,
        leadership_aspiration=bool(form.leadership_aspiration.data),
        leadership_readiness=form.leadership_readiness.data or "",
        leadership_actions=form.leadership_actions.data or "",
        user_email=(form.user_email.data or "")
        if can(current_user, "link_staff_accounts")
        else None,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@requires("manage_staff")
def new_staff():
    form = StaffForm()
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            staff = create_staff(current_user, _input(form))
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash(f"{staff.name} added.", "success")
            return redirect(url_for("appraisal.staff", staff_id=staff.id))
    return render_template("appraisal/staff_form.html", form=form, staff=None), (
        422 if form.errors else 200
    )


@bp.get("/staff/<int:staff_id>")
@login_required
def staff(staff_id: int):
    person = get_staff_or_404(staff_id, current_user)
    today = date.today()
    last, open_due = appraisal_dates([person.id])
    standing = appraisal_standing(
        today, person.start_date, last.get(person.id), open_due.get(person.id)
    )
    return render_template(
        "appraisal/staff.html",
        staff=person,
        standing=standing,
        revalidation=revalidation_standing(
            person.professional_group, person.revalidation_due, today
        ),
        revalidation_states=REVALIDATION_STATES,
        can_manage=is_manager(current_user) and person.user_id != current_user.id,
        reports=db.session.scalars(
            select(StaffMember)
            .where(StaffMember.line_manager_id == person.id)
            .order_by(StaffMember.name)
        ).all(),
    )


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@requires("manage_staff")
def edit_staff(staff_id: int):
    person = get_staff_or_404(staff_id, current_user, manage=True)
    form = StaffForm(obj=person)
    _unit_choices(form)
    if not form.is_submitted():
        form.registration_body.data = person.registration_body or ""
        form.line_manager_number.data = (
            person.line_manager.staff_number if person.line_manager else ""
        )
        account = db.session.get(User, person.user_id) if person.user_id else None
        form.user_email.data = account.email if account else ""
        form.version.data = str(person.version)
    if form.validate_on_submit():
        try:
            update_staff(
                current_user,
                person,
                _input(form),
                expected_version=int(form.version.data or 0),
            )
        except ValidationFailed as error:
            discard_changes()
            apply_problems(form, error)
        else:
            flash("Staff record saved.", "success")
            return redirect(url_for("appraisal.staff", staff_id=person.id))
    return render_template("appraisal/staff_form.html", form=form, staff=person), (
        422 if form.errors else 200
    )


@bp.get("/mine")
@login_required
def mine():
    person = db.session.scalar(select(StaffMember).where(StaffMember.user_id == current_user.id))
    if person is not None:
        return redirect(url_for("appraisal.staff", staff_id=person.id))
    return render_template("appraisal/mine.html")


from qframe.appraisal import appraisal_views, rate_views  # noqa: E402, F401  (routes on bp)
