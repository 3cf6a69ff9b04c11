"""Managing frameworks (commissioners, admins): drafts, indicators, lifecycle, import, library."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from qframe.auth.permissions import can, requires
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks import services
from qframe.frameworks.forms import (
    FrameworkForm,
    IndicatorForm,
    OwnerForm,
    ReasonForm,
    UploadForm,
    fill_framework_form,
    fill_indicator_form,
    framework_fields,
    indicator_fields,
    show_problems,
)
from qframe.frameworks.io import framework_raw
from qframe.frameworks.models import Framework
from qframe.frameworks.views import render_framework
from qframe.orgs.models import Organisation
from qframe.web import confirmations
from qframe.web.confirm import confirmation_page, wants_review
from qframe.web.files import read_upload
from qframe.web.transaction import discard_changes

bp = Blueprint("frameworks_manage", __name__, url_prefix="/frameworks")
NATIONAL = 0  # the owner choice "no owner" (admins only)


def _owners() -> list[SelectChoice]:
    choices = [
        SelectChoice(o.id, f"{o.name} ({o.code})") for o in services.owner_choices(current_user)
    ]
    if can(current_user, "manage_national_frameworks"):
        choices.append(SelectChoice(NATIONAL, "No owner: a national framework (admins manage it)"))
    return choices


def _owner(owner_id: int | None) -> Organisation | None:
    """The chosen owner, re-checked against the user's choices (a forged id is refused)."""
    allowed = {choice.value for choice in _owners()}
    if owner_id not in allowed:
        raise ValidationFailed(
            "Choose the commissioner that owns the framework",
            [Problem("invalid_choice", "Choose one of the listed commissioners.", column="owner")],
        )
    return db.session.get(Organisation, owner_id) if owner_id != NATIONAL else None


def _framework(framework_id: int) -> Framework:
    return services.get_managed_framework_or_404(framework_id, current_user)


def _to_show(framework: Framework):
    return redirect(url_for("frameworks.show", framework_id=framework.id))


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_frameworks")
def new():
    form = FrameworkForm()
    form.owner.choices = _owners()
    if not form.is_submitted():
        form.domains.data = "SAF: Safety\nEFF: Effectiveness\nEXP: Experience"
    if form.validate_on_submit():
        fields, problems = framework_fields(form)
        try:
            if problems:
                problems += services.framework_field_problems(fields)
                raise ValidationFailed("The framework was not created", problems)
            framework = services.create_draft(current_user, fields, _owner(form.owner.data))
        except ValidationFailed as error:
            discard_changes()
            show_problems(form, error.problems)
        else:
            flash(f"Draft {framework.code} v{framework.version} created.", "success")
            return _to_show(framework)
    status = 422 if form.errors else 200
    return render_template(
        "frameworks/manage/framework_form.html", form=form, framework=None
    ), status


@bp.route("/<int:framework_id>/edit", methods=["GET", "POST"])
@requires("manage_frameworks")
def edit(framework_id: int):
    framework = _framework(framework_id)
    services.ensure_draft(framework)
    form = FrameworkForm()
    del form.code, form.owner  # fixed once the draft exists
    if not form.is_submitted():
        fill_framework_form(form, framework_raw(framework), framework.row_version)
    if form.validate_on_submit():
        fields, problems = framework_fields(form)
        fields.pop("code")
        try:
            if problems:
                problems += services.framework_field_problems(fields)
                raise ValidationFailed("The framework was not saved", problems)
            services.update_framework(
                current_user, framework, fields, expected_version=_int(form.version.data)
            )
        except ValidationFailed as error:
            discard_changes()
            show_problems(form, error.problems)
        else:
            flash("Framework saved.", "success")
            return _to_show(framework)
    status = 422 if form.errors else 200
    return render_template(
        "frameworks/manage/framework_form.html", form=form, framework=framework
    ), status


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _indicator_form(framework: Framework) -> IndicatorForm:
    form = IndicatorForm()
    form.domain.choices = [SelectChoice(d.code, f"{d.title} ({d.code})") for d in framework.domains]
    return form


def _indicator_page(form: IndicatorForm, framework: Framework, indicator: Any) -> Any:
    status = 422 if form.errors else 200
    template = "frameworks/manage/indicator_form.html"
    page = render_template(template, form=form, framework=framework, indicator=indicator)
    return page, status


@bp.route("/<int:framework_id>/indicators/new", methods=["GET", "POST"])
@requires("manage_frameworks")
def new_indicator(framework_id: int):
    framework = _framework(framework_id)
    services.ensure_draft(framework)
    form = _indicator_form(framework)
    if form.validate_on_submit():
        try:
            indicator = services.create_indicator(current_user, framework, indicator_fields(form))
        except ValidationFailed as error:
            discard_changes()
            show_problems(form, error.problems, indicator=True)
        else:
            flash(f"Indicator {indicator.code} added.", "success")
            return _to_show(framework)
    return _indicator_page(form, framework, None)


