"""The calibrated ladder's triggers on quarterly signals (domain.md §8, issue 13).

A pocket of poor care (one alert or alarm) is an emerging concern (level 1). Enhanced
support (level 2) needs evidence that something is sustained or broad: the CUSUM above its
threshold and rising two quarters running (the odds of the bad outcome have risen and stayed
up), an alarm on the same indicator two quarters running, or alarms in two or more domains at
once. Intensive support (level 3) needs such sustained CUSUM signals on a quarter or more of
the indicators across two or more domains within three quarters.
"""

from collections.abc import Sequence
from dataclasses import dataclass

TRIGGERS = {
    "alert_or_alarm": 1,
    "cusum": 2,
    "repeat_alarm": 2,
    "breadth": 2,
    "wide_cusum": 3,
}
WIDE_SHARE = 0.25
WIDE_WINDOW = 3


@dataclass(frozen=True, slots=True)
class QuarterSignals:
    """One provider's signals in one quarter: (indicator, domain) pairs; cusum lists the
    indicators whose CUSUM is above its threshold and rose this quarter."""

    alerts: tuple[tuple[str, str], ...]
    alarms: tuple[tuple[str, str], ...]
    cusum: tuple[tuple[str, str], ...]
    indicator_count: int


def quarter_triggers(history: Sequence[QuarterSignals], index: int) -> dict[str, tuple[str, ...]]:
    """The triggers that fire in quarter `index`, each with its evidence (indicator codes)."""
    now = history[index]
    fired: dict[str, tuple[str, ...]] = {}
    if now.alerts or now.alarms:
        fired["alert_or_alarm"] = tuple(sorted({c for c, _ in now.alerts + now.alarms}))
    held = _held(history, index)
    if held:
        fired["cusum"] = tuple(sorted({c for c, _ in held}))
    if index > 0:
        before = {c for c, _ in history[index - 1].alarms}
        again = sorted(before & {c for c, _ in now.alarms})
        if again:
            fired["repeat_alarm"] = tuple(again)
    if len({d for _, d in now.alarms}) >= 2:
        fired["breadth"] = tuple(sorted({c for c, _ in now.alarms}))
    first = max(0, index - WIDE_WINDOW + 1)
    drifting = {pair for i in range(first, index + 1) for pair in _held(history, i)}
    count = max(now.indicator_count, 1)
    if len(drifting) >= WIDE_SHARE * count and len({d for _, d in drifting}) >= 2:
        fired["wide_cusum"] = tuple(sorted(c for c, _ in drifting))
    return fired


def _held(history: Sequence[QuarterSignals], index: int) -> set[tuple[str, str]]:
    # Sustained: the CUSUM above its threshold and rising two quarters running (after a
    # pocket's one bad quarter the chart falls as soon as the next quarter is normal).
    if index == 0:
        return set()
    return set(history[index - 1].cusum) & set(history[index].cusum)


def ladder_levels(history: Sequence[QuarterSignals]) -> tuple[list[int], set[str]]:
    """Each quarter's triggered level and every trigger that fired in the run."""
    levels: list[int] = []
    seen: set[str] = set()
    for index in range(len(history)):
        fired = quarter_triggers(history, index)
        seen.update(fired)
        levels.append(max((TRIGGERS[name] for name in fired), default=0))
    return levels, seen
