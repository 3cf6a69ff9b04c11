"""The Measurements CSV's optional decimal columns beyond formats.md. Pure.

`weight`: a composite stratum's weight (vbp indicators only). `expected`: a ratio's expected
count (observed / expected, e.g. SHMI): required, a plain decimal above 0, on an indicator whose
measure type takes an expected count, and refused on every other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from qframe.engine.measure_types import measure_type
from qframe.errors import Problem
from qframe.measurements.rows import COUNTS, IndicatorRef, RawRow

DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,10})?", re.ASCII)


def problem(raw: RawRow, code: str, message: str, column: str) -> Problem:
    """A problem at the row and column (a JSON path under the row's own path, if it has one)."""
    where = f"{raw.path}.{column}" if raw.path is not None else column
    return Problem(code, message, raw.row, where)


def weight_of(
    raw: RawRow, text: str, ind: IndicatorRef | None, found: list[Problem]
) -> Decimal | None:
    """A composite stratum's weight: a plain decimal >= 0, only on vbp indicators."""
    if not text:
        return None
    if ind is not None and not ind.vbp:
        found.append(
            problem(raw, "not_allowed", f"{ind.code} is not a vbp stratum: no weight", "weight")
        )
        return None
    if not DECIMAL.fullmatch(text) or text.startswith("-"):
        found.append(problem(raw, "bad_weight", f"weight {text!r} is not a decimal >= 0", "weight"))
        return None
    return Decimal(text)


def expected_of(
    raw: RawRow, v: Mapping[str, str], ind: IndicatorRef | None, found: list[Problem]
) -> Decimal | None:
    """A ratio's expected count: a plain decimal above 0; refused on other measure types."""
    text = v["expected"]
    if ind is None or not measure_type(ind.measure).expected:
        if text and ind is not None:
            message = f"{ind.code} is a {ind.measure}: only a ratio takes an expected count"
            found.append(problem(raw, "not_allowed", message, "expected"))
        return None
    if not text:
        if not v["missing"]:
            message = f"{ind.code} is a ratio: expected is required (or set missing)"
            found.append(problem(raw, "required", message, "expected"))
        return None
    if v["missing"]:
        found.append(problem(raw, "not_allowed", "A missing value has no expected", "expected"))
        return None
    if not DECIMAL.fullmatch(text) or text.startswith("-") or Decimal(text) == 0:
        message = f"expected {text!r} is not a plain decimal above 0 (like 1234.5)"
        found.append(problem(raw, "bad_expected", message, "expected"))
        return None
    return Decimal(text)


def ratio_shape(raw: RawRow, ind: IndicatorRef, v: Mapping[str, str], found: list[Problem]) -> None:
    """A ratio row's counts: the observed numerator is required; nothing else is given."""
    if v["missing"]:
        for name in (*COUNTS, "value"):
            if v[name]:
                found.append(problem(raw, "not_allowed", f"A missing value has no {name}", name))
        return
    if not v["numerator"]:
        message = f"{ind.code} is a ratio: numerator (the observed count) is required"
        found.append(problem(raw, "required", message, "numerator"))
    for name in ("denominator", "exclusions", "value"):
        if v[name]:
            message = f"{ind.code} is a ratio: give numerator and expected, not {name}"
            found.append(problem(raw, "not_allowed", message, name))
