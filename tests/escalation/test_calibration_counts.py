"""The calibration simulates rates and ratios (SHMI) too: the CLI and the page."""

import json

from ladder_builders import FRAMEWORK
from sqlalchemy import update

from qframe.escalation.calibration import calibrate_ladder
from qframe.extensions import db
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.scoring.models import Score

SHMI = {
    "code": "M1", "domain": "EXP", "title": "Summary Hospital-level Mortality Indicator",
    "measure": "ratio", "polarity": "lower_is_better", "level": "provider",
    "unit": "ratio of observed to expected deaths",
    "scoring": {"method": "threshold", "max_points": "10", "lower": "1.10", "upper": "0.95"},
    "minimum_standard": None, "min_denominator": None,
}  # fmt: skip


def _scored(tree, build, code="LQR", rate_stat=None):
    # LQF's three proportions (S1, E1, E2), its falls rate S2 and a SHMI ratio M1, scored for
    # two trusts for a quarter: 1,000 patients, 9,000 bed days, 80 expected deaths.
    data = {**FRAMEWORK, "code": code, "indicators": [*FRAMEWORK["indicators"], SHMI]}
    framework = import_framework(None, parse_framework(json.dumps(data)), tree.icb)
    framework = publish_framework(None, framework)
    counts = {"numerator": 900, "denominator": 1000, "achievement": 90.0}
    results = {
        t: {
            **{c: counts for c in ("S1", "E1", "E2")},
            "S2": {"numerator": 45, "denominator": 9000, "achievement": 5.0},
            "M1": {"numerator": 84, "achievement": 1.05},
        }
        for t in (tree.trust_a, tree.trust_b)
    }
    run = build.score(framework, "2025/26 Q1", results, status="provisional")
    by_code = {i.code: i for i in framework.indicators}
    db.session.execute(
        update(Score)
        .where(Score.run_id == run.id, Score.indicator_id == by_code["M1"].id)
        .values(expected=80.0)
    )
    stats = {
        str(by_code[c].id): {"provider": {"target": 0.9, "tau2": 0.0004}}
        for c in "S1 E1 E2".split()
    }
    stats[str(by_code["S2"].id)] = {
        "provider": rate_stat or {"target": 0.005, "tau2": 0.03, "phi": 1.8, "provisional": 0}
    }
    stats[str(by_code["M1"].id)] = {
        "provider": {"target": 1.0, "tau2": 0.0, "phi": 0.9, "provisional": 0}
    }
    run.stats = stats
    db.session.commit()
    return framework


def test_rates_and_ratios_are_simulated_with_their_own_spread(tree, build):
    framework = _scored(tree, build)
    calibration = calibrate_ladder(framework, runs=20, seed=1)
    assert (calibration.providers, calibration.indicators) == (2, 5)
    # τ² was estimated for every indicator (0 for the ratio: exact Poisson limits): none assumed.
    assert calibration.assumed_tau2 == ()
    assert calibration.assumed_words() == ""


def test_the_cli_names_a_provisional_rate_whose_spread_was_assumed(runner, tree, build):
    _scored(tree, build, rate_stat={"target": 0.005, "tau2": 0.0, "phi": None, "provisional": 1})
    result = runner.invoke(
        args=["escalation", "calibrate", "--framework", "LQR", "--years", "20", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "2 providers x 5 indicators from 2025/26 Q1 (3 proportions, 1 rate, 1 ratio)" in (
        result.output
    )
    assert "not estimated for S2 (tau = 0.1 assumed, log scale)" in result.output
    assert "odds or rate x 1/0.6" in result.output


def test_the_page_shows_the_rates_and_ratios_simulated(client, login_as, tree, build):
    framework = _scored(tree, build, rate_stat={"target": 0.005, "provisional": 1})
    login_as("commissioner", [tree.icb])
    html = client.get(f"/escalation/{framework.id}/calibration?years=5").get_data(as_text=True)
    assert "2 providers × 5 indicators" in html
    assert "(3 proportions, 1 rate, 1 ratio)" in html
    assert "S2 (τ = 0.1 assumed, log scale)" in html
    assert "Poisson counts" in html


def test_the_cli_help_says_rates_and_ratios_are_simulated(runner):
    result = runner.invoke(args=["escalation", "calibrate", "--help"])
    assert result.exit_code == 0
    assert "rates and ratios such as SHMI" in " ".join(result.output.split())