@bp.route("/<int:framework_id>/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("manage_frameworks")
def edit_indicator(framework_id: int, indicator_id: int):
    framework = _framework(framework_id)
    indicator = services.get_managed_indicator_or_404(framework, indicator_id)
    services.ensure_draft(framework)
    form = _indicator_form(framework)
    if not form.is_submitted():
        raw = framework_raw(framework)
        item = next(i for i in raw["indicators"] if i["code"] == indicator.code)
        fill_indicator_form(form, item, indicator.row_version)
    if form.validate_on_submit():
        try:
            services.update_indicator(
                current_user, indicator, indicator_fields(form), _int(form.version.data)
            )
        except ValidationFailed as error:
            discard_changes()
            show_problems(form, error.problems, indicator=True)
        else:
            flash(f"Indicator {indicator.code} saved.", "success")
            return _to_show(framework)
    return _indicator_page(form, framework, indicator)


@bp.post("/<int:framework_id>/indicators/<int:indicator_id>/delete")
@requires("manage_frameworks")
def delete_indicator(framework_id: int, indicator_id: int):
    framework = _framework(framework_id)
    indicator = services.get_managed_indicator_or_404(framework, indicator_id)
    code = indicator.code
    services.delete_indicator(current_user, indicator)
    flash(f"Indicator {code} deleted.", "success")
    return _to_show(framework)


@bp.post("/<int:framework_id>/publish")
@requires("manage_frameworks")
def publish(framework_id: int):
    framework = _framework(framework_id)
    if wants_review() and framework.status == "draft":
        return confirmation_page(confirmations.publish_framework(framework))
    try:
        services.publish_framework(current_user, framework)
    except ValidationFailed as error:
        discard_changes()
        return render_framework(
            framework, publish_error=error.message, problems=error.problems
        ), 422
    flash(
        f"{framework.code} v{framework.version} is published and can no longer change.", "success"
    )
    return _to_show(framework)


@bp.post("/<int:framework_id>/close")
@requires("manage_frameworks")
def close(framework_id: int):
    framework = _framework(framework_id)
    if wants_review() and framework.status == "published":
        return confirmation_page(confirmations.close_framework(framework))
    services.close_framework(current_user, framework)
    flash(f"{framework.code} v{framework.version} is closed: its results are final.", "success")
    return _to_show(framework)


@bp.post("/<int:framework_id>/delete")
@requires("manage_frameworks")
def delete(framework_id: int):
    framework = _framework(framework_id)
    label = f"{framework.code} v{framework.version}"
    services.delete_draft(current_user, framework)
    flash(f"Draft {label} deleted.", "success")
    return redirect(url_for("frameworks.index"))


@bp.route("/<int:framework_id>/new-version", methods=["GET", "POST"])
@requires("manage_frameworks")
def new_version(framework_id: int):
    framework = _framework(framework_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            draft = services.new_version(current_user, framework, form.reason.data)
        except ValidationFailed as error:
            discard_changes()
            form.reason.errors = [p.message for p in error.problems] or [error.message]
            form._errors = None
        else:
            flash(
                f"Draft {draft.code} v{draft.version} created from v{framework.version}.", "success"
            )
            return _to_show(draft)
    status = 422 if form.errors else 200
    return render_template(
        "frameworks/manage/new_version.html", form=form, framework=framework
    ), status


@bp.route("/import", methods=["GET", "POST"])
@requires("manage_frameworks")
def import_json():
    form = UploadForm()
    form.owner.choices = _owners()
    problems = None
    if form.validate_on_submit():
        try:
            _name, data = read_upload(request.files.get("file"), allowed=(".json",))
            framework = services.import_framework(
                current_user, services.parse_framework(data), _owner(form.owner.data)
            )
        except ValidationFailed as error:
            discard_changes()
            problems = error.problems or [Problem("invalid", error.message)]
            flash(error.message, "error")
        else:
            flash(f"Imported {framework.code} v{framework.version} as a draft.", "success")
            return _to_show(framework)
    page = render_template("frameworks/manage/import.html", form=form, problems=problems)
    return page, 422 if problems else 200


@bp.get("/library")
@requires("manage_frameworks")
def library():
    form = OwnerForm()
    form.owner.choices = _owners()
    return render_template(
        "frameworks/manage/library.html", entries=services.library_overview(), form=form
    )


@bp.post("/library/<slug>")
@requires("manage_frameworks")
def import_library(slug: str):
    form = OwnerForm()
    form.owner.choices = _owners()
    form.validate_on_submit()  # the owner is checked by _owner, with a clearer message
    framework = services.import_library_framework(current_user, slug, _owner(form.owner.data))
    flash(f"Imported {framework.code} v{framework.version} from the library as a draft.", "success")
    return _to_show(framework)
