"""The local health economy page for commissioners: one ICB across its providers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user

from qframe.auth.permissions import get_org_or_404, requires
from qframe.engine.economy import ALPHA
from qframe.orgs.models import Organisation
from qframe.web.files import csv_download

from .services import economy, icbs_in_scope

bp = Blueprint("economy", __name__, url_prefix="/economy")


def icb_or_404(icb_id: int) -> Organisation:
    org = get_org_or_404(icb_id, current_user)
    if org.kind != "commissioner":
        abort(404)
    return org


@bp.get("/")
@requires("read_health_economy")
def index():
    return render_template("economy/index.html", icbs=icbs_in_scope(current_user))


@bp.get("/<int:icb_id>")
@requires("read_health_economy")
def show(icb_id: int):
    return render_template("economy/show.html", e=economy(icb_or_404(icb_id)), alpha=ALPHA)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@bp.get("/<int:icb_id>/economy.csv")
@requires("read_health_economy")
def export(icb_id: int):
    e = economy(icb_or_404(icb_id))
    header = ["icb", "framework", "period", "indicator", "provider", "kind", "achievement",
              "low_95", "high_95", "numerator", "denominator", "support_level",
              "financial_signal", "system_level"]  # fmt: skip
    standing = {s.provider.id: s for s in e.standings}
    rows: list[list[Any]] = []
    for row in e.shared:
        for org in e.providers:
            cell = row.cells.get(org.id)
            if cell is None:
                continue
            s = standing[org.id]
            rows.append([e.icb.code, row.framework, row.period, row.indicator, org.code, org.kind,
                         _pct(cell.achievement), _pct(cell.low), _pct(cell.high), cell.numerator,
                         cell.denominator, "" if s.level is None else s.level,
                         s.financial_signal or "", e.system.level])  # fmt: skip
    return csv_download(f"economy-{e.icb.code}.csv", header, rows)
