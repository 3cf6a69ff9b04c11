"""The ladder simulated beside its settings (domain.md §8): false escalation and detection."""

from __future__ import annotations

from flask import render_template, request

from qframe.auth.permissions import requires
from qframe.errors import DomainError

from .calibration import DOMAIN_RATES, calibrate_ladder
from .cli import TRIGGER_WORDS, WORDS
from .views import _framework, bp

MAX_YEARS = 500


@bp.get("/<int:framework_id>/calibration")
@requires("manage_escalation")
def calibration(framework_id: int):
    framework = _framework()
    years = min(max(request.args.get("years", 100, type=int) or 100, 1), MAX_YEARS)
    seed = request.args.get("seed", 13, type=int) or 13
    result, problem = None, None
    try:
        result = calibrate_ladder(framework, runs=years, seed=seed)
    except DomainError as error:
        problem = error.message
    return render_template(
        "escalation/calibration.html",
        framework=framework,
        result=result,
        problem=problem,
        years=years,
        seed=seed,
        words=WORDS,
        trigger_words=TRIGGER_WORDS,
        targets=DOMAIN_RATES,
    )
