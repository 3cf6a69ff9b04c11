"""Commissioner pages: score and finalise runs, the providers × indicators overview, funnel
plots, the Scores CSV, and threshold calibration on a draft."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from qframe.auth.permissions import in_scope_clause, requires
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.frameworks.services import can_manage, get_managed_framework_or_404
from qframe.measurements.models import Measurement
from qframe.orgs.models import KIND_LABELS, PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.calibration import calibrate
from qframe.scoring.export import header, score_rows
from qframe.scoring.heatmap import heat_page
from qframe.scoring.lookup import get_run_or_404
from qframe.scoring.models import ScoreRun
from qframe.scoring.queries import FLAG_WORDS, indicators_of, is_latest
from qframe.scoring.runs import finalise_run, score_period
from qframe.variation.funnel_page import funnel_context
from qframe.web import confirmations
from qframe.web.confirm import confirmation_page, wants_review
from qframe.web.files import csv_download

bp = Blueprint("scoring_manage", __name__, url_prefix="/scoring/manage")
PAGE = 50
LEVEL_KINDS = {"provider": PROVIDER_KINDS, "service_line": ("service_line",), "ward": ("ward",)}


def _int(name: str) -> int:
    value = request.form.get(name, "")
    if not value.isdigit():
        abort(400)
    return int(value)


@bp.get("/")
@requires("manage_scoring")
def index():
    frameworks = [
        f
        for f in db.session.scalars(
            select(Framework)
            .where(Framework.status.in_(("published", "closed")))
            .order_by(Framework.code, Framework.version.desc())
        )
        if can_manage(current_user, f)
    ]
    ids = [f.id for f in frameworks]
    with_data = db.session.execute(
        select(Measurement.framework_id, Period, func.count())
        .join(Period, Period.id == Measurement.period_id)
        .where(Measurement.framework_id.in_(ids))
        .group_by(Measurement.framework_id, Period.id)
        .order_by(Period.start_date)
    ).all()
    runs: dict[tuple[int, int], ScoreRun] = {}
    for run in db.session.scalars(
        select(ScoreRun).where(ScoreRun.framework_id.in_(ids)).order_by(ScoreRun.version)
    ):
        runs[(run.framework_id, run.period_id)] = run
    periods: dict[int, list[tuple[Period, int]]] = {}
    for framework_id, period, count in with_data:
        periods.setdefault(framework_id, []).append((period, count))
    _add_scored_and_year_periods(frameworks, periods, runs)
    return render_template(
        "scoring/manage/index.html", frameworks=frameworks, periods=periods, runs=runs
    )


def _add_scored_and_year_periods(
    frameworks: list[Framework],
    periods: dict[int, list[tuple[Period, int]]],
    runs: dict[tuple[int, int], ScoreRun],
) -> None:
    """Also list each framework's whole year and any scored period without data of its own."""
    years = {p.label: p for p in db.session.scalars(select(Period).where(Period.kind == "year"))}
    for framework in frameworks:
        rows = periods.setdefault(framework.id, [])
        listed = {period.id for period, _count in rows}
        extra = [run.period for (fid, _pid), run in runs.items() if fid == framework.id]
        if framework.year in years:
            extra.append(years[framework.year])
        for period in extra:
            if period.id not in listed:
                listed.add(period.id)
                rows.append((period, 0))
        rows.sort(key=lambda row: (row[0].start_date, -(row[0].end_date - row[0].start_date).days))


@bp.post("/score")
@requires("manage_scoring")
def score():
    framework = get_managed_framework_or_404(_int("framework_id"), current_user)
    period = db.session.get(Period, _int("period_id"))
    if period is None:
        raise NotFound("No such period")
    run = score_period(current_user, framework, period)
    flash(
        f"Scored {framework.code} {period.label}: version {run.version}, "
        f"{run.counts.get('scores', 0):,} scores.",
        "success",
    )
    return redirect(url_for("scoring_manage.overview", run_id=run.id))


