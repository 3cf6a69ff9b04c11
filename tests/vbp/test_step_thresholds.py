"""Equal lower and upper thresholds are a step: published, scored and drawn as one."""

from __future__ import annotations

import json

from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.services import import_csv
from qframe.periods.models import get_or_create_period
from qframe.scoring.export import score_rows
from qframe.scoring.runs import score_period

STEP = {
    "code": "STEP", "title": "Step", "year": "2025/26", "setting": "mixed",
    "payment": {"model": "contract_share", "stake_percent": "1"},
    "domains": [{"code": "CL", "title": "Clinical"}],
    "indicators": [
        {"code": "CVD-PP003(S)", "domain": "CL", "title": "Statin offered", "measure": "proportion",
         "polarity": "higher_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "threshold", "max_points": "4", "lower": "90", "upper": "90"}},
    ],
}  # fmt: skip


def test_a_step_threshold_is_published_scored_and_drawn_as_a_step(db, tree, client, login_as):
    framework = import_framework(None, parse_framework(json.dumps(STEP)), tree.icb)
    publish_framework(None, framework)
    a, b = tree.trust_a.code, tree.trust_b.code
    text = (
        "org_code,indicator_code,period,numerator,denominator\n"
        f"{a},CVD-PP003(S),2025/26,179,200\n{b},CVD-PP003(S),2025/26,180,200\n"
    )
    import_csv(None, framework, text.encode())
    run = score_period(None, framework, get_or_create_period("2025/26"))
    points = {row[0]: row[6] for row in score_rows(run)}
    # 179/200 = 89.5%: below the step, 0; 180/200 = 90%: at it, all 4 points.
    assert (points[a], points[b]) == ("0", "4")
    login_as("commissioner", [tree.icb])
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "A step: full points at 90% or above, none below" in page
    assert page.count("step at 90<") == 1
