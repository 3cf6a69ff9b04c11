"""Organisation pages: list and view in scope; admins edit and import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import get_org_or_404, in_scope_clause, requires
from qframe.csvio import parse_count, parse_money_input
from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.orgs.forms import OrgEditForm, UploadForm
from qframe.orgs.models import KIND_LABELS, KINDS, Organisation
from qframe.orgs.services import import_organisations, update_organisation
from qframe.web.access import login_required
from qframe.web.files import csv_download, read_upload
from qframe.web.paging import page_number
from qframe.web.transaction import discard_changes

bp = Blueprint("orgs", __name__, url_prefix="/orgs")
PAGE = 200


def _scoped_orgs(kind: str | None):
    stmt = (
        select(Organisation)
        .where(in_scope_clause(Organisation.id, current_user))
        .order_by(Organisation.code)
    )
    if kind in KINDS:
        stmt = stmt.where(Organisation.kind == kind)
    return stmt


@bp.get("/")
@login_required
def index():
    kind = request.args.get("kind") or None
    page = page_number()
    orgs = db.session.scalars(_scoped_orgs(kind).limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template(
        "orgs/index.html",
        orgs=orgs[:PAGE],
        more=len(orgs) > PAGE,
        page=page,
        kind=kind,
        kinds=KIND_LABELS,
    )


@bp.get("/organisations.csv")
@login_required
def export():
    orgs = db.session.scalars(_scoped_orgs(request.args.get("kind"))).all()
    codes = {o.id: o.code for o in db.session.scalars(select(Organisation))}
    rows = (
        [
            o.code,
            o.name,
            o.kind,
            codes.get(o.parent_id or 0, ""),
            "" if o.contract_value_pence is None else f"{o.contract_value_pence / 100:.2f}",
            o.list_size,
        ]
        for o in orgs
    )
    return csv_download(
        "organisations.csv",
        ["code", "name", "kind", "parent_code", "contract_value", "list_size"],
        rows,
    )


@bp.get("/<int:org_id>")
@login_required
def show(org_id: int):
    org = get_org_or_404(org_id, current_user)
    return render_template("orgs/show.html", org=org)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@requires("manage_organisations")
def edit(org_id: int):
    org = get_org_or_404(org_id, current_user)
    form = OrgEditForm(obj=org)
    if not form.is_submitted():
        form.contract_value.data = (
            None if org.contract_value_pence is None else f"{org.contract_value_pence / 100:.2f}"
        )
        form.list_size.data = None if org.list_size is None else str(org.list_size)
        form.version.data = str(org.version)
    if form.validate_on_submit():
        update_organisation(
            current_user,
            org,
            name=form.name.data or "",
            contract_value_pence=parse_money_input(form.contract_value.data)
            if form.contract_value.data
            else None,
            list_size=parse_count(form.list_size.data) if form.list_size.data else None,
            expected_version=int(form.version.data or 0),
        )
        flash("Organisation saved.", "success")
        return redirect(url_for("orgs.show", org_id=org.id))
    return render_template("orgs/edit.html", org=org, form=form), 422 if form.errors else 200


@bp.route("/import", methods=["GET", "POST"])
@requires("manage_organisations")
def import_csv():
    form = UploadForm()
    problems = None
    if form.validate_on_submit():
        try:
            _name, data = read_upload(request.files.get("file"))
            result = import_organisations(current_user, data)
        except ValidationFailed as error:
            discard_changes()
            problems = error.problems if error.problems else [error]
            flash(error.message, "error")
        else:
            flash(f"Imported: {result.created} created, {result.updated} updated.", "success")
            return redirect(url_for("orgs.index"))
    return render_template(
        "orgs/import.html", form=form, problems=problems
    ), 422 if problems else 200