def _managed_run(run_id: int) -> ScoreRun:
    run = get_run_or_404(run_id, current_user)
    if not can_manage(current_user, run.framework):
        raise NotFound("No such score run")
    return run


@bp.post("/runs/<int:run_id>/finalise")
@requires("manage_scoring")
def finalise(run_id: int):
    run = _managed_run(run_id)
    if wants_review() and run.status == "provisional":
        return confirmation_page(confirmations.finalise_scores(run))
    finalise_run(current_user, run)
    flash(f"Version {run.version} is final: it can no longer change.", "success")
    return redirect(url_for("scoring_manage.overview", run_id=run.id))


@bp.get("/runs/<int:run_id>")
@requires("manage_scoring")
def overview(run_id: int):
    run = get_run_or_404(run_id, current_user)
    domains, indicators = indicators_of(run.framework)
    setting = request.args.get("setting") or None
    domain = request.args.get("domain", type=int)
    icb = request.args.get("icb", type=int)
    columns = [i for i in indicators if domain is None or i.domain_id == domain]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    icbs = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == "commissioner", in_scope_clause(Organisation.id, current_user))
        .order_by(Organisation.name)
    ).all()
    heat = heat_page(run, current_user, columns, setting=setting, icb=icb, page=page)
    return render_template(
        "scoring/manage/overview.html",
        run=run,
        domains=domains,
        columns=columns,
        indicator_count=len(indicators),
        heat=heat,
        setting=setting,
        domain=domain,
        icb=icb,
        icbs=icbs,
        settings={k: KIND_LABELS[k] for k in PROVIDER_KINDS},
        page=page,
        latest=is_latest(run),
        manages=can_manage(current_user, run.framework),
    )


@bp.get("/runs/<int:run_id>/scores.csv")
@requires("read_score_exports")
def export(run_id: int):
    run = get_run_or_404(run_id, current_user)
    rows = score_rows(run, current_user)
    name = f"scores-{run.framework.code}-{run.period.label}-v{run.version}.csv"
    return csv_download(name.replace("/", "-").replace(" ", "-"), header(run), rows)


@bp.get("/runs/<int:run_id>/indicators/<int:indicator_id>")
@requires("manage_scoring")
def funnel(run_id: int, indicator_id: int):
    run = get_run_or_404(run_id, current_user)
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.framework_id != run.framework_id:
        raise NotFound("No such indicator in this run")
    levels = [lv for lv in ("provider", "service_line", "ward") if _at_or_above(lv, indicator)]
    level = request.args.get("level", "provider")
    level = level if level in levels else "provider"
    return render_template(
        "scoring/manage/funnel.html",
        run=run,
        indicator=indicator,
        words=FLAG_WORDS,
        level=level,
        levels=levels,
        **funnel_context(run, indicator, level, request.args, current_user),
    )


def _at_or_above(level: str, indicator: Indicator) -> bool:
    order = ("provider", "service_line", "ward")
    return order.index(level) <= order.index(indicator.level)


@bp.get("/calibrate/<int:framework_id>")
@requires("manage_scoring")
def calibration(framework_id: int):
    framework = get_managed_framework_or_404(framework_id, current_user)
    if not framework.is_draft:
        raise NotFound("Thresholds are calibrated on a draft framework")
    _domains, indicators = indicators_of(framework)
    chosen = request.args.get("indicator", type=int)
    indicator = next((i for i in indicators if i.id == chosen), None)
    result = None
    if indicator is not None and indicator.method == "threshold":
        low, high = (
            request.args.get("low_pct", 25.0, type=float),
            request.args.get("high_pct", 90.0, type=float),
        )
        result = calibrate(
            framework,
            indicator,
            request.args.get("lower", type=float),
            request.args.get("upper", type=float),
            (low, high),
        )
    return render_template(
        "scoring/manage/calibrate.html",
        framework=framework,
        indicators=[i for i in indicators if i.method == "threshold" and i.lower is not None]
        or indicators,
        indicator=indicator,
        result=result,
        args=request.args,
    )
