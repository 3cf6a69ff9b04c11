"""A framework version as FHIR Measures (one per indicator) in a collection Bundle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measure import Measure

from qframe.engine.measure_types import measure_type
from qframe.fhir.codes import (
    FRAMEWORK_SYSTEM,
    IMPROVEMENT,
    IMPROVEMENT_SYSTEM,
    INDICATOR_SYSTEM,
    POPULATION_SYSTEM,
    SCORING_SYSTEM,
    STATUS,
    ext_url,
    full_url,
    measure_url,
    period_json,
    resource_id,
    scoring_code,
)
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.periods.labels import parse_period

# Indicator column → (extension name, FHIR value type). Documented in the README.
DECIMALS = {
    "max_points": "max-points",
    "lower": "lower-threshold",
    "upper": "upper-threshold",
    "vbp_weight": "vbp-weight",
    "achievement_threshold": "achievement-threshold",
    "benchmark": "benchmark",
    "floor": "floor",
    "minimum_standard": "minimum-standard",
    "multiplier": "multiplier",
    "weight": "payment-weight",
}
CODES = {"measure": "measure-type", "method": "scoring-method", "level": "level"}
CODES_OPTIONAL = {"data_source": "data-source", "frequency": "frequency"}
# Domain column → (sub-extension name, FHIR value type), only when set (VBP rules).
DOMAIN_PARTS = {
    "weight": ("weight", "Decimal"),
    "min_measures": ("min-measures", "Integer"),
    "consistency_points": ("consistency-points", "Decimal"),
}
# Framework JSON `vbp.<key>` → (sub-extension of `framework`, FHIR value type).
VBP_PARTS = {
    "baseline_period": ("baseline-period", "String"),
    "min_domains": ("min-domains", "Integer"),
}
STRINGS = {"group": "indicator-group", "unit": "unit"}
CRITERIA = {
    "numerator": "Patients or events meeting the indicator, as submitted by the provider",
    "denominator": "The eligible population, net of exclusions, as submitted",
    "denominator-exclusion": "Exclusions (personalised care adjustments), recorded beside it",
    "initial-population": "Patients on the register, as submitted",
    "measure-population": "The organisations reporting the value",
    "measure-observation": "The value as submitted",
}


def _ext(name: str, kind: str, value: Any) -> dict[str, Any]:
    return {"url": ext_url(name), f"value{kind}": value}


def _population(code: str) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": POPULATION_SYSTEM, "code": code}]},
        "criteria": {"language": "text/plain", "expression": CRITERIA[code]},
    }


def population_codes(measure: str) -> tuple[str, ...]:
    """The FHIR populations of a qframe measure type."""
    return measure_type(measure).fhir_populations


def indicator_extensions(indicator: Indicator) -> list[dict[str, Any]]:
    """Everything qframe scores with that FHIR Measure has no element for."""
    out = [_ext(name, "Code", getattr(indicator, col)) for col, name in CODES.items()]
    for col, name in CODES_OPTIONAL.items():
        if getattr(indicator, col) not in (None, "submitted"):
            out.append(_ext(name, "Code", getattr(indicator, col)))
    for col, name in DECIMALS.items():
        value = getattr(indicator, col)
        if value is not None:
            out.append(_ext(name, "Decimal", Decimal(value)))
    for col, name in STRINGS.items():
        if getattr(indicator, col):
            out.append(_ext(name, "String", getattr(indicator, col)))
    if indicator.min_denominator is not None:
        out.append(_ext("min-denominator", "Integer", indicator.min_denominator))
    if indicator.prevalence_adjusted:
        out.append(_ext("prevalence-adjusted", "Boolean", True))
    # A composite's strata, one repeated extension each, in order.
    out += [_ext("composite-of", "String", code) for code in indicator.composite_of or []]
    out.append({"url": ext_url("domain"), "extension": _domain_parts(indicator.domain)})
    return out


def _domain_parts(domain: FrameworkDomain) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [
        {"url": "code", "valueString": domain.code},
        {"url": "title", "valueString": domain.title},
    ]
    for column, (name, kind) in DOMAIN_PARTS.items():
        value = getattr(domain, column)
        if value is not None:
            parts.append({"url": name, f"value{kind}": _typed(kind, value)})
    return parts


def _typed(kind: str, value: Any) -> Any:
    return Decimal(value) if kind == "Decimal" else int(value) if kind == "Integer" else value


def framework_extension(framework: Framework) -> dict[str, Any]:
    """The framework a Measure belongs to (code, version, title, year, setting, payment, vbp)."""
    parts: list[dict[str, Any]] = [
        {"url": "code", "valueString": framework.code},
        {"url": "version", "valueInteger": framework.version},
        {"url": "title", "valueString": framework.title},
        {"url": "year", "valueString": framework.year},
        {"url": "setting", "valueCode": framework.setting},
        {"url": "payment-model", "valueCode": framework.payment_model},
    ]
    for key, (name, kind) in VBP_PARTS.items():
        value = (framework.vbp or {}).get(key)
        if value is not None:
            parts.append({"url": name, f"value{kind}": _typed(kind, value)})
    # Every domain in order, so that a domain without indicators survives a round trip.
    for domain in sorted(framework.domains, key=lambda d: d.position):
        parts.append({"url": "domain", "extension": _domain_parts(domain)})
    return {"url": ext_url("framework"), "extension": parts}


def measure_resource(framework: Framework, indicator: Indicator) -> dict[str, Any]:
    """One indicator as a FHIR Measure (a plain dict with exact Decimals), validated."""
    year = parse_period(framework.year)
    resource: dict[str, Any] = {
        "resourceType": "Measure",
        "id": resource_id(framework.code, indicator.code),
        "extension": [framework_extension(framework), *indicator_extensions(indicator)],
        "url": measure_url(framework.code, indicator.code),
        "identifier": [{"system": f"{INDICATOR_SYSTEM}/{framework.code}", "value": indicator.code}],
        "version": str(framework.version),
        "name": resource_id(indicator.code).replace("-", "_").replace(".", "_"),
        "title": indicator.title,
        "status": STATUS[framework.status],
        "effectivePeriod": period_json(year),
        "scoring": {
            "coding": [{"system": SCORING_SYSTEM, "code": scoring_code(indicator.measure)}]
        },
        "improvementNotation": {
            "coding": [{"system": IMPROVEMENT_SYSTEM, "code": IMPROVEMENT[indicator.polarity]}]
        },
        "group": [
            {"population": [_population(code) for code in population_codes(indicator.measure)]}
        ],
    }
    if framework.owner is not None:
        resource["publisher"] = framework.owner.name
    if indicator.description:
        resource["description"] = indicator.description
    if indicator.rationale:
        resource["rationale"] = indicator.rationale
    Measure.model_validate(resource)
    return resource


def framework_bundle(framework: Framework) -> dict[str, Any]:
    """The framework version as a collection Bundle of its Measures, in indicator order."""
    indicators = sorted(framework.indicators, key=lambda i: i.position)
    bundle = {
        "resourceType": "Bundle",
        "id": resource_id(framework.code, f"v{framework.version}"),
        "identifier": {"system": FRAMEWORK_SYSTEM, "value": framework.code},
        "type": "collection",
        "entry": [
            {"fullUrl": full_url(r["url"], r["version"]), "resource": r}
            for i, r in ((i, measure_resource(framework, i)) for i in indicators)
        ],
    }
    Bundle.model_validate(bundle)
    return bundle
