"""Issue 13: the ladder's history runs across framework years (indicators matched by code)."""

from __future__ import annotations

import json

from qframe.escalation.services import evaluate_escalation, provider_history
from qframe.frameworks.services import import_framework, parse_framework, publish_framework

ALARM = {"flag": "alarm"}
BREACH = {"breach": True, "achievement": 60.0, "points": 0.0}


def _next_year(build, tree):
    data = {**build.FRAMEWORK, "year": "2026/27"}
    return publish_framework(
        None, import_framework(None, parse_framework(json.dumps(data)), tree.icb)
    )


def _levels(framework, org):
    return [(d.period.label, d.level) for d in reversed(provider_history(framework, org))]


def test_an_alarm_at_the_end_of_one_year_repeated_in_the_next_is_enhanced_support(
    db, tree, framework, build
):
    # Q4 2025/26 alone: a pocket (level 1). Q1 2026/27 alone would also be a pocket; seen
    # together (same indicator code S1, two quarters running) it is the repeat-alarm trigger.
    build.score(framework, "2025/26 Q4", {tree.trust_a: {"S1": ALARM}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [("2025/26 Q4", 1)]
    following = _next_year(build, tree)
    build.score(following, "2026/27 Q1", {tree.trust_a: {"S1": ALARM}})
    evaluate_escalation(None, following)
    assert _levels(following, tree.trust_a) == [("2026/27 Q1", 2)]
    lines = provider_history(following, tree.trust_a)[0].evidence["lines"]
    assert any("same indicator two periods running: S1" in line for line in lines)
    # last year's decisions stay with last year's framework
    assert _levels(framework, tree.trust_a) == [("2025/26 Q4", 1)]


def test_a_breach_persisting_over_the_year_boundary_is_enhanced_support(db, tree, framework, build):
    build.score(framework, "2025/26 Q4", {tree.trust_a: {"E1": BREACH}})
    following = _next_year(build, tree)
    build.score(following, "2026/27 Q1", {tree.trust_a: {"E1": BREACH}})
    evaluate_escalation(None, following)
    assert _levels(following, tree.trust_a) == [("2026/27 Q1", 2)]


def test_without_last_years_evidence_the_first_quarter_stands_alone(db, tree, framework, build):
    following = _next_year(build, tree)
    build.score(following, "2026/27 Q1", {tree.trust_a: {"S1": ALARM}})
    evaluate_escalation(None, following)
    assert _levels(following, tree.trust_a) == [("2026/27 Q1", 1)]
