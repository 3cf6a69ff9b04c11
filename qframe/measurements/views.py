"""Data entry pages: an organisation's indicators per period, CSV upload with preview, declaring."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import can, get_org_or_404, in_scope_clause, requires
from qframe.errors import NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.current import current_ids, published_choices
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements import entry
from qframe.measurements.declarations import declare as declare_period
from qframe.measurements.forms import ConfirmForm, DeclareForm, UploadForm
from qframe.measurements.grid import field_name, save_grid
from qframe.measurements.models import Measurement, StagedUpload
from qframe.measurements.rows import FIELDS, FORM_FIELDS
from qframe.measurements.services import save_entry
from qframe.measurements.staging import import_staged, stage_upload
from qframe.measurements.windows import provider_of
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period, get_or_create_period
from qframe.web.access import login_required
from qframe.web.files import csv_download, read_upload
from qframe.web.paging import page_number
from qframe.web.transaction import discard_changes

bp = Blueprint("measurements", __name__, url_prefix="/measurements")
ENTRY_KINDS = (*PROVIDER_KINDS, "service_line", "ward")
PAGE = 200


@bp.get("/")
@login_required
def index():
    page = page_number()
    orgs = db.session.scalars(
        select(Organisation)
        .where(in_scope_clause(Organisation.id, current_user), Organisation.kind.in_(ENTRY_KINDS))
        .order_by(Organisation.code)
        .limit(PAGE + 1)
        .offset((page - 1) * PAGE)
    ).all()
    return render_template(
        "measurements/index.html",
        orgs=orgs[:PAGE],
        more=len(orgs) > PAGE,
        page=page,
        submitter=_submitter(),
    )


def _submitter() -> bool:
    return can(current_user, "submit_measurements")


def _framework_for(org: Organisation, framework_id: int | None) -> Framework:
    choices = entry.frameworks_for(org)
    if not choices:
        raise NotFound(f"{org.name} reports no indicators in any published framework")
    chosen = next((f for f in choices if f.id == framework_id), None)
    if framework_id is not None and chosen is None:
        raise NotFound("No such framework for this organisation")
    current = current_ids()
    return chosen or next((f for f in choices if f.id in current), choices[0])


def _page(org: Organisation, framework: Framework, label: str | None, **extra):
    page = entry.entry_page(org, framework, current_user, label, date.today())
    return render_template(
        "measurements/entry.html",
        page=page,
        frameworks=entry.frameworks_for(org),
        current=current_ids(),
        submitter=_submitter(),
        grid_name=field_name,
        declare_form=DeclareForm(),
        errors=extra.get("errors", {}),
        posted=extra.get("posted", {}),
        general=extra.get("general", {}),
    )


@bp.get("/orgs/<int:org_id>")
@login_required
def show(org_id: int):
    org = get_org_or_404(org_id, current_user)
    if not entry.frameworks_for(org):
        # Its framework may still be a draft: say so rather than answer "not found".
        return render_template("measurements/not_published.html", org=org)
    framework = _framework_for(org, request.args.get("framework", type=int))
    return _page(org, framework, request.args.get("period"))


@bp.post("/orgs/<int:org_id>/indicators/<int:indicator_id>")
@requires("submit_measurements")
def save(org_id: int, indicator_id: int):
    org = get_org_or_404(org_id, current_user)
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.level != entry.org_level(org):
        raise NotFound("No such indicator for this organisation")
    framework = _framework_for(org, indicator.framework_id)
    period = request.form.get("period", "")
    fields = {name: request.form.get(name, "") for name in FORM_FIELDS}
    version = request.form.get("version", "")
    try:
        outcome = save_entry(
            current_user,
            framework,
            org,
            indicator,
            period,
            fields,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ValidationFailed as error:
        discard_changes()
        errors: dict[str, list[str]] = defaultdict(list)
        general = []
        for p in error.problems:
            if p.column in FORM_FIELDS:
                errors[p.column].append(p.message)
            else:
                general.append(p.message)
        page = _page(
            org,
            framework,
            period,
            errors={indicator.id: errors},
            posted={indicator.id: fields},
            general={indicator.id: general or ([] if errors else [error.message])},
        )
        return page, 422
    word = "No change" if outcome.unchanged else "Saved"
    flash(f"{word}: {indicator.code} for {org.code}, {period}.", "success")
    return redirect(
        url_for(
            ".show",
            org_id=org.id,
            framework=framework.id,
            period=period,
            _anchor=f"ind-{indicator.id}",
        )
    )


@bp.post("/orgs/<int:org_id>/grid")
@requires("submit_measurements")
def save_all(org_id: int):
    """Save the whole entry grid at once: all or nothing, every typed value kept on failure."""
    org = get_org_or_404(org_id, current_user)
    framework = _framework_for(org, request.form.get("framework", type=int))
    period = request.form.get("period", "")
    level = entry.org_level(org)
    indicators = [
        i for i in framework.indicators if i.level == level and i.data_source == "submitted"
    ]
    result = save_grid(current_user, framework, org, indicators, period, request.form)
    if result.problems:
        discard_changes()
        flash(
            f"Nothing was saved: {result.problems} problem{'s' if result.problems != 1 else ''}"
            " to fix below. Everything you typed is still here.",
            "error",
        )
        page = _page(
            org,
            framework,
            period,
            errors=result.errors,
            posted=result.posted,
            general=result.general,
        )
        return page, 422
    flash(
        f"Saved {result.saved} value{'s' if result.saved != 1 else ''} for {org.code}, {period}"
        + (f" ({result.unchanged} unchanged)." if result.unchanged else "."),
        "success",
    )
    return redirect(url_for(".show", org_id=org.id, framework=framework.id, period=period))


@bp.post("/orgs/<int:org_id>/declare")
@requires("declare_measurements")
def declare(org_id: int):
    org = get_org_or_404(org_id, current_user)
    form = DeclareForm()
    # a ward's or service line's page declares for its provider (monthly ward periods too)
    provider = org if org.kind in PROVIDER_KINDS else provider_of(org)
    if provider is None or not form.validate_on_submit():
        raise ValidationFailed("Declare a provider's data for a framework and period")
    framework = _framework_for(org, form.framework.data)
    period = get_or_create_period(form.period.data or "")
    declare_period(current_user, framework, provider, period)
    flash(
        f"{period.label} declared complete for {provider.name}: awaiting the commissioner's "
        "approval.",
        "success",
    )
    return redirect(url_for(".show", org_id=org.id, framework=framework.id, period=period.label))


@bp.get("/orgs/<int:org_id>/measurements.csv")
@login_required
def export(org_id: int):
    org = get_org_or_404(org_id, current_user)
    framework = _framework_for(org, request.args.get("framework", type=int))
    rows = db.session.execute(
        select(Measurement, Indicator.code, Period.label)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Period, Period.id == Measurement.period_id)
        .where(Measurement.organisation_id == org.id, Measurement.framework_id == framework.id)
        .order_by(Period.start_date, Indicator.position)
    ).all()
    return csv_download(
        f"{org.code}-{framework.code}-measurements.csv",
        (*FIELDS, "expected"),  # a ratio's expected count, so a download imports again
        (
            [
                org.code,
                code,
                label,
                m.numerator,
                m.denominator,
                m.exclusions,
                m.value,
                m.missing_reason or "",
                m.comment or "",
                m.expected,
            ]
            for m, code, label in rows
        ),
    )


def _published() -> list[Framework]:
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.status == "published")
            .order_by(Framework.code, Framework.version.desc())
        )
    )


@bp.route("/upload", methods=["GET", "POST"])
@requires("submit_measurements")
def upload():
    form = UploadForm()
    frameworks = {f.id: f for f in _published()}
    form.framework.choices, current = published_choices(list(frameworks.values()))
    if request.method == "GET" and current is not None:
        form.framework.data = current
    problems = None
    if form.validate_on_submit():
        framework = frameworks[form.framework.data]
        try:
            name, data = read_upload(request.files.get("file"))
            staging = stage_upload(current_user, framework, name, data)
        except ValidationFailed as error:
            discard_changes()
            problems = error.problems or [Problem("refused", error.message)]
            flash(error.message, "error")
        else:
            if staging.staged is None:
                flash(staging.already or "", "info")
                return redirect(url_for(".upload"))
            return redirect(url_for(".preview", staged_id=staging.staged.id))
    status = 422 if problems else 200
    return render_template("measurements/upload.html", form=form, problems=problems), status


def _staged(staged_id: int) -> StagedUpload:
    staged = db.session.get(StagedUpload, staged_id)
    if staged is None or staged.user_id != current_user.id:
        abort(404)
    return staged


@bp.get("/upload/<int:staged_id>")
@requires("submit_measurements")
def preview(staged_id: int):
    staged = _staged(staged_id)
    return render_template(
        "measurements/preview.html", staged=staged, form=ConfirmForm(), problems=None
    )


@bp.post("/upload/<int:staged_id>")
@requires("submit_measurements")
def confirm(staged_id: int):
    staged = _staged(staged_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcome = import_staged(current_user, staged)
    except ValidationFailed as error:
        discard_changes()
        flash(error.message, "error")
        return render_template(
            "measurements/preview.html", staged=staged, form=form, problems=error.problems
        ), 422
    flash(f"Imported {staged.filename}: {outcome.message}.", "success")
    return redirect(url_for(".index"))
