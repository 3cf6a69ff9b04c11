"""The ladder pages: every provider's level and why, settings, a provider's history and notes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from qframe.auth.permissions import can, get_provider_or_404, requires
from qframe.errors import NotFound, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.frameworks.services import (
    PUBLIC_STATUSES,
    get_framework_or_404,
    get_managed_framework_or_404,
    visible_frameworks,
)
from qframe.periods.models import Period
from qframe.web.files import csv_download
from qframe.web.forms import attach_problems
from qframe.web.transaction import discard_changes

from .forms import NoteForm, SettingsForm, rule_fields
from .links import evidence_links, scorecard_url
from .rules import form_values, save_settings, settings_for
from .services import (
    SUPPORT,
    add_note,
    decision_periods,
    evaluate_escalation,
    ladder,
    notes_for,
    provider_history,
)

bp = Blueprint("escalation", __name__, url_prefix="/escalation")
LEVEL_ICONS = ("○", "◔", "◑", "●")
LEVEL_TAGS = ("tag-ok", "tag-info", "tag-warn", "tag-bad")
MOVES = {
    "up": ("▲", "Up"),
    "down": ("▼", "Down"),
    "same": ("■", "No change"),
    "new": ("✚", "First period on the ladder"),
}


@bp.app_template_global()
def ladder_level(level: int) -> dict[str, str]:
    """Icon, tag class and words for a level, so colour is never the only signal."""
    return {
        "icon": LEVEL_ICONS[level],
        "tag": LEVEL_TAGS[level],
        "words": SUPPORT[level],
        "number": str(level),
    }


def _framework() -> Framework:
    return get_managed_framework_or_404(
        int((request.view_args or {})["framework_id"]), current_user
    )


def _managed_frameworks() -> list[Framework]:
    stmt = visible_frameworks(current_user).where(Framework.status.in_(PUBLIC_STATUSES))
    return [f for f in db.session.scalars(stmt) if _manages(f)]


def _manages(framework: Framework) -> bool:
    from qframe.frameworks.services import can_manage

    return can_manage(current_user, framework)


@bp.get("/")
@requires("manage_escalation")
def index():
    frameworks = _managed_frameworks()
    summaries = {f.id: ladder(f) for f in frameworks}
    return render_template("escalation/index.html", frameworks=frameworks, summaries=summaries)


def _period_arg(framework: Framework) -> Period | None:
    label = request.args.get("period")
    if not label:
        return None
    found = next((p for p in decision_periods(framework) if p.label == label), None)
    if found is None:
        raise NotFound(f"No ladder decisions for {label}")
    return found


@bp.get("/<int:framework_id>")
@requires("manage_escalation")
def show(framework_id: int):
    framework = _framework()
    period, rows = ladder(framework, _period_arg(framework))
    return render_template(
        "escalation/ladder.html",
        framework=framework,
        period=period,
        periods=decision_periods(framework),
        rows=rows,
        moves=MOVES,
        links={r.organisation.id: evidence_links(framework, r.decision) for r in rows},
        scorecards={
            r.organisation.id: scorecard_url(
                framework, r.organisation.id, r.decision.run_id, period
            )
            for r in rows
        },
    )


@bp.get("/<int:framework_id>/ladder.csv")
@requires("manage_escalation")
def export(framework_id: int):
    framework = _framework()
    period, rows = ladder(framework, _period_arg(framework))
    header = [
        "period",
        "provider_code",
        "provider",
        "level",
        "support",
        "movement",
        "evidence",
        "financial_signal",
    ]
    return csv_download(
        f"ladder-{framework.code}-{(period.label if period else 'none').replace('/', '-')}.csv",
        header,
        [
            [
                period.label if period else "",
                r.organisation.code,
                r.organisation.name,
                r.decision.level,
                SUPPORT[r.decision.level],
                r.movement,
                "; ".join(r.decision.evidence.get("lines", [])),
                r.decision.financial_signal or "",
            ]
            for r in rows
        ],
    )


@bp.post("/<int:framework_id>/evaluate")
@requires("manage_escalation")
def evaluate(framework_id: int):
    framework = _framework()
    decisions = evaluate_escalation(current_user, framework)
    flash(f"The ladder was worked out: {len(decisions)} provider-period decisions.", "success")
    return redirect(url_for("escalation.show", framework_id=framework.id))


@bp.route("/<int:framework_id>/settings", methods=["GET", "POST"])
@requires("manage_escalation")
def settings(framework_id: int):
    framework = _framework()
    stored = settings_for(framework)
    form = SettingsForm(data=None if request.method == "POST" else form_values(stored))
    if request.method == "GET" and stored is not None:
        form.version.data = str(stored.version)
    if form.validate_on_submit():
        data = {name: (field.data or "") for name, field in form._fields.items()}
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            save_settings(current_user, framework, data, expected_version=version)
        except ValidationFailed as error:
            discard_changes()
            attach_problems(form, error.problems, "alert_level1_count")
        else:
            flash("Ladder settings saved. Work out the ladder again to apply them.", "success")
            return redirect(url_for("escalation.show", framework_id=framework.id))
    status = 422 if form.errors else 200
    return render_template(
        "escalation/settings.html", framework=framework, form=form, rules=rule_fields(form)
    ), status


def _reader_framework(framework_id: int) -> Framework:
    if can(current_user, "manage_escalation"):
        return get_managed_framework_or_404(framework_id, current_user)
    framework = get_framework_or_404(framework_id, current_user)
    if framework.status not in PUBLIC_STATUSES:
        raise NotFound("No such framework")
    return framework


def _provider_page(framework: Framework, org: Any, form: NoteForm | None, status: int = 200):
    history = provider_history(framework, org)
    can_note = can(current_user, "manage_escalation")
    form = form or NoteForm()
    form.period.choices = [SelectChoice(d.period_id, d.period.label) for d in history]
    return render_template(
        "escalation/provider.html",
        framework=framework,
        org=org,
        history=history,
        links={d.id: evidence_links(framework, d) for d in history},
        notes=notes_for(framework, org),
        form=form,
        can_note=can_note,
    ), status


@bp.get("/<int:framework_id>/providers/<int:org_id>")
@requires("read_escalation")
def provider(framework_id: int, org_id: int):
    framework = _reader_framework(framework_id)
    return _provider_page(framework, get_provider_or_404(org_id, current_user), None)


@bp.post("/<int:framework_id>/providers/<int:org_id>/notes")
@requires("manage_escalation")
def add_provider_note(framework_id: int, org_id: int):
    framework = _framework()
    org = get_provider_or_404(org_id, current_user)
    form = NoteForm()
    form.period.choices = [
        SelectChoice(d.period_id, d.period.label) for d in provider_history(framework, org)
    ]
    if form.validate_on_submit():
        try:
            add_note(
                current_user,
                framework,
                org,
                form.period.data,
                form.note.data or "",
                form.support_offered.data,
            )
        except ValidationFailed as error:
            discard_changes()
            attach_problems(form, error.problems, "note")
        else:
            flash("Note saved.", "success")
            return redirect(
                url_for("escalation.provider", framework_id=framework.id, org_id=org.id)
            )
    return _provider_page(framework, org, form, 422)


from qframe.escalation import board_views as _board_views  # noqa: E402,F401
from qframe.escalation import calibration_views as _calibration_views  # noqa: E402,F401
from qframe.escalation import support_views as _support_views  # noqa: E402,F401
