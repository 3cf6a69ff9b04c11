"""What the calibration simulates: every proportion the ladder judges at the provider."""

import json

from ladder_builders import FRAMEWORK

from qframe.engine.cusum import overdispersion_scale
from qframe.escalation.calibration import calibrate_ladder
from qframe.extensions import db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework


def test_ward_level_proportions_rolled_up_to_the_provider_are_simulated(tree, build):
    # The ladder reads each provider's own rows, including a ward indicator's rolled-up row
    # (escalation/signals.py). LQF has three proportions (S1, E1, E2) and one rate (S2); with
    # E2 measured on wards the simulation must still draw S1, E1 and E2 for both trusts (it
    # used to keep provider-level ones only, so CQF was simulated on 1 indicator of its 8).
    data = {**FRAMEWORK, "code": "LQW"}
    data["indicators"] = [
        {**i, "level": "ward"} if i["code"] == "E2" else i for i in FRAMEWORK["indicators"]
    ]
    framework = import_framework(None, parse_framework(json.dumps(data)), tree.icb)
    framework = publish_framework(None, framework)
    assert next(i for i in framework.indicators if i.code == "E2").level == "ward"
    counts = {"numerator": 900, "denominator": 1000, "achievement": 90.0}
    run = build.score(
        framework,
        "2025/26 Q1",
        {t: {c: counts for c in ("S1", "E1", "E2")} for t in (tree.trust_a, tree.trust_b)},
        status="provisional",
    )
    run.stats = {
        str(i.id): {"provider": {"target": 0.9, "tau2": 0.0004}}
        for i in framework.indicators
        if i.measure == "proportion"
    }
    db.session.flush()
    calibration = calibrate_ladder(framework, runs=2, seed=1)
    assert calibration.providers == 2
    assert calibration.indicators == 3


def test_the_cusum_counts_a_large_indicator_as_its_effective_size():
    # 1/(4 n_eff) = 1/(4n) + τ²: n = 30,000 a quarter and τ = 0.02 give
    # n_eff = 30,000 / (1 + 4 × 30,000 × 0.0004) = 30,000 / 49 = 612.24.
    assert 30_000 * overdispersion_scale(30_000, 0.0004) == 30_000 / 49
    assert overdispersion_scale(500, 0.0) == 1.0
