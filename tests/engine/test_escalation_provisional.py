"""Issue 13: provisional alarms alone never raise a provider above level 1."""

from qframe.engine.escalation import EscalationRules, ProviderPeriodSignals, evaluate_ladder


def _period(label, alarms=(), provisional=(), alerts=()):
    return ProviderPeriodSignals(
        label, tuple(alerts), tuple(alarms), (), 5, None, tuple(provisional)
    )


def test_provisional_alarms_quarter_after_quarter_stay_at_level_one():
    history = [_period(q, provisional=("S1",)) for q in ("Q1", "Q2", "Q3")]
    decisions = evaluate_ladder(history, EscalationRules())
    assert [d.level for d in decisions] == [1, 1, 1]
    assert "Provisional" in decisions[0].evidence[0]


def test_an_alarm_against_a_reference_population_repeated_is_enhanced_support():
    history = [_period("Q1", alarms=("S1",)), _period("Q2", alarms=("S1",))]
    assert [d.level for d in evaluate_ladder(history, EscalationRules())] == [1, 2]


def test_provisional_alarms_do_not_count_as_a_repeated_alarm():
    history = [_period("Q1", provisional=("S1",)), _period("Q2", alarms=("S1",))]
    assert [d.level for d in evaluate_ladder(history, EscalationRules())] == [1, 1]
