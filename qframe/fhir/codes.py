"""Canonical URLs, code systems, qframe's extension URLs and exact FHIR JSON text."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

from qframe.engine.measure_types import measure_names, measure_type
from qframe.periods.labels import BadPeriod, PeriodSpec, parse_period

BASE = "https://qframe.nhs.uk/fhir"
FHIR_JSON = "application/fhir+json"
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
SCORING_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population"
INDICATOR_SYSTEM = f"{BASE}/Id/indicator"
FRAMEWORK_SYSTEM = f"{BASE}/Id/framework"


def scoring_code(measure: str) -> str:
    """The FHIR measure scoring of a measure type (the exact type travels in an extension)."""
    return measure_type(measure).fhir_scoring


def measure_for_scoring(code: str) -> str | None:
    """Read back when a Measure from another system has no measure-type extension: the first
    registered type with that scoring (proportion, rate, value, register for the HL7 codes)."""
    return next((n for n in measure_names() if measure_type(n).fhir_scoring == code), None)


IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease"}
POLARITY = {v: k for k, v in IMPROVEMENT.items()}
STATUS = {"draft": "draft", "published": "active", "closed": "retired"}
# The populations a counted measure reports, in order, and the Measurements CSV field each holds.
POPULATIONS = (
    ("numerator", "numerator"),
    ("denominator", "denominator"),
    ("denominator-exclusion", "exclusions"),
)
_ID_CHARS = re.compile(r"[^A-Za-z0-9.-]")


def ext_url(name: str) -> str:
    """The URL of a qframe extension (documented in the README)."""
    return f"{BASE}/StructureDefinition/{name}"


def measure_url(framework_code: str, indicator_code: str) -> str:
    """The canonical URL of an indicator's Measure (stable across framework versions)."""
    return f"{BASE}/Measure/{quote(framework_code, safe='')}/{quote(indicator_code, safe='')}"


def parse_measure_url(canonical: str) -> tuple[str, str, str | None] | None:
    """(framework code, indicator code, version or None) from a canonical, or None if foreign."""
    url, _, version = canonical.partition("|")
    prefix = f"{BASE}/Measure/"
    if not url.startswith(prefix):
        return None
    parts = url[len(prefix) :].split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return unquote(parts[0]), unquote(parts[1]), version or None


def full_url(*parts: str) -> str:
    """A stable urn:uuid for a Bundle entry, derived from what identifies its resource."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}"


def resource_id(*parts: str) -> str:
    """A FHIR id ([A-Za-z0-9.-]{1,64}) for the parts; a hash keeps altered ones unique."""
    plain = "-".join(parts)
    slug = _ID_CHARS.sub("-", plain)
    if slug == plain and len(slug) <= 64:
        return slug
    digest = hashlib.sha256(plain.encode()).hexdigest()[:10]
    return f"{slug[:53]}-{digest}"


def period_json(spec: PeriodSpec) -> dict[str, str]:
    return {"start": spec.start.isoformat(), "end": spec.end.isoformat()}


def label_for(start: date, end: date) -> str | None:
    """The qframe period label (year, quarter or month) spanning exactly start..end, if any."""
    y = start.year if start.month >= 4 else start.year - 1
    year = f"{y}/{(y + 1) % 100:02d}"
    quarter = ((start.month - 4) % 12) // 3 + 1
    for label in (year, f"{year} Q{quarter}", f"{start:%Y-%m}"):
        try:
            spec = parse_period(label)
        except BadPeriod:
            continue
        if spec.start == start and spec.end == end:
            return spec.label
    return None


def decimal_text(value: Any) -> Decimal:
    """A float as a decimal of at most 15 significant digits, as the Scores CSV writes it."""
    return value if isinstance(value, Decimal) else Decimal(format(float(value), ".15g"))


_TOKEN = "\u0000dec:"  # noqa: S105 - a marker, not a secret
_TOKEN_RE = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?(?:E[+-]?[0-9]+)?)"')


def dumps(resource: dict[str, Any]) -> str:
    """FHIR JSON text with every Decimal written as a JSON number exactly as its text."""

    def tokens(value: Any) -> Any:
        if isinstance(value, Decimal):
            return _TOKEN + str(value)
        if isinstance(value, dict):
            return {k: tokens(v) for k, v in value.items()}
        if isinstance(value, list):
            return [tokens(v) for v in value]
        return value

    text = json.dumps(tokens(resource), indent=2, ensure_ascii=False)
    return _TOKEN_RE.sub(lambda m: m[1], text) + "\n"
