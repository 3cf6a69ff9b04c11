"""The stored ladder's CUSUM evidence, worked by hand (issue 13, domain.md §7 "Drift").

S1 (VTE risk assessment, higher is better) has 100 patients a quarter at trust A and a
reference target of 90% in every run, so the bad outcome's reference rate p0 = 0.1. Each
quarter adds W = x·ln 2 − 100·ln(1 + 0.1) = 0.693147·x − 9.53102 for x bad outcomes.
Trust A has 4 indicators, so the simulation's run length is max(40, 4·4/0.04) = 400 quarters.
Siegmund for n = 100 (mean −2.59955, sd 3·ln 2 = 2.07944, δ = −1.25012): b = 2.8548, h = sd·(b −
1.166) ≈ 3.51. The runs store no τ², so the assumed τ² = 0.02² scales the chart for
between-provider variation (issue 13): n_eff = 100/(1 + 4·100·0.0004) = 86.21, each W × 0.86207,
and h for n_eff: mean −2.24099, sd √(86.21·0.09)·ln 2 = 1.93071, δ = −1.16070, h ≈ 3.56.

Sustained, 17 bad a quarter (17% is inside the 95% Wilson limit 17.44%, so never an alert):
W = 0.86207·2.2525 = 1.9418, S = 1.94, 3.88, 5.83: above h and rising in Q2 and Q3 → enhanced
support in Q3. One-quarter dip, 25 bad then 10, 10: W = 6.722, −2.241, −2.241; S = 6.72 (above
h, rising), 4.48 (falling), 2.24: never two rising quarters above h; Q1's alarm (25% > the
99.8% limit 23.0%) is a pocket (level 1), held one quarter, then steps down.
"""

from __future__ import annotations

import pytest

from qframe.engine.cusum import overdispersion_scale, siegmund_threshold
from qframe.escalation.services import evaluate_escalation, provider_history

Q = ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3"]


def _s1(bad: int, flag: str = "within") -> dict:
    return {"numerator": 100 - bad, "denominator": 100, "achievement": float(100 - bad),
            "flag": flag}  # fmt: skip


def _score(build, framework, tree, label: str, s1: dict) -> None:
    run = build.score(framework, label, {tree.trust_a: {"S1": s1}}, status="provisional")
    indicator = next(i for i in framework.indicators if i.code == "S1")
    run.stats = {str(indicator.id): {"provider": {"target": 0.9}}}


def _levels(framework, org):
    return [d.level for d in reversed(provider_history(framework, org))]


def test_the_threshold_the_ladder_uses_matches_the_hand_worked_value():
    assert siegmund_threshold(100, 0.1, 400) == pytest.approx(3.51, abs=0.01)
    scale = overdispersion_scale(100, 0.02**2)
    assert scale == pytest.approx(1 / 1.16)
    assert siegmund_threshold(100 * scale, 0.1, 400) == pytest.approx(3.56, abs=0.01)


def test_a_sustained_deterioration_escalates_to_enhanced_support_on_cusum_evidence(
    db, tree, framework, build
):
    for label in Q:
        _score(build, framework, tree, label, _s1(17))
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [0, 0, 2]
    latest = provider_history(framework, tree.trust_a)[0]
    assert any(
        line.startswith("CUSUM above its threshold and rising two periods running")
        and line.endswith(": S1")
        for line in latest.evidence["lines"]
    )


def test_a_one_quarter_dip_is_a_pocket_and_does_not_escalate(db, tree, framework, build):
    _score(build, framework, tree, Q[0], _s1(25, "alarm"))
    _score(build, framework, tree, Q[1], _s1(10))
    _score(build, framework, tree, Q[2], _s1(10))
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [1, 1, 0]
    for decision in provider_history(framework, tree.trust_a):
        assert not any("CUSUM" in line for line in decision.evidence["lines"])
