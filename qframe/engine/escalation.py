"""The escalation ladder (domain.md §8, a qframe rule): levels, triggers, stepping down."""

from collections.abc import Sequence
from dataclasses import dataclass, fields

from qframe.engine.errors import InvalidInput, InvalidRules
from qframe.engine.signals_ladder import TRIGGERS, QuarterSignals, quarter_triggers

LEVEL_NAMES = ("routine", "emerging concern", "enhanced support", "intensive support")
_NOT_COUNTS = frozenset({"level3_breach_share", "overspend_percent"})


@dataclass(frozen=True, slots=True)
class EscalationRules:
    """The commissioner's ladder settings; defaults are domain.md's table."""

    alert_level1_count: int = 1
    breach_level1_count: int = 1
    breach_level2_indicators: int = 2
    persist_periods_level2: int = 2
    level3_breach_share: float = 0.25
    level3_min_domains: int = 2
    level3_consecutive_periods: int = 3
    clear_periods_to_step_down: int = 2
    overspend_percent: float = 5.0

    def validate(self) -> None:
        """Raise InvalidRules for counts below 1, shares outside (0, 1], or a negative %."""
        for f in fields(self):
            number = getattr(self, f.name)
            if f.name not in _NOT_COUNTS and (number != int(number) or number < 1):
                raise InvalidRules(f"{f.name} must be a whole number of at least 1")
        if not 0 < self.level3_breach_share <= 1:
            raise InvalidRules("level3_breach_share must be a share in (0, 1]")
        if not 0 <= self.overspend_percent < float("inf"):
            raise InvalidRules("overspend_percent must be a finite number >= 0")


@dataclass(frozen=True, slots=True)
class ProviderPeriodSignals:
    """What one provider's results showed in one period."""

    period: str
    alerts: tuple[str, ...]
    alarms: tuple[str, ...]
    breaches: tuple[tuple[str, str], ...]  # (indicator code, domain code)
    indicator_count: int
    overspend_percent: float | None = None
    # Alarms against limits without a reference population (domain.md §7): on their own
    # they raise a provider to level 1 at most, and do not count towards persistence.
    provisional_alarms: tuple[str, ...] = ()
    # Indicator code → domain code for the provider's indicators (breadth across domains), and
    # the indicators whose CUSUM is above its threshold and rose this period (issue 13).
    domains: tuple[tuple[str, str], ...] = ()
    cusum: tuple[str, ...] = ()

    def calibrated(self) -> QuarterSignals:
        """The period as the calibrated triggers (and the simulation) see it."""
        domain = dict(self.domains)

        def pairs(codes: Sequence[str]) -> tuple[tuple[str, str], ...]:
            return tuple((c, domain.get(c, "")) for c in codes)

        return QuarterSignals(
            pairs(self.alerts), pairs(self.alarms), pairs(self.cusum), self.indicator_count
        )


@dataclass(frozen=True, slots=True)
class LadderDecision:
    """The level held after a period, what the period alone triggered, and why."""

    period: str
    level: int
    triggered_level: int
    evidence: tuple[str, ...]
    financial_signal: str | None

    @property
    def level_name(self) -> str:
        """Return the support offered at this level, e.g. 'enhanced support'."""
        return LEVEL_NAMES[self.level]


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(sorted(codes))


def _triggers(s: ProviderPeriodSignals, r: EscalationRules) -> tuple[int, list[str], bool, bool]:
    """Return (level before persistence rules, evidence, level-3 pattern seen this period,
    whether provisional alarms were the only trigger)."""
    breached = sorted({code for code, _ in s.breaches})
    if s.indicator_count < len(breached):
        raise InvalidInput(f"{s.period}: more breached indicators than indicators")
    level, evidence = 0, []
    if s.provisional_alarms:
        level = 1
        evidence.append(
            "Provisional: results beyond the 99.8% limit with between-provider variation not "
            f"estimated (no reference population): {_codes(s.provisional_alarms)}"
        )
    provisional_only = bool(s.provisional_alarms)
    if len(s.alerts) >= r.alert_level1_count:
        level = 1
        evidence.append(f"Results outside the expected range (95% limit): {_codes(s.alerts)}")
    if len(breached) >= r.breach_level1_count:
        level = 1
        evidence.append(f"Minimum standard not yet met: {_codes(breached)}")
    if s.alarms:
        level = 1
        evidence.append(
            f"Results well outside the expected range (99.8%, reference population): "
            f"{_codes(s.alarms)}; one quarter's alarm alone is a pocket of poor care"
        )
    if len(breached) >= r.breach_level2_indicators:
        level = 2
        evidence.append(f"Minimum standards not yet met on {len(breached)} indicators")
    domains = {domain for _, domain in s.breaches}
    share = len(breached) / s.indicator_count if s.indicator_count else 0.0
    wide = share >= r.level3_breach_share and len(domains) >= r.level3_min_domains
    if provisional_only and len(evidence) > 1:
        provisional_only = False
    if wide:
        evidence.append(
            f"Minimum standards not yet met on {share:.0%} of indicators "
            f"across {len(domains)} domains"
        )
    return level, evidence, wide, provisional_only


