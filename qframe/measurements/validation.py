"""Row validation shared by the CSV import, the JSON API and the entry forms. Pure.

A row arrives as text (CSV cells, JSON values turned into text, form fields) and leaves either
as a `ValidRow` of plain values or as problems with the row and column. Every problem is
reported, never only the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from qframe.csvio import parse_count
from qframe.engine.measure_types import measure_type
from qframe.errors import Problem
from qframe.measurements.extra_columns import DECIMAL, expected_of, ratio_shape, weight_of
from qframe.measurements.rows import (
    COLUMNS,
    COUNTS,
    FIELDS,
    KIND_EXAMPLE,
    KIND_WORDS,
    LEVEL_KINDS,
    LEVEL_WORDS,
    MAX_COMMENT,
    MAX_COUNT,
    MISSING_REASONS,
    STRATUM,
    Catalogue,
    IndicatorRef,
    OrgRef,
    RawRow,
    ValidRow,
    collection_kind,
)
from qframe.periods.labels import BadPeriod, PeriodSpec, parse_period

_NOT_FINITE = {"nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}


def validate_rows(rows: Iterable[RawRow], cat: Catalogue) -> tuple[list[ValidRow], list[Problem]]:
    """Every row checked against the catalogue; duplicates within the input are problems."""
    valid: list[ValidRow] = []
    problems: list[Problem] = []
    periods: dict[str, PeriodSpec | str] = {}
    seen: dict[tuple[str, ...], int] = {}
    for raw in rows:
        found: list[Problem] = []
        row = _check_row(raw, cat, periods, found)
        ident = tuple(raw.values.get(c, "").strip() for c in COLUMNS)
        first = seen.setdefault(ident, raw.row)
        if first != raw.row and all(ident):
            found.append(
                _p(
                    raw,
                    "duplicate_row",
                    f"Same organisation, indicator and period as row {first}: give each value once",
                    "org_code",
                )
            )
        problems += found
        if row is not None and not found:
            valid.append(row)
    return valid, problems


def _p(raw: RawRow, code: str, message: str, column: str) -> Problem:
    where = f"{raw.path}.{column}" if raw.path is not None else column
    return Problem(code, message, raw.row, where)


def _check_row(
    raw: RawRow, cat: Catalogue, periods: dict[str, PeriodSpec | str], found: list[Problem]
) -> ValidRow | None:
    v = {name: (raw.values.get(name) or "").strip() for name in FIELDS + STRATUM}
    for name in COLUMNS:
        if not v[name]:
            found.append(_p(raw, "required", f"{name} is required", name))
    org = _org(raw, v["org_code"], cat, found) if v["org_code"] else None
    ind = _indicator(raw, v["indicator_code"], cat, found) if v["indicator_code"] else None
    period = _period(raw, v["period"], cat, periods, found, ind) if v["period"] else None
    weight = weight_of(raw, v["weight"], ind, found)
    expected = expected_of(raw, v, ind, found)
    counts = {name: _count(raw, name, v[name], found) for name in COUNTS}
    comment = v["comment"] or None
    if comment is not None and len(comment) > MAX_COMMENT:
        found.append(_p(raw, "too_long", f"At most {MAX_COMMENT} characters", "comment"))
    missing = v["missing"] or None
    if missing is not None and missing not in MISSING_REASONS:
        found.append(
            _p(
                raw,
                "bad_missing",
                "missing is empty or one of " + ", ".join(MISSING_REASONS),
                "missing",
            )
        )
    value = None
    if ind is not None:
        value = _shape(raw, ind, v, counts, missing, found)
    if org is not None and ind is not None:
        _level(raw, org, ind, cat, found)
    if ind is not None and period is not None:
        wanted = collection_kind(cat.setting, ind.level, ind.frequency)
        if period.kind != wanted:
            found.append(
                _p(
                    raw,
                    "wrong_period_kind",
                    f"{ind.code} is collected "
                    f"{KIND_WORDS[wanted]} (e.g. {KIND_EXAMPLE[wanted]}), not "
                    f"{KIND_WORDS[period.kind]}",
                    "period",
                )
            )
    if org is not None and period is not None and org.in_scope:
        lock = cat.lock_for(org, period)
        if lock is not None:
            found.append(
                _p(
                    raw,
                    lock.code,
                    f"Entry for {org.code} in {period.label} is locked: {lock.reason}",
                    "period",
                )
            )
    if found or org is None or ind is None or period is None:
        return None
    return ValidRow(
        raw.row,
        org,
        ind,
        period,
        counts["numerator"],
        counts["denominator"],
        counts["exclusions"],
        value,
        missing,
        comment,
        weight,
        expected,
    )


def _org(raw: RawRow, code: str, cat: Catalogue, found: list[Problem]) -> OrgRef | None:
    org = cat.orgs.get(code)
    if org is not None and org.in_scope:
        return org
    if cat.sees_everything:
        found.append(_p(raw, "unknown_org", f"No organisation has code {code!r}", "org_code"))
    else:
        # Unknown and out-of-scope read the same, so the report does not reveal what exists.
        found.append(
            _p(
                raw,
                "org_not_in_scope",
                f"{code!r} is not an organisation you can "
                "submit for (unknown, or outside your scope)",
                "org_code",
            )
        )
    return None


def _indicator(raw: RawRow, code: str, cat: Catalogue, found: list[Problem]) -> IndicatorRef | None:
    ind = cat.indicators.get(code)
    if ind is None:
        if code in cat.retired:
            found.append(
                _p(
                    raw,
                    "retired_indicator",
                    f"{code} was retired: it is not in this "
                    f"version of {cat.framework} (last in version {cat.retired[code]})",
                    "indicator_code",
                )
            )
        else:
            found.append(
                _p(
                    raw,
                    "unknown_indicator",
                    f"{cat.framework} has no indicator {code!r}",
                    "indicator_code",
                )
            )
        return None
    if ind.data_source != "submitted" and not cat.allow_computed:
        found.append(
            _p(
                raw,
                "computed_indicator",
                f"{code} is computed from {ind.data_source} records; it cannot be submitted",
                "indicator_code",
            )
        )
        return None
    return ind


def _period(
    raw: RawRow,
    label: str,
    cat: Catalogue,
    cache: dict[str, PeriodSpec | str],
    found: list[Problem],
    ind: IndicatorRef | None = None,
) -> PeriodSpec | None:
    if label not in cache:
        try:
            parsed = parse_period(label)
        except BadPeriod as err:
            cache[label] = str(err)
        else:
            cache[label] = parsed
    spec = cache[label]
    if isinstance(spec, str):
        found.append(_p(raw, "bad_period", spec, "period"))
        return None
    baseline = cat.baseline is not None and ind is not None and ind.vbp
    if spec.year != cat.year and not (baseline and spec.year == cat.baseline):
        found.append(
            _p(
                raw,
                "period_outside_year",
                f"{spec.label} is not in {cat.framework}'s year {cat.year}",
                "period",
            )
        )
        return None
    if spec.start > cat.today:
        found.append(_p(raw, "future_period", f"{spec.label} has not started yet", "period"))
        return None
    return spec


def _count(raw: RawRow, name: str, text: str, found: list[Problem]) -> int | None:
    if not text:
        return None
    if (number := parse_count(text)) is not None:
        if number <= MAX_COUNT:
            return number
        found.append(_p(raw, "too_large", f"{name} is implausibly large", name))
        return None
    if text.startswith("-") and parse_count(text[1:]) is not None:
        found.append(_p(raw, "negative_count", f"{name} cannot be negative ({text})", name))
    elif text.lower() in _NOT_FINITE or "e" in text.lower():
        found.append(
            _p(
                raw,
                "not_a_count",
                f"{name} {text!r} is not a whole number: counts are "
                "written with the digits 0-9 only",
                name,
            )
        )
    elif re.fullmatch(r"-?[0-9]*\.[0-9]+", text, re.ASCII):
        found.append(_p(raw, "not_a_count", f"{name} {text!r} is not a whole number", name))
    else:
        found.append(
            _p(
                raw,
                "not_a_count",
                f"{name} {text!r} is not a count: use the digits "
                "0-9 only, no signs, spaces or separators",
                name,
            )
        )
    return None


def _shape(
    raw: RawRow,
    ind: IndicatorRef,
    v: Mapping[str, str],
    counts: Mapping[str, int | None],
    missing: str | None,
    found: list[Problem],
) -> Decimal | None:
    """Which fields the indicator's measure needs, and their values. Returns the value."""
    kind = measure_type(ind.measure)
    if kind.expected:
        ratio_shape(raw, ind, v, found)
        return None
    given = [n for n in (*COUNTS, "value") if v[n]]
    if missing is not None:
        for name in given:
            found.append(_p(raw, "not_allowed", f"A missing value has no {name}", name))
        return None
    if kind.counted:
        for name in ("numerator", "denominator"):
            if not v[name]:
                found.append(
                    _p(
                        raw,
                        "required",
                        f"{ind.code} is a {ind.measure}: {name} is required (or set missing)",
                        name,
                    )
                )
        if v["value"]:
            found.append(
                _p(
                    raw,
                    "not_allowed",
                    f"{ind.code} is a {ind.measure}: give numerator and denominator, not value",
                    "value",
                )
            )
        num, den = counts["numerator"], counts["denominator"]
        if kind.within_denominator and num is not None and den is not None and num > den:
            message = f"numerator {num} is more than denominator {den}"
            found.append(_p(raw, "numerator_exceeds_denominator", message, "numerator"))
        return None
    for name in COUNTS:
        if v[name]:
            found.append(
                _p(
                    raw,
                    "not_allowed",
                    f"{ind.code} is a {ind.measure}: give value only, not {name}",
                    name,
                )
            )
    text = v["value"]
    if not text:
        found.append(
            _p(
                raw,
                "required",
                f"{ind.code} is a {ind.measure}: value is required (or set missing)",
                "value",
            )
        )
        return None
    if kind.shown_as == "yes_no":  # typed 1 or 0; a count is typed whole
        if text not in ("0", "1"):
            found.append(_p(raw, "bad_yes_no", "A yes/no value is 1 (yes) or 0 (no)", "value"))
            return None
        return Decimal(text)
    if kind.shown_as == "count":
        size = _count(raw, "value", text, found)
        return None if size is None else Decimal(size)
    if not DECIMAL.fullmatch(text):
        found.append(
            _p(
                raw,
                "not_a_number",
                f"value {text!r} is not a plain decimal number "
                "(like 12.5; no exponents, NaN or infinity)",
                "value",
            )
        )
        return None
    return Decimal(text)


def _level(
    raw: RawRow, org: OrgRef, ind: IndicatorRef, cat: Catalogue, found: list[Problem]
) -> None:
    if org.kind not in LEVEL_KINDS.get(ind.level, ()):
        found.append(
            _p(
                raw,
                "wrong_level",
                f"{ind.code} is measured for "
                f"{LEVEL_WORDS.get(ind.level, ind.level)}; {org.code} is a "
                f"{org.kind.replace('_', ' ')}",
                "org_code",
            )
        )
    elif cat.setting != "mixed" and org.provider_kind != cat.setting:
        found.append(
            _p(
                raw,
                "wrong_setting",
                f"{cat.framework} is for {cat.setting} "
                f"providers; {org.code} belongs to a "
                f"{(org.provider_kind or 'unknown').replace('_', ' ')} provider",
                "org_code",
            )
        )
