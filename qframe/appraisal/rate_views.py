"""Appraisal rates (every role, in scope; numbers only) and the leadership pipeline (managers)."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_login import current_user

from qframe.appraisal.charts import rate, trend_chart
from qframe.appraisal.queries import leadership_pipeline, scoped_units
from qframe.appraisal.rates import appraisal_rate_trends
from qframe.appraisal.views import bp
from qframe.auth.permissions import get_org_or_404, requires
from qframe.web.access import login_required
from qframe.web.files import csv_download

MAX_UNITS = 400


def _units():
    """Service lines and wards in scope, optionally under one provider or service line."""
    units = scoped_units(current_user)
    under = request.args.get("under", "")
    parent = None
    if under.isascii() and under.isdigit():
        parent = get_org_or_404(int(under), current_user)
        ids = {parent.id}
        for _level in ("service_line", "ward"):
            ids |= {u.id for u in units if u.parent_id in ids}
        units = [u for u in units if u.id in ids]
    return units[:MAX_UNITS], parent


@bp.get("/rates")
@login_required
def rates():
    units, parent = _units()
    today = date.today()
    trends = appraisal_rate_trends([u.id for u in units], today)
    lines = [u for u in units if u.kind == "service_line"]
    wards_by_line: dict[int, list] = {}
    for u in units:
        if u.kind == "ward":
            wards_by_line.setdefault(u.parent_id or 0, []).append(u)
    line_ids = {line.id for line in lines}
    # A nurse manager's wards show without their (out of scope) service line.
    orphans = [w for line_id, ws in wards_by_line.items() if line_id not in line_ids for w in ws]
    focus = next((u for u in units if str(u.id) == request.args.get("org")), None)
    focus = focus or (lines[0] if len(lines) == 1 else None)
    return render_template(
        "appraisal/rates.html",
        lines=lines,
        wards_by_line=wards_by_line,
        orphans=orphans,
        current={u.id: trends[u.id][-1] for u in units},
        sparks={u.id: trend_chart(trends[u.id], 120, 28, small=True) for u in units},
        focus=focus,
        chart=trend_chart(trends[focus.id]) if focus else None,
        parent=parent,
        providers=sorted({line.parent for line in lines if line.parent}, key=lambda o: o.code),
        rate=rate,
        today=today,
    )


@bp.get("/rates.csv")
@login_required
def rates_export():
    units, _parent = _units()
    trends = appraisal_rate_trends([u.id for u in units], date.today())
    rows = (
        [u.code, u.name, u.kind, day, num, den, "" if den == 0 else f"{rate(num, den):.1f}"]
        for u in units
        for day, num, den in trends[u.id]
    )
    return csv_download(
        "appraisal-rates.csv",
        ["code", "name", "kind", "as_of", "appraised", "staff", "rate_percent"],
        rows,
    )


@bp.get("/leadership")
@requires("manage_staff")
def leadership():
    return render_template("appraisal/leadership.html", people=leadership_pipeline(current_user))


@bp.get("/leadership.csv")
@requires("manage_staff")
def leadership_export():
    rows = (
        [
            p.staff_number,
            p.name,
            p.professional_group,
            p.band,
            p.service_line.name,
            p.ward.name if p.ward else "",
            p.leadership_readiness,
            p.leadership_actions or "",
        ]
        for p in leadership_pipeline(current_user)
    )
    return csv_download(
        "leadership-pipeline.csv",
        [
            "staff_number",
            "name",
            "professional_group",
            "band",
            "service_line",
            "ward",
            "readiness",
            "development_actions",
        ],
        rows,
    )
