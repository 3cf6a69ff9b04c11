"""Problems in framework definitions: reading JSON text, checks before publishing, and diffs.

Pure: no Flask, no database. `publish_problems` and `diff_frameworks` take the plain dicts
that `qframe.frameworks.schemas.load_framework_json` returns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from qframe.engine.measure_types import known_measure
from qframe.engine.scoring_methods import known_scoring_method
from qframe.scoring.payment_models import known_payment_model

MAX_BYTES = 2_000_000
# root object → indicators list → indicator object → scoring object → composite_of list
MAX_DEPTH = 5
# Refused before parsing, so that a hostile file cannot exhaust the parser's recursion.
_HARD_DEPTH = 32
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
_MESSAGE = re.compile(r"([a-z_]+): (.*)", re.S)


@dataclass(frozen=True)
class Problem:
    """One problem: where (`indicators[3].scoring.lower`), a stable code, and a sentence."""

    path: str
    code: str
    message: str


def coded(code: str, text: str) -> str:
    """A validation message carrying its problem code, as `problems_from_messages` reads it."""
    return f"{code}: {text}"


class _ObjectWithDuplicates(dict):
    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    # json.loads keeps the last of two equal keys silently; remember them to refuse the file.
    counted = _ObjectWithDuplicates(obj)
    keys = [key for key, _ in pairs]
    counted.duplicates = tuple(dict.fromkeys(k for i, k in enumerate(keys) if k in keys[:i]))
    return counted


def read_json(source: str | bytes) -> tuple[Any, list[Problem]]:
    """Parse JSON text with exact decimals; return (value or None, problems)."""
    if isinstance(source, bytes | bytearray):
        if len(source) > MAX_BYTES:
            return None, [Problem("", "file_too_large", f"Larger than {MAX_BYTES} bytes.")]
        try:
            text = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            return None, [Problem("", "invalid_encoding", f"Not UTF-8 (byte {error.start}).")]
    else:
        text = source.removeprefix("\ufeff")
        if len(text) > MAX_BYTES:
            return None, [Problem("", "file_too_large", f"Larger than {MAX_BYTES} characters.")]
    deep = _too_deep_at(text)
    if deep is not None:
        where = _line_column(text, deep)
        return None, [Problem("", "too_deep", f"Nested more than {_HARD_DEPTH} levels {where}.")]
    try:
        value = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=Decimal,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as error:
        where = f"at line {error.lineno}, column {error.colno}"
        return None, [Problem("", "invalid_json", f"Not valid JSON: {error.msg} {where}.")]
    return value, _structure_problems(value, "", 1)


def _too_deep_at(text: str) -> int | None:
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in ("[", "{"):
            depth += 1
            if depth > _HARD_DEPTH:
                return token.start()
        elif char in ("]", "}"):
            depth -= 1
    return None


def _line_column(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    return f"at line {line}, column {position - text.rfind(chr(10), 0, position)}"


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _structure_problems(value: Any, path: str, depth: int) -> list[Problem]:
    if not isinstance(value, dict | list):
        return []
    if depth > MAX_DEPTH:
        return [Problem(path, "too_deep", f"Nested deeper than the format allows ({MAX_DEPTH}).")]
    problems = [
        Problem(_join(path, key), "duplicate_key", "This key appears twice in one object.")
        for key in getattr(value, "duplicates", ())
    ]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        problems.extend(_structure_problems(item, _join(path, key), depth + 1))
    return problems


def problems_from_messages(messages: Any, path: str = "") -> list[Problem]:
    """Flatten marshmallow's nested error messages ("code: sentence") into Problems."""
    if isinstance(messages, dict):
        found: list[Problem] = []
        for key, sub in messages.items():
            # "_schema" is the object itself; "key"/"value" are a Dict field's two halves.
            inner = path if key in ("_schema", "key", "value") else _join(path, key)
            found.extend(problems_from_messages(sub, inner))
        return found
    if isinstance(messages, list):
        return [p for m in messages for p in problems_from_messages(m, path)]
    match = _MESSAGE.fullmatch(str(messages))
    code, text = (match[1], match[2]) if match else ("invalid", str(messages))
    return [Problem(path, code, text)]


def tidy_problems(problems: list[Problem]) -> list[Problem]:
    """Drop repeats, and problems inside a value already reported as too deep."""
    deep = [p.path for p in problems if p.code == "too_deep"]

    def buried(p: Problem) -> bool:
        inside = (p.path == d or p.path.startswith((d + ".", d + "[")) for d in deep)
        return p.code != "too_deep" and any(inside)

    return list(dict.fromkeys(p for p in problems if not buried(p)))


def measure_errors(indicator: dict[str, Any]) -> dict[str, list[str]]:
    """Coded messages by field path for values that break the indicator's measure rules."""
    errors: dict[str, list[str]] = {}
    measure, polarity = indicator.get("measure"), indicator.get("polarity")
    scoring = indicator.get("scoring") or {}
    values = {f"scoring.{n}": scoring.get(n) for n in ("lower", "upper")}
    values["minimum_standard"] = indicator.get("minimum_standard")
    kind = known_measure(measure)
    percent = kind is not None and kind.percent
    non_negative = kind is not None and kind.non_negative
    for name, value in values.items():
        if value is not None and percent and not 0 <= value <= 100:
            message = coded("out_of_range", f"A {measure} is a percentage: 0 to 100.")
            errors.setdefault(name, []).append(message)
        elif value is not None and non_negative and value < 0:
            errors.setdefault(name, []).append(coded("negative", f"A {measure} is never < 0."))
    for worse, better in (("lower", "upper"), ("achievement_threshold", "benchmark")):
        if _reversed(polarity, scoring.get(worse), scoring.get(better)):
            message = coded("thresholds_reversed", _reversed_message(polarity, worse, better))
            errors.setdefault(f"scoring.{worse}", []).append(message)
    return errors


