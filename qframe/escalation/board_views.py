"""The board's acknowledgement of a level-2/3 decision, and the commissioner's chase list."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from qframe.auth.permissions import can, get_provider_or_404, requires
from qframe.errors import NotFound, ValidationFailed
from qframe.extensions import db
from qframe.web.forms import attach_problems
from qframe.web.transaction import discard_changes

from .board import BoardReview, acknowledge, outstanding, review_for
from .views import _framework, _reader_framework, bp


class AcknowledgeForm(FlaskForm):
    response = TextAreaField("The board's response")
    owner = StringField("Who owns the actions", description="A name and role")


@bp.get("/<int:framework_id>/providers/<int:org_id>/board")
@requires("read_escalation")
def board(framework_id: int, org_id: int):
    framework = _reader_framework(framework_id)
    org = get_provider_or_404(org_id, current_user)
    return _page(framework, org, AcknowledgeForm(), 200)


def _page(framework: Any, org: Any, form: Any, status: int) -> tuple[str, int]:
    return render_template(
        "escalation/board.html",
        framework=framework,
        org=org,
        reviews=review_for(framework, org),
        form=form,
        can_answer=can(current_user, "acknowledge_escalation"),
    ), status


@bp.post("/<int:framework_id>/providers/<int:org_id>/board/<int:review_id>")
@requires("acknowledge_escalation")
def acknowledge_review(framework_id: int, org_id: int, review_id: int):
    framework = _reader_framework(framework_id)
    org = get_provider_or_404(org_id, current_user)
    review = db.session.get(BoardReview, review_id)
    if review is None or review.framework_id != framework.id or review.organisation_id != org.id:
        raise NotFound("No such decision for this provider")
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        raise NotFound("The form expired: reload and try again")
    try:
        acknowledge(current_user, review, form.response.data or "", form.owner.data or "")
    except ValidationFailed as error:
        discard_changes()
        attach_problems(form, error.problems, "response")
        return _page(framework, org, form, 422)
    flash("The board's acknowledgement is recorded", "success")
    return redirect(url_for("escalation.board", framework_id=framework.id, org_id=org.id))


@bp.get("/<int:framework_id>/board")
@requires("manage_escalation")
def board_outstanding(framework_id: int):
    framework = _framework()
    return render_template(
        "escalation/board_outstanding.html",
        framework=framework,
        reviews=outstanding(framework),
        period=request.args.get("period"),
    )
