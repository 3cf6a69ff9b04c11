"""The commissioner's questions to ask (gaming signals, domain.md §8): a page and its CSV."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from qframe.auth.permissions import requires
from qframe.scoring.lookup import get_run_or_404
from qframe.variation.questions import KINDS, questions_for_run
from qframe.web.files import csv_download

bp = Blueprint("variation", __name__, url_prefix="/variation")
HEADER = (
    "kind", "indicator_code", "organisation_code", "organisation_name", "period", "value",
    "ci_low", "ci_high", "expected", "provisional", "question", "evidence",
)  # fmt: skip


@bp.get("/runs/<int:run_id>/questions")
@requires("manage_scoring")
def questions(run_id: int):
    run = get_run_or_404(run_id, current_user)
    found, checked = questions_for_run(run, current_user)
    grouped = {kind: [q for q in found if q.kind == kind] for kind in KINDS}
    return render_template(
        "variation/questions.html", run=run, grouped=grouped, kinds=KINDS, checked=checked,
        total=len(found),
    )  # fmt: skip


@bp.get("/runs/<int:run_id>/questions.csv")
@requires("manage_scoring")
def questions_csv(run_id: int):
    run = get_run_or_404(run_id, current_user)
    found, _checked = questions_for_run(run, current_user)
    rows = [
        (
            q.kind, q.indicator.code, q.org.code if q.org else "", q.org.name if q.org else "",
            q.period, _round(q.value), _round(q.ci_low), _round(q.ci_high), _round(q.expected),
            "yes" if q.provisional else "no", q.ask, q.evidence,
        )
        for q in found
    ]  # fmt: skip
    name = f"questions-{run.framework.code}-{run.period.label}-v{run.version}.csv"
    return csv_download(name.replace("/", "-").replace(" ", "-"), HEADER, rows)


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
