"""A Bundle of FHIR Measures as a draft framework; what FHIR cannot say is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.measure import Measure
from pydantic import ValidationError

from qframe.auth.models import User
from qframe.engine.measure_types import known_measure
from qframe.errors import Problem, ValidationFailed
from qframe.fhir.codes import (
    INDICATOR_SYSTEM,
    POLARITY,
    dumps,
    ext_url,
    label_for,
    measure_for_scoring,
    parse_measure_url,
)
from qframe.fhir.measures import CODES_OPTIONAL, DECIMALS, DOMAIN_PARTS, STRINGS, VBP_PARTS
from qframe.fhir.problems import model_problems, plain, read_bundle
from qframe.frameworks.io import import_framework, latest_version, parse_framework
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation

REFUSED = "The Measure bundle was not accepted: nothing was imported"
# FHIR Measure has no element for payment: the draft gets this until a commissioner sets it.
PLACEHOLDER_PAYMENT = {
    "points": {"model": "points", "pound_per_point": "0"},
    "contract_share": {"model": "contract_share", "stake_percent": "0"},
}
# Indicator column → Framework JSON `scoring.<key>` (the rest sit on the indicator itself).
SCORING_KEYS = {
    "max_points": "max_points",
    "lower": "lower",
    "upper": "upper",
    "vbp_weight": "weight",
    "achievement_threshold": "achievement_threshold",
    "benchmark": "benchmark",
    "floor": "floor",
}
# Extensions that may repeat: read as a list of values, in order.
REPEATED = ("composite-of",)
_INDICATOR = re.compile(r"indicators\[(\d+)\]")


@dataclass
class MeasureImport:
    """The draft created and the notes on what the Measures could not carry."""

    framework: Framework
    notes: list[str] = field(default_factory=list)


def _codes(concept: Any) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [str(c.get("code")) for c in concept.get("coding") or [] if isinstance(c, dict)]


def _extensions(resource: dict[str, Any]) -> dict[str, Any]:
    """qframe's extensions by short name (value, or a dict of sub-extension values)."""
    prefix = ext_url("")
    out: dict[str, Any] = {}
    for ext in resource.get("extension") or []:
        url = ext.get("url", "") if isinstance(ext, dict) else ""
        if not url.startswith(prefix):
            continue
        name = url[len(prefix) :]
        if name in REPEATED:
            out.setdefault(name, []).append(_value(ext))
        elif "extension" in ext:
            out[name] = _complex(ext["extension"])
        else:
            out[name] = _value(ext)
    return out


def _complex(parts: list[Any]) -> dict[str, Any]:
    """Sub-extensions by url; a nested complex one (a framework's domains) as a list of dicts."""
    out: dict[str, Any] = {}
    for sub in parts:
        if not isinstance(sub, dict):
            continue
        if "extension" in sub:
            out.setdefault(f"{sub.get('url')}s", []).append(_complex(sub["extension"]))
        else:
            out[str(sub.get("url"))] = _value(sub)
    return out


def _value(ext: dict[str, Any]) -> Any:
    return next((v for k, v in ext.items() if k.startswith("value")), None)


def _indicator_code(resource: dict[str, Any]) -> str | None:
    for ident in resource.get("identifier") or []:
        if str(ident.get("system", "")).startswith(INDICATOR_SYSTEM) and ident.get("value"):
            return str(ident["value"])
    parsed = parse_measure_url(str(resource.get("url") or ""))
    return parsed[1] if parsed else (resource.get("name") or None)