def _reversed_message(polarity: Any, worse: str, better: str) -> str:
    side = "below" if polarity == "higher_is_better" else "above"
    words = str(polarity).replace("_", " ")
    return f"{worse} must be {side} {better} when {words} (the thresholds run the wrong way)."


def _reversed(polarity: Any, worse: Decimal | None, better: Decimal | None) -> bool:
    if worse is None or better is None:
        return False
    if polarity == "higher_is_better":
        return worse > better
    return polarity == "lower_is_better" and worse < better


def publish_problems(data: dict[str, Any]) -> list[Problem]:
    """Return why a loaded framework cannot be published yet (empty when it can)."""
    problems: list[Problem] = []
    payment = data.get("payment") or {}
    model = payment.get("model")
    kind = known_payment_model(model)
    money = None if kind is None else kind.money_field
    if money and not _positive(payment.get(money)):
        problems.append(Problem(f"payment.{money}", "not_positive", "Must be set and > 0."))
    indicators = data.get("indicators") or []
    if not indicators:
        problems.append(Problem("indicators", "no_indicators", "Add at least one indicator."))
    for i, indicator in enumerate(indicators):
        problems.extend(_indicator_problems(indicator, f"indicators[{i}]", payment))
    if kind is not None and kind.weighted:
        problems.extend(_weight_problems(indicators))
    return problems


def _positive(value: Decimal | None) -> bool:
    return value is not None and value > 0


def _indicator_problems(ind: dict[str, Any], path: str, payment: dict[str, Any]) -> list[Problem]:
    problems = []
    scoring, measure = ind.get("scoring") or {}, ind.get("measure")
    method = known_scoring_method(scoring.get("method"))
    if method is not None and method.peer_scored:
        weight = scoring.get("weight")
        if weight is not None and not _positive(weight):  # none: equal weights in the domain
            problems.append(Problem(f"{path}.scoring.weight", "not_positive", "Set a weight > 0."))
    else:
        if not _positive(scoring.get("max_points")):
            problems.append(
                Problem(f"{path}.scoring.max_points", "not_positive", "Set max_points > 0.")
            )
        problems.extend(_threshold_problems(scoring, measure, ind.get("polarity"), path))
    kind = known_measure(measure)
    if kind is not None and kind.needs_multiplier and not _positive(ind.get("multiplier")):
        problems.append(Problem(f"{path}.multiplier", "missing_multiplier", "Set a multiplier."))
    if ind.get("prevalence_adjusted"):
        group = ind.get("group")
        if group not in (payment.get("national_prevalence") or {}):
            problems.append(
                Problem(
                    f"{path}.group",
                    "missing_prevalence",
                    f"Prevalence-adjusted, but no national prevalence for group {group}.",
                )
            )
    return problems


def _threshold_problems(
    scoring: dict[str, Any], measure: Any, polarity: Any, path: str
) -> list[Problem]:
    lower, upper = scoring.get("lower"), scoring.get("upper")
    if lower is None or upper is None:
        kind = known_measure(measure)
        if kind is None or not kind.banded:  # all-or-nothing types need no thresholds
            return []
        return [
            Problem(f"{path}.scoring.{name}", "missing_threshold", f"Set the {name} threshold.")
            for name, value in (("lower", lower), ("upper", upper))
            if value is None
        ]
    if _reversed(polarity, lower, upper):
        message = _reversed_message(polarity, "lower", "upper")
        return [Problem(f"{path}.scoring.lower", "thresholds_reversed", message)]
    return []


def _weight_problems(indicators: list[dict[str, Any]]) -> list[Problem]:
    weights = [ind.get("weight") for ind in indicators]
    if all(w is None for w in weights):
        return []  # equal weights by default
    problems = [
        Problem(f"indicators[{i}].weight", "missing_weight", "Other indicators have weights.")
        for i, w in enumerate(weights)
        if w is None
    ]
    total = sum((w for w in weights if w is not None), Decimal(0))
    if total != 1:
        problems.append(Problem("indicators", "weights_not_one", f"Weights add up to {total}."))
    return problems


class Change(NamedTuple):
    """One changed field: `code` is the indicator's, or None for a framework-level field."""

    code: str | None
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class FrameworkDiff:
    """Indicators added and removed (codes), and every changed field."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)


def diff_frameworks(old: dict[str, Any], new: dict[str, Any]) -> FrameworkDiff:
    """Compare two loaded frameworks field by field (equal decimals such as 50 and 50.0 match)."""
    changed = _changes(None, _flat_framework(old), _flat_framework(new))
    old_indicators = {ind["code"]: ind for ind in old.get("indicators") or []}
    new_indicators = {ind["code"]: ind for ind in new.get("indicators") or []}
    for code, indicator in new_indicators.items():
        if code in old_indicators:
            changed += _changes(code, _flat(old_indicators[code]), _flat(indicator))
    return FrameworkDiff(
        added=[code for code in new_indicators if code not in old_indicators],
        removed=[code for code in old_indicators if code not in new_indicators],
        changed=changed,
    )


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        if not (prefix == "" and key == "code"):
            flat.update(_flat(item, f"{prefix}.{key}" if prefix else key))
    return flat


def _flat_framework(data: dict[str, Any]) -> dict[str, Any]:
    rest = {k: v for k, v in data.items() if k not in ("indicators", "domains")}
    flat = _flat(rest)
    flat["code"] = data.get("code")
    for domain in data.get("domains") or []:
        flat[f"domains[{domain.get('code')}].title"] = domain.get("title")
    return flat


def _changes(code: str | None, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    names = list(dict.fromkeys([*old, *new]))
    return [Change(code, n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]
