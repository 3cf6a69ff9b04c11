"""A provider's own award pages: what it was paid in approved runs, and why."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from qframe.auth.permissions import requires
from qframe.extensions import db
from qframe.rewards.award import (
    full_standards_pence,
    get_award_or_404,
    visible_awards,
    what_held_it_back,
)
from qframe.rewards.explain import REASON_WORDS
from qframe.rewards.reports import splits_of

bp = Blueprint("rewards_award", __name__, url_prefix="/rewards/award")


@bp.get("/")
@requires("read_own_awards")
def index():
    awards = list(db.session.scalars(visible_awards(current_user).limit(200)).unique())
    return render_template("rewards/award/index.html", awards=awards, words=REASON_WORDS)


@bp.get("/<int:line_id>")
@requires("read_own_awards")
def show(line_id: int):
    line = get_award_or_404(line_id, current_user)
    return render_template(
        "rewards/award/show.html",
        line=line,
        run=line.run,
        words=REASON_WORDS,
        held_back=what_held_it_back(line),
        full=full_standards_pence(line),
        splits=splits_of(line.run, [line.id]).get(line.id, []),
    )
