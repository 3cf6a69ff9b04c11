"""The ladder worked out from score runs: levels, evidence, persistence, stepping down, money."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import DomainError
from qframe.escalation.models import EscalationDecision
from qframe.escalation.rules import save_settings
from qframe.escalation.services import evaluate_escalation, ladder, provider_history

Q = ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
ALERT = {"flag": "alert"}
ALARM = {"flag": "alarm"}
BREACH = {"breach": True, "achievement": 60.0, "points": 0.0}


def _levels(framework, org):
    return [(d.period.label, d.level) for d in reversed(provider_history(framework, org))]


def test_one_alert_is_an_emerging_concern_and_the_evidence_names_the_indicator(
    db, tree, framework, build
):
    build.score(framework, Q[0], {tree.trust_a: {"E2": ALERT}, tree.trust_b: {}})
    evaluate_escalation(None, framework)
    period, rows = ladder(framework)
    by_org = {r.organisation.id: r.decision for r in rows}
    assert period.label == Q[0]
    assert by_org[tree.trust_a.id].level == 1
    assert by_org[tree.trust_b.id].level == 0
    evidence = by_org[tree.trust_a.id].evidence
    assert evidence["alerts"] == ["E2"]
    assert any("E2" in line and "95%" in line for line in evidence["lines"])


def test_one_quarters_alarm_is_a_pocket_and_the_same_alarm_again_calls_for_enhanced_support(
    db, tree, framework, build
):
    # Issue 13: "any 99.8% alarm => level 2" put 68% of stable trusts on level 2 in a year.
    build.score(framework, Q[0], {tree.trust_a: {"S1": ALARM}})
    build.score(framework, Q[1], {tree.trust_a: {"S1": ALARM}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 1), (Q[1], 2)]
    latest = provider_history(framework, tree.trust_a)[0]
    assert any("same indicator two periods running: S1" in x for x in latest.evidence["lines"])


def test_alarms_in_two_domains_at_once_call_for_enhanced_support(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {"S1": ALARM, "E2": ALARM}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 2)]
    lines = provider_history(framework, tree.trust_a)[0].evidence["lines"]
    assert any("two or more domains at once: E2, S1" in line for line in lines)


def test_alerts_two_periods_running_stay_an_emerging_concern(db, tree, framework, build):
    # Persistence of 95% alerts is not a calibrated trigger (a provider with many indicators
    # has an alert in most quarters by chance); a breach that persists is.
    build.score(framework, Q[0], {tree.trust_a: {"E2": ALERT}})
    build.score(framework, Q[1], {tree.trust_a: {"E2": ALERT}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 1), (Q[1], 1)]


def test_a_breach_lasting_two_periods_becomes_enhanced_support(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {"S1": BREACH}})
    build.score(framework, Q[1], {tree.trust_a: {"S1": BREACH}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 1), (Q[1], 2)]
    latest = provider_history(framework, tree.trust_a)[0]
    assert any("2 periods in a row" in line for line in latest.evidence["lines"])


def test_wide_breaches_for_three_periods_call_for_intensive_support(db, tree, framework, build):
    # 2 of 4 indicators (50% ≥ 25%) across both domains, three quarters running.
    wide = {"S1": BREACH, "E1": BREACH}
    for label in Q[:3]:
        build.score(framework, label, {tree.trust_a: wide})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 2), (Q[1], 2), (Q[2], 3)]


def test_support_steps_down_only_after_two_clear_periods(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {"S1": ALARM, "E2": ALARM}})
    build.score(framework, Q[1], {tree.trust_a: {}})
    build.score(framework, Q[2], {tree.trust_a: {}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 2), (Q[1], 2), (Q[2], 0)]
    held = provider_history(framework, tree.trust_a)[1]
    assert held.triggered_level == 0
    assert any("until triggers have eased" in line for line in held.evidence["lines"])


def test_a_breach_on_a_ward_counts_for_its_provider(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {}, tree.ward_a: {"S1": BREACH}})
    evaluate_escalation(None, framework)
    decision = provider_history(framework, tree.trust_a)[0]
    assert decision.level == 1
    assert decision.evidence["breaches"] == ["S1"]
    assert {d.organisation_id for d in db.session.scalars(select(EscalationDecision))} == {
        tree.trust_a.id
    }


def test_only_the_latest_run_of_a_period_is_used(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {"S1": ALARM}}, status="provisional")
    build.score(framework, Q[0], {tree.trust_a: {}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 0)]


def test_overspend_is_shown_beside_the_level_without_changing_it(
    db, tree, framework, build, monkeypatch
):
    # Budgets report per budget holder (a ward here); the ladder reports it for the provider.
    monkeypatch.setattr(
        "qframe.escalation.signals.overspend_signals",
        lambda ids, year: {tree.ward_a.id: 9.5, tree.line_b.id: 1.0},
    )
    build.score(framework, Q[0], {tree.trust_a: {}, tree.trust_b: {}})
    evaluate_escalation(None, framework)
    a = provider_history(framework, tree.trust_a)[0]
    b = provider_history(framework, tree.trust_b)[0]
    assert a.level == 0
    assert "9.5% over budget" in a.financial_signal
    assert b.financial_signal is None


def test_changed_rules_change_the_stored_decisions(db, tree, framework, build, login_as):
    build.score(framework, Q[0], {tree.trust_a: {"E2": ALERT}})
    evaluate_escalation(None, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 1)]
    user = login_as("commissioner", [tree.icb])
    form = {
        "alert_level1_count": "2", "breach_level1_count": "1",
        "breach_level2_indicators": "2", "persist_periods_level2": "2",
        "level3_breach_percent": "25", "level3_min_domains": "2",
        "level3_consecutive_periods": "3", "clear_periods_to_step_down": "2",
        "overspend_percent": "5", "period_kind": "auto", "support_budget": "1000",
        "buddy_limit": "2", "packages": "",
    }  # fmt: skip
    save_settings(user, framework, form)
    evaluate_escalation(user, framework)
    assert _levels(framework, tree.trust_a) == [(Q[0], 0)]
    assert db.session.scalar(select(func.count()).select_from(EscalationDecision)) == 1


def test_evaluation_is_audited(db, tree, framework, build):
    build.score(framework, Q[0], {tree.trust_a: {"S1": ALARM, "E2": ALARM}})
    evaluate_escalation(None, framework)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "escalation.evaluate"))
    assert event.after["levels"] == {"enhanced support": 1}


def test_a_framework_without_score_runs_is_refused_in_words(db, framework):
    with pytest.raises(DomainError, match="no score runs"):
        evaluate_escalation(None, framework)