def evaluate_ladder(
    history: Sequence[ProviderPeriodSignals], rules: EscalationRules
) -> tuple[LadderDecision, ...]:
    """Decide each period's level, oldest first; stepping down waits for triggers to clear."""
    rules.validate()
    decisions: list[LadderDecision] = []
    raw: list[int] = []
    wide_run = 0
    triggered_history: list[int] = []
    level = 0
    calibrated = [s.calibrated() for s in history]
    for index, signals in enumerate(history):
        triggered, evidence, wide, provisional_only = _triggers(signals, rules)
        fired = _calibrated(calibrated, index, rules, evidence)
        if fired > triggered:
            triggered = fired
        # Persistence counts minimum-standard breaches: a repeated alert or alarm is judged by
        # the calibrated triggers above (the same ones the simulation scores).
        raw.append(1 if signals.breaches else 0)
        wide_run = wide_run + 1 if wide else 0
        recent = raw[-rules.persist_periods_level2 :]
        persists = len(recent) == rules.persist_periods_level2 and min(recent) >= 1
        if persists and triggered < 2:
            triggered = 2
            evidence.append(
                f"A minimum standard has not been met for {len(recent)} periods in a row"
            )
        if wide_run >= rules.level3_consecutive_periods:
            triggered = 3
            evidence.append(f"This wide pattern has continued for {wide_run} periods in a row")
        triggered_history.append(triggered)
        window = triggered_history[-rules.clear_periods_to_step_down :]
        if triggered >= level:
            level = triggered
        elif len(window) == rules.clear_periods_to_step_down and max(window) < level:
            evidence.append(
                f"Triggers for {LEVEL_NAMES[level]} have eased for {len(window)} periods; "
                f"support steps down to {LEVEL_NAMES[max(window)]}"
            )
            level = max(window)
        else:
            evidence.append(
                f"Support stays at {LEVEL_NAMES[level]} until triggers have eased for "
                f"{rules.clear_periods_to_step_down} periods in a row"
            )
        decisions.append(
            LadderDecision(
                signals.period, level, triggered, tuple(evidence), _money(signals, rules)
            )
        )
    return tuple(decisions)


CALIBRATED_EVIDENCE = {
    "cusum": "CUSUM above its threshold and rising two periods running (the odds of a bad "
    "outcome have risen and stayed up)",
    "repeat_alarm": "A 99.8% alarm on the same indicator two periods running",
    "breadth": "99.8% alarms in two or more domains at once",
    "wide_cusum": "Sustained CUSUM signals on 25%+ of indicators across 2+ domains",
}


def _calibrated(
    history: Sequence[QuarterSignals], index: int, rules: EscalationRules, evidence: list[str]
) -> int:
    """The calibrated triggers (shared with the simulation) that fire: their level, evidence."""
    level = 0
    for name, codes in quarter_triggers(history, index).items():
        if name == "alert_or_alarm":
            continue  # a pocket: level 1, already in the evidence above
        level = max(level, TRIGGERS[name])
        evidence.append(f"{CALIBRATED_EVIDENCE[name]}: {_codes(codes)}")
    return level


def _money(s: ProviderPeriodSignals, r: EscalationRules) -> str | None:
    if s.overspend_percent is None or s.overspend_percent <= r.overspend_percent:
        return None
    return (
        f"Spending is {s.overspend_percent:.1f}% over budget (signal level "
        f"{r.overspend_percent:g}%); shown alongside quality, it does not change the level"
    )
