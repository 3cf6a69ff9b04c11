"""Finance's budget pages: a provider's holders, approvals, funding, limits, ledger import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import get_org_or_404, in_scope_clause, requires
from qframe.budgets.forms import (
    DecisionForm,
    FundingForm,
    LedgerForm,
    LimitForm,
    OpenHolderForm,
    parse_versions,
    pence_of,
    versions_token,
)
from qframe.budgets.ledger import import_ledger
from qframe.budgets.models import BudgetHolder
from qframe.budgets.reports import (
    flag_percent,
    holder_report,
    orgs_without_budget,
    pending_virements,
    positions,
    provider_holders,
)
from qframe.budgets.services import (
    adjust_funding,
    budget_years,
    check_year,
    default_year,
    get_holder_or_404,
    get_virement_or_404,
    open_holder,
    set_delegated_limit,
)
from qframe.budgets.views import one_place
from qframe.budgets.virements import decide_virement
from qframe.csvio import parse_money_input
from qframe.errors import NotFound, Problem, ValidationFailed
from qframe.extensions import db
from qframe.money import pence_to_pounds as pounds
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.web.files import csv_download, read_upload
from qframe.web.transaction import discard_changes

bp = Blueprint("budgets_manage", __name__, url_prefix="/budgets/manage")


def _providers() -> list[Organisation]:
    stmt = (
        select(Organisation)
        .where(
            Organisation.kind.in_([k for k in PROVIDER_KINDS if k != "primary_care"]),
            in_scope_clause(Organisation.id, current_user),
        )
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(stmt))


def _provider_view() -> tuple[list[Organisation], Organisation | None, str]:
    providers = _providers()
    wanted = request.args.get("provider", "")
    provider = next((p for p in providers if str(p.id) == wanted), None)
    if wanted and provider is None:
        raise NotFound("No such provider")
    provider = provider or (providers[0] if providers else None)
    asked = request.args.get("year")
    return providers, provider, check_year(asked) if asked else default_year()


@bp.get("/")
@requires("manage_budgets")
def index():
    providers, provider, year = _provider_view()
    holders = provider_holders([provider.id]) if provider else []
    unopened = orgs_without_budget(provider.id) if provider else []
    return render_template(
        "budgets/manage/index.html",
        providers=providers,
        provider=provider,
        year=year,
        years=budget_years(),
        rows=positions(holders, year),
        pending=pending_virements(current_user),
        unopened=unopened,
        flag=flag_percent(),
        open_form=OpenHolderForm(),
    )


@bp.get("/holders.csv")
@requires("manage_budgets")
def export():
    _providers_, provider, year = _provider_view()
    rows = positions(provider_holders([provider.id]) if provider else [], year)
    header = [
        "cost_centre", "name", "kind", "budget_to_date", "actual_to_date", "variance",
        "overspend_percent", "forecast_outturn", "annual_budget", "flagged",
    ]  # fmt: skip
    return csv_download(
        f"budget-holders-{year.replace('/', '-')}.csv",
        header,
        (
            [
                r.holder.cost_centre,
                r.holder.organisation.name,
                r.holder.organisation.kind,
                pounds(r.total.budget_ytd),
                pounds(r.total.actual_ytd),
                pounds(r.total.variance),
                one_place(r.total.overspend_percent),
                pounds(r.total.forecast),
                pounds(r.total.annual),
                "yes" if r.flagged else "no",
            ]
            for r in rows
        ),
    )


@bp.post("/orgs/<int:org_id>/open")
@requires("manage_budgets")
def open_budget(org_id: int):
    org = get_org_or_404(org_id, current_user)
    if not OpenHolderForm().validate_on_submit():
        raise ValidationFailed("The form had expired; reload and try again")
    holder = open_holder(current_user, org)
    flash(f"{org.name} now holds a budget (cost centre {holder.cost_centre}).", "success")
    return redirect(url_for("budgets_manage.holder", holder_id=holder.id))


def _holder_page(holder: BudgetHolder, funding: FundingForm, limit: LimitForm, status: int = 200):
    year = request.args.get("year") or default_year([holder.id])
    report = holder_report(holder, check_year(year))
    if not funding.versions.data:
        funding.versions.data = versions_token(r.line for r in report.lines)
    if not limit.limit.data:
        limit.limit.data = f"{holder.delegated_limit_pence / 100:.2f}"
    if not limit.version.data:
        limit.version.data = str(holder.version)
    return render_template(
        "budgets/manage/holder.html",
        report=report,
        funding=funding,
        limit_form=limit,
        years=budget_years([holder.id]),
    ), status


@bp.get("/holders/<int:holder_id>")
@requires("manage_budgets")
def holder(holder_id: int):
    return _holder_page(get_holder_or_404(holder_id, current_user), FundingForm(), LimitForm())


@bp.post("/holders/<int:holder_id>/funding")
@requires("manage_budgets")
def funding(holder_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    form = FundingForm()
    year = check_year(request.args.get("year") or default_year([holder.id]))
    if form.validate_on_submit():
        try:
            line = adjust_funding(
                current_user,
                holder,
                year,
                form.category.data or "",
                pence_of(form.amount),
                form.reason.data or "",
                parse_versions(form.versions.data),
            )
        except ValidationFailed as error:
            discard_changes()
            form.amount.errors = [*form.amount.errors, error.message]
        else:
            flash(
                f"Funding changed: {line.label} is now £{line.annual_pence / 100:,.2f}.", "success"
            )
            return redirect(url_for("budgets_manage.holder", holder_id=holder.id, year=year))
    return _holder_page(holder, form, LimitForm(formdata=None), 422)


@bp.post("/holders/<int:holder_id>/limit")
@requires("manage_budgets")
def limit(holder_id: int):
    holder = get_holder_or_404(holder_id, current_user)
    form = LimitForm()
    if form.validate_on_submit():
        set_delegated_limit(
            current_user,
            holder,
            parse_money_input(form.limit.data) or 0,
            int(form.version.data or 0) if (form.version.data or "").isdigit() else 0,
        )
        flash("Delegated limit saved.", "success")
        return redirect(url_for("budgets_manage.holder", holder_id=holder.id))
    return _holder_page(holder, FundingForm(formdata=None), form, 422)


@bp.route("/virements/<int:virement_id>", methods=["GET", "POST"])
@requires("manage_budgets")
def virement(virement_id: int):
    item = get_virement_or_404(virement_id, current_user)
    form = DecisionForm()
    if not form.is_submitted():
        form.version.data = str(item.version)
    if form.validate_on_submit():
        try:
            decide_virement(
                current_user,
                item,
                approve=bool(form.approve.data),
                comment=form.comment.data or "",
                expected_version=int(form.version.data or 0)
                if (form.version.data or "").isdigit()
                else 0,
            )
        except ValidationFailed as error:
            discard_changes()
            form.comment.errors = [*form.comment.errors, error.message]
        else:
            flash(f"Virement {item.status}.", "success")
            return redirect(url_for("budgets.show", holder_id=item.holder_id, year=item.year))
    return render_template(
        "budgets/manage/virement.html", virement=item, form=form
    ), 422 if form.errors else 200


@bp.route("/ledger", methods=["GET", "POST"])
@requires("manage_budgets")
def ledger():
    form = LedgerForm()
    problems, result = None, None
    if form.validate_on_submit():
        preview = request.form.get("action") == "preview"
        try:
            name, data = read_upload(request.files.get("file"))
            result = import_ledger(
                current_user,
                data,
                year=(form.year.data or "").strip() or None,
                filename=name,
                dry_run=preview,
            )
        except ValidationFailed as error:
            discard_changes()
            problems = error.problems or [Problem("rejected", error.message)]
            flash(error.message, "error")
        else:
            if result.unchanged:
                flash("This file is already in the ledger: nothing changed.", "success")
            elif not preview:
                flash(f"Imported {result.rows:,} rows for {result.year}.", "success")
    return render_template(
        "budgets/manage/ledger.html", form=form, problems=problems, result=result
    ), 422 if problems else 200
