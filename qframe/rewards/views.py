"""Finance's reward allocation pages: runs, proposing, approving, comparing, the schedule CSV."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import requires
from qframe.errors import Conflict, DomainError, NotFound, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.current import published_choices
from qframe.frameworks.models import Framework
from qframe.rewards.chart import run_chart
from qframe.rewards.explain import REASON_WORDS, pounds
from qframe.rewards.forms import ApproveForm, ProposeForm
from qframe.rewards.policy import parse_policy, parse_pot
from qframe.rewards.reports import (
    compare_runs,
    lines_page,
    reason_totals,
    splits_of,
    visible_runs,
)
from qframe.rewards.schedule import schedule_filename, stamped_header, stamped_rows
from qframe.rewards.services import (
    approval_refusal,
    approve_run,
    approved_run,
    get_run_or_404,
    propose_run,
)
from qframe.scoring.lookup import SCORED_STATUSES, find_period
from qframe.scoring.pickers import offer_final_periods
from qframe.web import confirmations
from qframe.web.confirm import confirmation_page, wants_review
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

bp = Blueprint("rewards", __name__, url_prefix="/rewards")
RUNS_PER_PAGE = 50
CENT = Decimal("0.01")


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


@bp.get("/")
@requires("manage_rewards")
def index():
    page = _page()
    stmt = visible_runs(current_user).offset((page - 1) * RUNS_PER_PAGE).limit(RUNS_PER_PAGE + 1)
    runs = list(db.session.scalars(stmt).unique())
    return render_template(
        "rewards/index.html", runs=runs[:RUNS_PER_PAGE], more=len(runs) > RUNS_PER_PAGE, page=page
    )


def _frameworks() -> list[Framework]:
    """Only frameworks with final scores can be paid on: nothing else is offered."""
    from qframe.scoring.models import ScoreRun

    final = select(ScoreRun.framework_id).where(ScoreRun.status == "final")
    stmt = select(Framework).where(Framework.status.in_(SCORED_STATUSES), Framework.id.in_(final))
    return list(db.session.scalars(stmt.order_by(Framework.code, Framework.version.desc())))


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_rewards")
def new():
    form = ProposeForm()
    frameworks = _frameworks()
    form.framework.choices, current = published_choices(frameworks)
    if not form.is_submitted() and current is not None:
        form.framework.data = current
    offer_final_periods(form.period, frameworks, form.framework.data, submitted=form.is_submitted())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("rewards/new.html", form=form, problems=[]), status
    try:
        framework = next((f for f in frameworks if f.id == form.framework.data), None)
        if framework is None:
            raise NotFound("No such framework")
        pot = parse_pot(form.pot.data or "")
        policy = parse_policy(form.policy_data())
        period = find_period(form.period.data or "")
        proposal = propose_run(current_user, framework, period, pot, policy)
    except DomainError as error:
        discard_changes()
        problems = error.problems if isinstance(error, ValidationFailed) else []
        form.form_errors.append(error.message)
        return render_template("rewards/new.html", form=form, problems=problems), error.status
    run = proposal.run
    if not proposal.created:
        flash(f"Run {run.id} already has exactly these inputs: nothing new was proposed.", "info")
    elif run.status == "failed":
        flash(f"Run {run.id} failed: {run.message}", "error")
    else:
        flash(f"Run {run.id} proposed: another finance user must approve it.", "success")
    return redirect(url_for("rewards.show", run_id=run.id))


@bp.get("/<int:run_id>")
@requires("manage_rewards")
def show(run_id: int):
    run = get_run_or_404(run_id, current_user)
    page = _page()
    lines, more = lines_page(run, page)
    can_approve = approval_refusal(current_user, run) is None
    return render_template(
        "rewards/show.html",
        run=run,
        lines=lines,
        more=more,
        page=page,
        splits=splits_of(run, [line.id for line in lines]),
        totals=reason_totals(run),
        chart=run_chart(run),
        words=REASON_WORDS,
        can_approve=can_approve,
        form=ApproveForm(),
        others=[
            r
            for r in db.session.scalars(visible_runs(current_user).limit(50)).unique()
            if r.id != run.id and r.status != "failed"
        ],
    )


@bp.post("/<int:run_id>/approve")
@requires("manage_rewards")
def approve(run_id: int):
    run = get_run_or_404(run_id, current_user)
    if not ApproveForm().validate_on_submit():
        raise ValidationFailed("The form had expired; reload and try again")
    if wants_review() and run.status == "proposed":
        return confirmation_page(confirmations.approve_run(run, approved_run(run)))
    approval = approve_run(current_user, run)
    message = f"Run {run.id} approved: {pounds(run.total_pence or 0)} to pay."
    if approval.superseded is not None:
        message += f" It supersedes run {approval.superseded.id}."
    if approval.credited_pence:
        message += f" {pounds(approval.credited_pence)} credited to service-line budgets."
    if approval.short_pence:
        message += (
            f" {pounds(approval.short_pence)} was credited by earlier runs beyond these awards:"
            " adjust those service lines' budgets."
        )
    flash(message, "success")
    return redirect(url_for("rewards.show", run_id=run.id))


@bp.get("/<int:run_id>/schedule.csv")
@requires("manage_rewards")
def export(run_id: int):
    run = get_run_or_404(run_id, current_user)
    if run.status == "failed":
        raise Conflict(f"Run {run.id} failed: it has no payment schedule")
    return csv_download(schedule_filename(run), stamped_header(run), stamped_rows(run))


@bp.get("/compare")
@requires("manage_rewards")
def compare():
    first, second = request.args.get("first", ""), request.args.get("second", "")
    if not (first.isdigit() and second.isdigit()):
        raise ValidationFailed("Choose two runs to compare")
    a, b = get_run_or_404(int(first), current_user), get_run_or_404(int(second), current_user)
    if (b.created_at, b.id) < (a.created_at, a.id):
        a, b = b, a  # the earlier run is "before", whichever order they were picked in
    changes = compare_runs(a, b)
    if request.args.get("format") == "csv":
        return csv_download(
            f"allocation-runs-{a.id}-{b.id}.csv",
            ["org_code", "name", f"run_{a.id}", f"run_{b.id}", "difference"],
            [[c.code, c.name, _csv(c.before), _csv(c.after), _csv(c.difference)] for c in changes],
        )
    gains = sum(c.difference for c in changes if c.difference > 0)
    losses = sum(c.difference for c in changes if c.difference < 0)
    return render_template(
        "rewards/compare.html", first=a, second=b, changes=changes, gains=gains, losses=losses
    )


def _csv(pence: int | None) -> Decimal | str:
    # a Decimal, not text: the CSV writer guards text starting "-" against formula injection
    return "" if pence is None else (Decimal(pence) / 100).quantize(CENT)
