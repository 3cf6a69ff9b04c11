"""Support pages: propose buddies and packages, edit the proposal, accept it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.auth.permissions import requires
from qframe.errors import ValidationFailed
from qframe.web.transaction import discard_changes

from .rules import packages_for, settings_for
from .services import ladder
from .support import (
    accept_support,
    edit_support,
    get_support_or_404,
    org_names,
    propose_support,
    support_records,
)
from .views import _framework, bp


def _page(framework: Any, problems: list[Any] | None = None, status: int = 200):
    records = support_records(framework)
    _period, rows = ladder(framework)
    ids = {r.organisation.id for r in rows}
    for record in records:
        for a in record.assignments:
            ids |= {a["org_id"]} | ({a["buddy_id"]} if a["buddy_id"] else set())
    return render_template(
        "escalation/support.html",
        framework=framework,
        records=records,
        rows=rows,
        orgs=org_names(ids),
        packages=packages_for(settings_for(framework)),
        problems=problems or [],
    ), status


@bp.get("/<int:framework_id>/support")
@requires("manage_escalation")
def support(framework_id: int):
    return _page(_framework())


@bp.post("/<int:framework_id>/support/propose")
@requires("manage_escalation")
def propose(framework_id: int):
    framework = _framework()
    propose_support(current_user, framework)
    flash(
        "Support proposed. Check the buddies and packages, edit them if needed, then accept.",
        "success",
    )
    return redirect(url_for("escalation.support", framework_id=framework.id))


def _choice(name: str, cast: Any) -> Any:
    value = request.form.get(name, "")
    return cast(value) if value else None


@bp.post("/<int:framework_id>/support/<int:record_id>")
@requires("manage_escalation")
def edit(framework_id: int, record_id: int):
    framework = _framework()
    record = get_support_or_404(framework, record_id)
    choices = {}
    for a in record.assignments:
        org = a["org_id"]
        buddy = request.form.get(f"buddy_{org}", "")
        choices[org] = (int(buddy) if buddy.isdigit() else None, _choice(f"package_{org}", str))
    try:
        edit_support(current_user, framework, record, choices)
    except ValidationFailed as error:
        discard_changes()
        return _page(framework, error.problems, 422)
    flash("Support plan changed.", "success")
    return redirect(url_for("escalation.support", framework_id=framework.id))


@bp.post("/<int:framework_id>/support/<int:record_id>/accept")
@requires("manage_escalation")
def accept(framework_id: int, record_id: int):
    framework = _framework()
    record = get_support_or_404(framework, record_id)
    accept_support(current_user, record)
    flash("Support plan accepted. Accountability stays with each provider's board.", "success")
    return redirect(url_for("escalation.support", framework_id=framework.id))