def _indicator(resource: dict[str, Any], ext: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    code = _indicator_code(resource)
    scoring_codes = _codes(resource.get("scoring"))
    measure = ext.get("measure-type") or measure_for_scoring(
        scoring_codes[0] if scoring_codes else ""
    )
    improvement = _codes(resource.get("improvementNotation"))
    domain = ext.get("domain") or {"code": "MAIN", "title": "Measures"}
    item: dict[str, Any] = {
        "code": code,
        "domain": domain.get("code"),
        "title": resource.get("title") or code,
        "description": resource.get("description"),
        "rationale": resource.get("rationale"),
        "measure": measure,
        "polarity": POLARITY.get(improvement[0]) if improvement else None,
        "level": ext.get("level") or "provider",
        "scoring": {"method": ext.get("scoring-method") or "threshold"},
    }
    for column, name in CODES_OPTIONAL.items():
        if ext.get(name) is not None:
            item[column] = ext[name]
    for column, name in STRINGS.items():
        if ext.get(name) is not None:
            item[column] = ext[name]
    for column, name in DECIMALS.items():
        if ext.get(name) is None:
            continue
        if column in SCORING_KEYS:
            item["scoring"][SCORING_KEYS[column]] = ext[name]
        else:
            item[column] = ext[name]
    if ext.get("min-denominator") is not None:
        item["min_denominator"] = ext["min-denominator"]
    if ext.get("prevalence-adjusted"):
        item["prevalence_adjusted"] = True
    if ext.get("composite-of"):
        item["scoring"]["composite_of"] = ext["composite-of"]
    kind = known_measure(measure)
    if kind is not None and kind.needs_multiplier and ext.get("multiplier") is None:
        item["multiplier"] = Decimal(1)
        notes.append(f"{code}: a ratio without a multiplier; read as per 1, check it")
    if "measure-type" not in ext:
        notes.append(f"{code}: measure type read from FHIR scoring {scoring_codes or 'none'}")
    if "scoring-method" not in ext:
        notes.append(f"{code}: no thresholds or points in the Measure; set them in the draft")
    return {k: v for k, v in item.items() if v is not None}


def _framework_fields(first: dict[str, Any], ext: dict[str, Any]) -> dict[str, Any]:
    about = ext.get("framework") or {}
    year = about.get("year")
    period = first.get("effectivePeriod") or {}
    if year is None and period.get("start") and period.get("end"):
        try:
            year = label_for(date.fromisoformat(period["start"]), date.fromisoformat(period["end"]))
        except ValueError:
            year = None
    vbp = {key: about[name] for key, (name, _) in VBP_PARTS.items() if about.get(name) is not None}
    return {
        "code": about.get("code"),
        "title": about.get("title") or about.get("code"),
        "year": year,
        "setting": about.get("setting") or "mixed",
        "payment_model": about.get("payment-model") or "points",
        "vbp": vbp or None,
    }


def _domain(parts: dict[str, Any]) -> dict[str, Any]:
    """A domain's Framework JSON from its extension parts (code, title, VBP weights)."""
    domain = {"code": parts.get("code"), "title": parts.get("title") or parts.get("code")}
    for key, (name, _) in DOMAIN_PARTS.items():
        if parts.get(name) is not None:
            domain[key] = parts[name]
    return domain


def framework_data(source: bytes | str) -> tuple[dict[str, Any], list[str], list[int]]:
    """The Measure bundle as raw Framework JSON, notes, and the entry index of each indicator."""
    problems: list[Problem] = []
    envelope: dict[str, Any] = {}
    entries = read_bundle(source, problems, envelope) or []
    notes: list[str] = []
    indicators: list[dict[str, Any]] = []
    domains: dict[str, dict[str, Any]] = {}
    where: list[int] = []
    head: dict[str, Any] | None = None
    for i, resource in entries:
        location = f"entry[{i}].resource"
        if resource.get("resourceType") != "Measure":
            got = resource.get("resourceType")
            problems.append(
                Problem("wrong_resource_type", f"Expected a Measure, got {got!r}", column=location)
            )
            continue
        try:
            Measure.model_validate(plain(resource))
        except ValidationError as error:
            problems += model_problems(error, location)
            continue
        ext = _extensions(resource)
        fields = _framework_fields(resource, ext)
        if head is None:
            head = fields
        elif fields["code"] != head["code"]:
            problems.append(
                Problem(
                    "mixed_frameworks",
                    f"Measure of framework {fields['code']}, not {head['code']}",
                    column=f"{location}.extension",
                )
            )
        listed = (ext.get("framework") or {}).get("domains") or []
        for domain in [*listed, ext.get("domain") or {"code": "MAIN", "title": "Measures"}]:
            domains.setdefault(domain.get("code"), _domain(domain))
        indicators.append(_indicator(resource, ext, notes))
        where.append(i)
    if head is not None and not head["code"]:
        # A Measure bundle from another system: the Bundle's identifier names the framework.
        identifier = envelope.get("identifier")
        head["code"] = identifier.get("value") if isinstance(identifier, dict) else None
        head["title"] = head["title"] or head["code"]
        if not head["code"]:
            problems.append(
                Problem(
                    "required",
                    "Name the framework: give the Bundle an identifier.value (its code)",
                    column="identifier",
                )
            )
    if problems:
        raise ValidationFailed(REFUSED, problems)
    assert head is not None  # noqa: S101 - read_bundle refuses a bundle without entries
    model = head.pop("payment_model")
    if head["vbp"] is None:
        del head["vbp"]
    data = {
        **head,
        "payment": PLACEHOLDER_PAYMENT.get(model, {"model": model}),
        "domains": list(domains.values()),
        "indicators": indicators,
    }
    notes.insert(
        0,
        f"payment: FHIR Measure has no element for payment; the draft keeps the {model} model "
        "with nothing at stake (£0 per point, 0% of contract) until you set the amounts",
    )
    return data, notes, where


def import_measures(
    actor: User | None, source: bytes | str, owner: Organisation | None
) -> MeasureImport:
    """Create a draft framework from a Measure bundle (all or nothing; every problem located)."""
    data, notes, where = framework_data(source)
    try:
        loaded = parse_framework(dumps(data))
    except ValidationFailed as error:
        raise ValidationFailed(REFUSED, [_relocate(p, where) for p in error.problems]) from error
    if owner is None and actor is None:
        # The command line without --owner: a new version keeps its code's owner.
        latest = latest_version(loaded["code"])
        owner = latest.owner if latest is not None else None
    framework = import_framework(actor, loaded, owner, action="framework.import_fhir")
    return MeasureImport(framework, notes)


def _relocate(problem: Problem, where: list[int]) -> Problem:
    column = problem.column or ""
    match = _INDICATOR.match(column)
    if match and int(match[1]) < len(where):
        column = f"entry[{where[int(match[1])]}].resource" + column[match.end() :]
    return Problem(problem.code, problem.message, problem.row, column or None)
