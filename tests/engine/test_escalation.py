import pytest

from qframe.engine.errors import InvalidRules
from qframe.engine.escalation import EscalationRules, ProviderPeriodSignals, evaluate_ladder

RULES = EscalationRules()


DOMAINS = (("AF007", "CL"), ("DM002", "CL"), ("SMOK002", "PH"), ("X", "CL"), ("Y", "PH"))


def period(label, alerts=(), alarms=(), breaches=(), indicators=10, overspend=None, cusum=()):
    return ProviderPeriodSignals(
        label, tuple(alerts), tuple(alarms), tuple(breaches), indicators, overspend,
        domains=DOMAINS, cusum=tuple(cusum),
    )  # fmt: skip


def levels(history, rules=RULES):
    return [d.level for d in evaluate_ladder(history, rules)]


@pytest.mark.parametrize(
    ("signals", "level"),
    [
        (period("Q1"), 0),
        (period("Q1", alerts=["AF007"]), 1),
        (period("Q1", breaches=[("AF007", "CL")]), 1),
        # issue 13: one alarm alone is a pocket of poor care; alarms in two domains at once
        # are the calibrated breadth trigger
        (period("Q1", alarms=["AF007"]), 1),
        (period("Q1", alarms=["AF007", "SMOK002"]), 2),
        (period("Q1", alarms=["AF007", "DM002"]), 1),
        (period("Q1", breaches=[("AF007", "CL"), ("DM002", "CL")]), 2),
        # the same indicator listed twice is still one indicator
        (period("Q1", breaches=[("AF007", "CL"), ("AF007", "CL")]), 1),
    ],
)
def test_one_period_triggers_the_level_of_its_strongest_signal(signals, level):
    (decision,) = evaluate_ladder([signals], RULES)
    assert (decision.level, decision.triggered_level) == (level, level)


def test_a_breach_that_persists_for_two_periods_moves_to_enhanced_support():
    decisions = evaluate_ladder(
        [period("Q1", breaches=[("AF007", "CL")]), period("Q2", breaches=[("DM002", "CL")])], RULES
    )
    assert [d.level for d in decisions] == [1, 2]
    assert decisions[1].level_name == "enhanced support"
    assert any("not been met for 2 periods in a row" in e for e in decisions[1].evidence)


def test_wide_breaches_for_three_periods_in_a_row_move_to_intensive_support():
    # 3 of 10 indicators (30% ≥ 25%) across 2 domains, three periods running
    wide = [("AF007", "CL"), ("DM002", "CL"), ("SMOK002", "PH")]
    history = [period(q, breaches=wide) for q in ("Q1", "Q2", "Q3")]
    decisions = evaluate_ladder(history, RULES)
    assert [d.level for d in decisions] == [2, 2, 3]
    assert any("30% of indicators across 2 domains" in e for e in decisions[2].evidence)


def test_wide_breaches_in_one_domain_do_not_reach_intensive_support():
    narrow = [("AF007", "CL"), ("DM002", "CL"), ("DM003", "CL")]
    assert levels([period(q, breaches=narrow) for q in ("Q1", "Q2", "Q3", "Q4")]) == [2, 2, 2, 2]


def test_alerts_on_different_indicators_two_periods_running_stay_an_emerging_concern():
    # Issue 13: repeated 95% alerts are noise for a provider with many indicators.
    assert levels([period("Q1", alerts=["AF007"]), period("Q2", alerts=["DM002"])]) == [1, 1]


def test_the_same_alarm_two_periods_running_moves_to_enhanced_support():
    decisions = evaluate_ladder([period("Q1", alarms=["X"]), period("Q2", alarms=["X"])], RULES)
    assert [d.level for d in decisions] == [1, 2]
    assert any("same indicator two periods running: X" in e for e in decisions[1].evidence)


def test_cusum_held_two_periods_moves_to_enhanced_support_and_one_period_does_not():
    once = [period("Q1", cusum=["X"]), period("Q2")]
    held = [period("Q1", cusum=["X"]), period("Q2", cusum=["X"])]
    assert levels(once) == [0, 0]
    assert levels(held) == [0, 2]


def test_held_cusum_on_a_quarter_of_indicators_across_two_domains_is_intensive_support():
    # 3 of 10 indicators (30% ≥ 25%) in CL and PH, each held two periods running
    drift = ["AF007", "DM002", "SMOK002"]
    assert levels([period("Q1", cusum=drift), period("Q2", cusum=drift)]) == [0, 3]


def test_support_steps_down_only_after_triggers_have_cleared_for_two_periods():
    history = [period("Q1", alarms=["AF007", "SMOK002"]), period("Q2"), period("Q3"), period("Q4")]
    decisions = evaluate_ladder(history, RULES)
    assert [(d.level, d.triggered_level) for d in decisions] == [(2, 2), (2, 0), (0, 0), (0, 0)]
    assert any("stays at enhanced support" in e for e in decisions[1].evidence)
    assert any("steps down to routine" in e for e in decisions[2].evidence)


def test_stepping_down_goes_to_the_highest_level_still_triggered_in_the_window():
    history = [period("Q1", alarms=["X", "Y"]), period("Q2"), period("Q3", alerts=["Y"])]
    history += [period("Q4"), period("Q5")]
    # Q3's window (0, 1) is below 2, so step to 1; level 1 then needs Q4 and Q5 clear
    assert levels(history) == [2, 2, 1, 1, 0]


def test_a_new_trigger_during_the_clearing_period_escalates_at_once():
    history = [period("Q1", alerts=["X"]), period("Q2"), period("Q3", alarms=["X", "Y"])]
    assert levels(history) == [1, 1, 2]


def test_every_threshold_of_the_ladder_is_configurable():
    rules = EscalationRules(alert_level1_count=2, clear_periods_to_step_down=1)
    history = [period("Q1", alerts=["X"]), period("Q2", alerts=["X", "Y"]), period("Q3")]
    assert levels(history, rules) == [0, 1, 0]


def test_overspend_is_shown_beside_the_level_without_changing_it():
    decisions = evaluate_ladder([period("Q1", overspend=7.5), period("Q2", overspend=4.0)], RULES)
    assert [d.level for d in decisions] == [0, 0]
    assert "7.5% over budget" in decisions[0].financial_signal
    assert decisions[1].financial_signal is None


@pytest.mark.parametrize(
    "change",
    [
        {"alert_level1_count": -1},
        {"persist_periods_level2": 0},
        {"level3_breach_share": 1.5},
        {"level3_breach_share": 0.0},
        {"overspend_percent": -2.0},
    ],
)
def test_unusable_ladder_settings_are_refused(change):
    with pytest.raises(InvalidRules):
        EscalationRules(**change).validate()
    with pytest.raises(InvalidRules):
        evaluate_ladder([period("Q1")], EscalationRules(**change))
