"""A provider's payment statement: every line paid or recovered, as a page and as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from qframe.auth.permissions import get_provider_or_404, requires
from qframe.money import pence_to_pounds
from qframe.payments.services import month_label, statement
from qframe.web.files import csv_download

bp = Blueprint("payments", __name__, url_prefix="/payments")
CSV_HEADER = ["framework", "year", "month", "kind", "amount", "why"]


@bp.get("/orgs/<int:org_id>")
@requires("read_payment_statements")
def show(org_id: int):
    org = get_provider_or_404(org_id, current_user)
    lines = [
        (line, framework, month_label(line.year, line.month)) for line, framework in statement(org)
    ]
    total = sum(line.pence for line, _f, _m in lines)
    return render_template("payments/statement.html", org=org, lines=lines, total=total)


@bp.get("/orgs/<int:org_id>/statement.csv")
@requires("read_payment_statements")
def csv(org_id: int):
    org = get_provider_or_404(org_id, current_user)
    rows = (
        [framework.code, line.year, month_label(line.year, line.month), line.kind,
         f"{pence_to_pounds(line.pence):.2f}", line.why]
        for line, framework in statement(org)
    )  # fmt: skip
    return csv_download(f"{org.code}-payment-statement.csv", CSV_HEADER, rows)
