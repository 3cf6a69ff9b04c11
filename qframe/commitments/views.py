"""Commitments: provider leads record them; commissioners see all of their providers'."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from qframe.auth.permissions import can, get_provider_or_404, requires
from qframe.errors import ValidationFailed
from qframe.periods.choices import (
    future_period_choices,
    latest_ended_quarter,
    past_period_choices,
)
from qframe.web.files import csv_download
from qframe.web.forms import attach_problems
from qframe.web.transaction import discard_changes

from .forms import CommitmentForm
from .services import (
    commitments_in_scope,
    get_commitment_or_404,
    indicator_choices,
    progress_of,
    providers_in_scope,
    record_commitment,
)

bp = Blueprint("commitments", __name__, url_prefix="/commitments")
STATUS_TAGS = {
    "met": ("tag-ok", "✔"),
    "on track": ("tag-ok", "→"),
    "at risk": ("tag-warn", "!"),
    "missed": ("tag-bad", "✖"),
    "awaiting data": ("tag-off", "…"),
}


@bp.app_template_global()
def commitment_tag(status: str) -> dict[str, str]:
    tag, icon = STATUS_TAGS[status]
    return {"tag": tag, "icon": icon, "words": status.capitalize()}


@bp.get("/")
@requires("read_commitments")
def index():
    items = progress_of(commitments_in_scope(current_user))
    providers = providers_in_scope(current_user) if can(current_user, "make_commitments") else []
    return render_template("commitments/index.html", items=items, providers=providers)


@bp.get("/commitments.csv")
@requires("read_commitments")
def export():
    items = progress_of(commitments_in_scope(current_user))
    header = [
        "provider_code",
        "provider",
        "indicator",
        "baseline",
        "baseline_period",
        "target",
        "due_period",
        "latest",
        "status",
        "why",
    ]
    return csv_download(
        "commitments.csv",
        header,
        [
            [
                p.commitment.organisation.code,
                p.commitment.organisation.name,
                p.commitment.indicator.code,
                p.commitment.baseline,
                p.commitment.baseline_period.label,
                p.commitment.target,
                p.commitment.due_period.label,
                p.readings[-1].value if p.readings else "",
                p.status,
                p.commitment.why,
            ]
            for p in items
        ],
    )


@bp.get("/<int:commitment_id>")
@requires("read_commitments")
def show(commitment_id: int):
    commitment = get_commitment_or_404(commitment_id, current_user)
    return render_template("commitments/show.html", p=progress_of([commitment])[0])


@bp.route("/providers/<int:org_id>/new", methods=["GET", "POST"])
@requires("make_commitments")
def new(org_id: int):
    org = get_provider_or_404(org_id, current_user)
    form = CommitmentForm()
    indicators = indicator_choices(org)
    form.indicator.choices = [SelectChoice("", "Choose an indicator")] + [
        SelectChoice(str(i.id), f"{i.framework.code} v{i.framework.version} · {i.code}: {i.title}")
        for i in indicators
    ]
    today = date.today()
    form.baseline_period.choices = past_period_choices(today)
    form.due_period.choices = [SelectChoice("", "Choose the due period")]
    form.due_period.choices += future_period_choices(today)
    if request.method == "GET":
        form.baseline_period.data = latest_ended_quarter(today)
    if request.method == "POST" and form.validate_on_submit():
        data = {name: (field.data or "") for name, field in form._fields.items()}
        try:
            commitment = record_commitment(current_user, org, data)
        except ValidationFailed as error:
            discard_changes()
            attach_problems(form, error.problems, "indicator")
        else:
            flash("Commitment recorded. Its status will follow the data.", "success")
            return redirect(url_for("commitments.show", commitment_id=commitment.id))
    polarity = {str(i.id): i.polarity for i in indicators}
    return render_template(
        "commitments/new.html", form=form, org=org, polarity=polarity
    ), 422 if form.errors else 200
