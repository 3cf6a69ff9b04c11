"""Good-practice library pages: read by everyone signed in; recorded for providers in scope."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import can, get_provider_or_404, in_scope_clause, requires
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

from .services import buddy_offers, get_entry_or_404, library, offers_for, record_practice

bp = Blueprint("learning", __name__, url_prefix="/learning")


@bp.app_context_processor
def _offers() -> dict[str, Any]:
    return {"learning_offers": offers_for}


def _indicators() -> list[tuple[Indicator, Framework]]:
    rows = db.session.execute(
        select(Indicator, Framework)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.status != "draft")
        .order_by(Framework.code, Indicator.position, Indicator.code)
    ).all()
    return [(i, f) for i, f in rows]


def _index(problems: list[Problem] | None = None, status: int = 200) -> Any:
    providers = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.kind.in_(PROVIDER_KINDS), in_scope_clause(Organisation.id, current_user)
        )
        .order_by(Organisation.name)
    ).all()
    return render_template(
        "learning/index.html",
        entries=library(),
        buddies=buddy_offers(current_user),
        providers=providers,
        indicators=_indicators(),
        can_write=can(current_user, "record_good_practice"),
        problems=problems or [],
        form=request.form,
    ), status


@bp.get("/")
@requires("read_good_practice")
def index():
    return _index()


@bp.post("/")
@requires("record_good_practice")
def record():
    org_id = request.form.get("provider", "")
    provider = get_provider_or_404(int(org_id) if org_id.isdigit() else 0, current_user)
    ind_id = request.form.get("indicator", "")
    indicator = db.session.get(Indicator, int(ind_id)) if ind_id.isdigit() else None
    try:
        if indicator is None:
            raise ValidationFailed(
                "Choose an indicator",
                [Problem("required", "Choose an indicator", None, "indicator")],
            )
        entry = record_practice(current_user, provider, indicator, request.form.to_dict())
    except ValidationFailed as error:
        discard_changes()
        return _index(error.problems, 422)
    flash("Good practice recorded.", "success")
    return redirect(url_for("learning.show", entry_id=entry.id))


@bp.get("/<int:entry_id>")
@requires("read_good_practice")
def show(entry_id: int):
    return render_template("learning/show.html", e=get_entry_or_404(entry_id))


@bp.get("/good-practice.csv")
@requires("read_good_practice")
def export():
    header = ["id", "provider", "framework", "indicator", "achievement", "benchmark", "period",
              "title", "what_they_did", "contact", "recorded_at"]  # fmt: skip
    rows = [[e.id, e.organisation.code, e.indicator.framework.code, e.indicator.code,
             f"{e.achievement:g}", e.benchmark, e.run.period.label, e.title, e.what_they_did,
             e.contact, e.created_at.isoformat()] for e in library()]  # fmt: skip
    return csv_download("good-practice.csv", header, rows)
