"""Cross-field checks of a VBP framework (formats.md, VBP framework JSON). Pure.

Each problem is put where it belongs in marshmallow's nested messages, so that the report
names the JSON path (`indicators[3].scoring.composite_of`, `domains`, `vbp.baseline_period`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qframe.frameworks.validation import coded
from qframe.periods.labels import BadPeriod, parse_period


def _add(errors: dict[Any, Any], keys: tuple[Any, ...], message: str) -> None:
    where = errors
    for key in keys[:-1]:
        where = where.setdefault(key, {})
    where.setdefault(keys[-1], []).append(message)


def vbp_rule_errors(
    data: dict[str, Any], errors: dict[str, Any], indicator_errors: dict[int, Any]
) -> None:
    """Add every VBP rule broken by `data` to `errors` / `indicator_errors`."""
    indicators = data.get("indicators") or []
    methods = {i.get("code"): i.get("scoring", {}).get("method") for i in indicators}
    _baseline(data, errors)
    for index, indicator in enumerate(indicators):
        scoring = indicator.get("scoring") or {}
        if scoring.get("method") != "vbp":
            continue
        at, bm = scoring.get("achievement_threshold"), scoring.get("benchmark")
        if at is not None and bm is not None and at == bm:
            message = "A step (threshold equal to benchmark) is not a VBP scale."
            _add(indicator_errors, (index, "scoring", "benchmark"), coded("vbp_step", message))
        for stratum in scoring.get("composite_of") or []:
            if stratum == indicator.get("code") or stratum not in methods:
                message = f"No other indicator {stratum} in this framework."
                _add(
                    indicator_errors,
                    (index, "scoring", "composite_of"),
                    coded("unknown_stratum", message),
                )
            elif methods[stratum] != "vbp":
                message = f"{stratum} is not scored by the vbp method."
                _add(
                    indicator_errors,
                    (index, "scoring", "composite_of"),
                    coded("stratum_not_vbp", message),
                )
    _domains(data, errors, indicators)


def _baseline(data: dict[str, Any], errors: dict[str, Any]) -> None:
    label = (data.get("vbp") or {}).get("baseline_period")
    try:
        year = parse_period(data.get("year") or "")
    except BadPeriod:
        return  # the year's own error is reported
    if label is not None:
        baseline = parse_period(label)
        if baseline.end >= year.start:
            message = f"The baseline {label} must end before the framework year {year.label}."
            _add(errors, ("vbp", "baseline_period"), coded("baseline_not_before", message))


def _domains(data: dict[str, Any], errors: dict[str, Any], indicators: list[Any]) -> None:
    domains = data.get("domains") or []
    weights = [d.get("weight") for d in domains]
    if any(w is not None for w in weights):
        total = sum((w for w in weights if w is not None), Decimal(0))
        if total != 100 or None in weights:
            last = len(domains) - 1
            message = f"Domain weights add up to {total}; give every domain one, summing to 100."
            _add(errors, ("domains", last, "weight"), coded("weights_not_100", message))
    for index, domain in enumerate(domains):
        if not domain.get("consistency_points"):
            continue
        mine = [i for i in indicators if i.get("domain") == domain.get("code")]
        bare = [i.get("code") for i in mine if (i.get("scoring") or {}).get("floor") is None]
        if not mine or bare:
            named = ", ".join(bare) or "none"
            message = f"Consistency points need every measure's floor (missing: {named})."
            _add(errors, ("domains", index, "consistency_points"), coded("missing_floor", message))
    if data.get("vbp") is not None and not any(
        (i.get("scoring") or {}).get("method") == "vbp" for i in indicators
    ):
        _add(errors, ("vbp",), coded("not_applicable", "No indicator is scored by the vbp method."))
