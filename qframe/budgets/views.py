"""Budget holders' pages: my budgets, a holder's position, month drill-down, CSV, virements.

Clinical directors and nurse managers see the holders in their scope and move money between a
holder's lines; provider leads and finance read the same pages (finance acts in budgets_manage).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from qframe.auth.permissions import can, in_scope_clause, requires
from qframe.budgets.calc import MONTH_NAMES, MONTHS, Position
from qframe.budgets.forms import VirementForm, parse_versions, pence_of, versions_token
from qframe.budgets.models import BudgetHolder
from qframe.budgets.reports import holder_report, holder_virements, positions
from qframe.budgets.services import (
    budget_years,
    check_year,
    current_year,
    get_holder_or_404,
    get_line_or_404,
)
from qframe.budgets.virements import remaining_budget, request_virement
from qframe.errors import NotFound, ValidationFailed
from qframe.extensions import db
from qframe.money import pence_to_pounds as pounds
from qframe.web import confirmations
from qframe.web.confirm import confirmation_page, wants_review
from qframe.web.files import csv_download
from qframe.web.transaction import discard_changes

bp = Blueprint("budgets", __name__, url_prefix="/budgets")


def _year(years: list[str]) -> str:
    """The year asked for in the address, else the newest with budgets, else this one."""
    asked = request.args.get("year")
    if asked:
        return check_year(asked)
    return years[0] if years else current_year()


@bp.get("/")
@requires("read_budgets")
def index():
    holders = list(
        db.session.scalars(
            select(BudgetHolder)
            .where(in_scope_clause(BudgetHolder.organisation_id, current_user))
            .options(selectinload(BudgetHolder.organisation))
            .order_by(BudgetHolder.cost_centre)
        )
    )
    years = budget_years([h.id for h in holders])
    year = _year(years)
    return render_template(
        "budgets/index.html",
        year=year,
        years=years,
        rows=positions(holders, year),
    )


@bp.get("/<int:holder_id>")
@requires("read_budgets")
def show(holder_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    years = budget_years([holder.id])
    year = _year(years)
    return render_template(
        "budgets/show.html",
        report=holder_report(holder, year),
        virements=holder_virements(holder, year),
        years=years,
        months=MONTH_NAMES,
        can_move=can(current_user, "move_budget"),
    )


@bp.get("/<int:holder_id>/budget.csv")
@requires("read_budgets")
def export(holder_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    year = _year(budget_years([holder.id]))
    report = holder_report(holder, year)
    name = f"budget-{holder.cost_centre}-{year.replace('/', '-')}"
    if request.args.get("detail") == "months":
        rows = [
            [r.line.category, MONTH_NAMES[m], pounds(r.line.phases[m]), pounds(r.actuals[m])]
            for r in report.lines
            for m in range(MONTHS)
        ]
        header = ["category", "month", "budget", "actual"]
        return csv_download(f"{name}-months.csv", header, rows)
    header = [
        "category", "annual_budget", "budget_to_date", "actual_to_date", "variance",
        "variance_percent", "forecast_outturn", "forecast_variance", "status",
    ]  # fmt: skip
    rows = [_csv_row(r.position, r.status) for r in report.lines]
    rows.append(_csv_row(report.total, report.total_status))
    return csv_download(f"{name}.csv", header, rows)


def one_place(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _csv_row(p: Position, status: str) -> list[object]:
    return [
        p.category,
        pounds(p.annual),
        pounds(p.budget_ytd),
        pounds(p.actual_ytd),
        pounds(p.variance),
        one_place(p.variance_percent),
        pounds(p.forecast),
        pounds(p.forecast_variance),
        status,
    ]


@bp.get("/<int:holder_id>/lines/<int:line_id>")
@requires("read_budgets")
def line(holder_id: int, line_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    budget_line = get_line_or_404(line_id, current_user)
    if budget_line.holder_id != holder.id:
        raise NotFound("No such budget line")
    report = holder_report(holder, budget_line.year)
    item = next(r for r in report.lines if r.line.id == budget_line.id)
    return render_template("budgets/line.html", report=report, item=item, months=MONTH_NAMES)


@bp.route("/<int:holder_id>/virements/new", methods=["GET", "POST"])
@requires("move_budget")
def new_virement(holder_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    year = _year(budget_years([holder.id]))
    report = holder_report(holder, year)
    movable = [r for r in report.lines if not r.line.is_income]
    form = VirementForm()
    choices = [
        SelectChoice(
            r.line.id,
            f"{r.line.label.capitalize()} (£{remaining_budget(r.line, report.closed) / 100:,.2f} "
            "left this year)",
        )
        for r in movable
    ]
    form.from_line.choices, form.to_line.choices = choices, choices
    if not form.is_submitted():
        form.versions.data = versions_token(r.line for r in movable)
    if form.validate_on_submit() and wants_review():
        lines = {r.line.id: r.line for r in movable}
        source, target = lines.get(form.from_line.data), lines.get(form.to_line.data)
        if source is not None and target is not None and source.id != target.id:
            return confirmation_page(
                confirmations.apply_virement(holder, source, target, pence_of(form.amount), year)
            )
    if form.validate_on_submit():
        try:
            virement = request_virement(
                current_user,
                holder,
                year,
                from_line_id=form.from_line.data,
                to_line_id=form.to_line.data,
                amount_pence=pence_of(form.amount),
                reason=form.reason.data or "",
                expected_versions=parse_versions(form.versions.data),
            )
        except ValidationFailed as error:
            discard_changes()
            for problem in error.problems if error.problems else [error]:
                field = getattr(form, getattr(problem, "column", None) or "amount", form.amount)
                field.errors = [*field.errors, problem.message]
        else:
            if virement.status == "applied":
                flash("Virement applied: the money has moved.", "success")
            else:
                flash("Above your delegated limit: the virement is waiting for finance.", "success")
            return redirect(url_for("budgets.show", holder_id=holder.id, year=year))
    return render_template(
        "budgets/virement_new.html", report=report, form=form, movable=movable
    ), 422 if form.errors else 200
