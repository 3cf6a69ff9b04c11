"""Plain-English sentences about results, for lay readers (pure: plain values in, words out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qframe.engine.measure_types import known_measure, measure_type

FLAG_WORDS = {
    "alarm": "much worse than expected for its size (beyond the 99.8% limit)",
    "alert": "worse than expected for its size (beyond the 95% limit)",
    "within": "within the range expected",
    "better_alert": "better than expected for its size (beyond the 95% limit)",
    "better_alarm": "much better than expected for its size (beyond the 99.8% limit)",
    "small_numbers": "too few cases to judge",
    "no_data": "not assessed",
}
LEVEL_SENTENCES = (
    "{name} receives routine oversight from its commissioner.",
    "The commissioner has noted an emerging concern and offered {name} a local review.",
    "{name} is receiving enhanced support from its commissioner.",
    "{name} is receiving intensive support from its commissioner.",
)


def _round(value: float, places: int) -> str:
    """Half-up rounding, as people (and the `percent` filter) round: 70.25 → 70.3."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{exact:,.{places}f}"


def fmt(value: float | None, measure: str) -> str:
    """A result as people read it: 96.2% for proportions, 4.8 for rates, 1.02 for values."""
    if value is None:
        return "no result"
    shown_as = measure_type(measure).shown_as
    if shown_as == "percent":
        return f"{_round(value, 1)}%"
    if shown_as == "yes_no":
        return "yes" if value >= 50 else "no"
    if shown_as == "rate":
        return _round(value, 1 if abs(value) >= 1 else 2)
    return _round(value, 2 if abs(value) < 10 else 1)


def _unit(measure: str, unit: str | None) -> str:
    return f" {unit}" if unit and not measure_type(measure).percent else ""


def change_sentence(
    title: str,
    measure: str,
    unit: str | None,
    earlier: float | None,
    now: float | None,
    phrase: str = "",
    between: str = "",
) -> str | None:
    """e.g. 'Inpatient falls fell from 6.1 to 4.8 per 1,000 occupied bed days between 2025/26
    Q1 and 2025/26 Q4.' plus a benchmark phrase; None when there is no result now. Never a
    rank: results are compared with a benchmark by their interval (benchmark_phrase)."""
    if now is None:
        return None
    if earlier is None or fmt(earlier, measure) == fmt(now, measure):
        moved = f"was {fmt(now, measure)}" if earlier is None else f"stayed at {fmt(now, measure)}"
    else:
        verb = "rose" if now > earlier else "fell"
        moved = f"{verb} from {fmt(earlier, measure)} to {fmt(now, measure)}"
    when = f" {between}" if between else ""
    return f"{title} {moved}{_unit(measure, unit)}{when}{'; ' + phrase if phrase else ''}."


def benchmark_phrase(comparison: str, benchmark: str) -> str:
    """Fingertips words: better or worse only when the 95% interval excludes the benchmark."""
    words = {
        "better": f"better than the benchmark of {benchmark} (allowing for chance)",
        "worse": f"worse than the benchmark of {benchmark} (allowing for chance)",
        "similar": f"similar to the benchmark of {benchmark} once chance is allowed for",
        "higher": f"higher than the benchmark of {benchmark}",
        "lower": f"lower than the benchmark of {benchmark}",
    }
    return words.get(comparison, "")


def standard_sentence(name: str, met: int, short: Sequence[str]) -> str | None:
    """How many minimum standards were met, naming the ones that were not."""
    total = met + len(short)
    if total == 0:
        return None
    if not short:
        return f"{name} met all {total} minimum standards that apply to it."
    return (
        f"{name} met {met} of {total} minimum standards; it has not yet met the standard for "
        f"{_join(short)}."
    )


def support_sentence(name: str, level: int | None) -> str | None:
    if level is None:
        return None
    text = LEVEL_SENTENCES[level].format(name=name)
    if level >= 2:
        text += f" Responsibility for the quality of care stays with {name}'s own board."
    return text


def commitments_sentence(name: str, statuses: Sequence[str]) -> str | None:
    if not statuses:
        return None
    counts = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
    parts = [f"{n} {status}" for status, n in counts.items()]
    plural = "s" if len(statuses) != 1 else ""
    made = f"{name} has made {len(statuses)} local commitment{plural} to its population"
    return f"{made}: {_join(parts)}."


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def percent_codes(snapshot: Mapping[str, Any]) -> set[str]:
    """Codes of a snapshot's indicators whose results read as percentages (96.2%)."""
    kinds = {i["code"]: known_measure(i.get("measure")) for i in snapshot.get("indicators", [])}
    return {code for code, kind in kinds.items() if kind is not None and kind.shown_as == "percent"}
