"""Scoring pages for providers, service lines and wards: scorecards, CSV, SPC charts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.permissions import can, in_scope_clause, requires
from qframe.errors import NotFound
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.charts import bar_chart, trend_chart
from qframe.scoring.export import header, score_rows
from qframe.scoring.lookup import framework_visible, get_run_or_404, get_scored_org_or_404
from qframe.scoring.models import Score, ScoreRun
from qframe.scoring.queries import is_latest, scorecard, trend
from qframe.scoring.vbp_card import vbp_card
from qframe.scoring.ward import ward_charts
from qframe.variation.small_units import FLAG_WORDS as SMALL_UNIT_RULE
from qframe.variation.small_units import MIN_PEERS, practice_estimates, ward_estimates
from qframe.web.access import login_required
from qframe.web.files import csv_download

bp = Blueprint("scoring", __name__, url_prefix="/scoring")
CARD_KINDS = (*PROVIDER_KINDS, "service_line")


def latest_runs() -> list[ScoreRun]:
    """The newest run of each published framework and period, newest period first."""
    runs = db.session.execute(
        select(ScoreRun, Framework, Period)
        .join(Framework, Framework.id == ScoreRun.framework_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(Framework.status.in_(("published", "closed")))
        .order_by(Period.start_date.desc(), Framework.code, ScoreRun.version.desc())
    ).all()
    seen, out = set(), []
    for run, _framework, _period in runs:
        if (run.framework_id, run.period_id) not in seen:
            seen.add((run.framework_id, run.period_id))
            out.append(run)
    return out


@bp.get("/")
@login_required
def index():
    every = latest_runs()
    # Another ICB's runs are neither listed nor openable.
    visible = {f.id for f in {r.framework for r in every} if framework_visible(current_user, f)}
    runs = [r for r in every if r.framework_id in visible]
    cards: dict[int, list[Organisation]] = {}
    wards: list[Organisation] = []
    if can(current_user, "see_provider_cards") and runs:
        rows = db.session.execute(
            select(Score.run_id, Organisation)
            .join(Organisation, Organisation.id == Score.organisation_id)
            .where(
                Score.run_id.in_([r.id for r in runs]),
                Organisation.kind.in_(CARD_KINDS),
                in_scope_clause(Score.organisation_id, current_user),
            )
            .distinct()
            .order_by(Organisation.code)
        ).all()
        for run_id, org in rows:
            cards.setdefault(run_id, []).append(org)
    if can(current_user, "see_ward_cards"):
        wards = list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == "ward", in_scope_clause(Organisation.id, current_user))
                .order_by(Organisation.code)
                .limit(200)
            )
        )
    return render_template("scoring/index.html", runs=runs, cards=cards, wards=wards)


def _card(run_id: int, org_id: int) -> tuple[ScoreRun, Organisation]:
    run = get_run_or_404(run_id, current_user)
    org = get_scored_org_or_404(org_id, current_user, CARD_KINDS)
    return run, org


@bp.get("/runs/<int:run_id>/orgs/<int:org_id>")
@requires("read_scorecards")
def scorecard_page(run_id: int, org_id: int):
    run, org = _card(run_id, org_id)
    blocks, totals = scorecard(run, org)
    if not blocks:
        raise NotFound(f"{org.name} was not scored in this run")
    points = sum(b.points for b in blocks)
    maximum = sum(b.max_points for b in blocks)
    bars = bar_chart([(b.domain.title, b.points, b.max_points) for b in blocks])
    history = trend(run, org)
    return render_template(
        "scoring/scorecard.html",
        run=run,
        org=org,
        blocks=blocks,
        totals=totals,
        points=points,
        maximum=maximum,
        bars=bars,
        trend=trend_chart(history, "Points achieved (% of maximum)") if history else None,
        history=history,
        latest=is_latest(run),
        vbp=vbp_card(run, org),
        estimates=practice_estimates(run, org),
        small_unit_rule=SMALL_UNIT_RULE,
        min_peers=MIN_PEERS,
    )


@bp.get("/runs/<int:run_id>/orgs/<int:org_id>/scores.csv")
@requires("read_scorecards")
def scorecard_csv(run_id: int, org_id: int):
    run, org = _card(run_id, org_id)
    rows = score_rows(run, current_user, org_id=org.id)
    name = f"scores-{run.framework.code}-{run.period.label}-{org.code}.csv"
    return csv_download(name.replace("/", "-").replace(" ", "-"), header(run), rows)


@bp.get("/wards/<int:ward_id>")
@requires("read_ward_scores")
def ward_page(ward_id: int):
    ward = get_scored_org_or_404(ward_id, current_user, ("ward",))
    return render_template(
        "scoring/ward.html",
        ward=ward,
        charts=ward_charts(ward),
        estimates=ward_estimates(ward),
        small_unit_rule=SMALL_UNIT_RULE,
        min_peers=MIN_PEERS,
    )
