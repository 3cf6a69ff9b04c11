"""The shapes rows take on their way through validation, and what validation needs. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from qframe.measurements.locks import Lock
from qframe.periods.labels import PeriodSpec

COLUMNS = ("org_code", "indicator_code", "period")
OPTIONAL = ("numerator", "denominator", "exclusions", "value", "missing", "comment")
FIELDS = COLUMNS + OPTIONAL
# Read on input only (a composite stratum's weight, a ratio's expected count); downloads keep
# the columns above.
STRATUM = ("weight", "expected")
COUNTS = ("numerator", "denominator", "exclusions")
# What the entry forms read: the optional columns and a ratio's expected count.
FORM_FIELDS = (*OPTIONAL, "expected")
# What a stored value consists of, in the order of `ValidRow.values`.
VALUE_FIELDS = (
    "numerator", "denominator", "exclusions", "value", "weight", "expected", "missing_reason",
    "comment",
)  # fmt: skip
MISSING_REASONS = ("suppressed", "not_collected", "not_available")
MAX_COUNT = 10**12
MAX_COMMENT = 500
PROVIDER_KINDS = ("acute", "community", "mental_health", "primary_care")
LEVEL_KINDS = {"provider": PROVIDER_KINDS, "service_line": ("service_line",), "ward": ("ward",)}
LEVEL_WORDS = {"provider": "providers", "service_line": "service lines", "ward": "wards"}
KIND_WORDS = {"year": "yearly", "quarter": "quarterly", "month": "monthly"}
KIND_EXAMPLE = {"year": "2025/26", "quarter": "2025/26 Q1", "month": "2025-04"}


def collection_kind(setting: str, level: str, frequency: str | None = None) -> str:
    """The indicator's own frequency; else qframe's default: primary care reports yearly;
    wards and service lines monthly; providers quarterly."""
    if frequency is not None:
        return frequency
    if setting == "primary_care":
        return "year"
    return "month" if level in ("ward", "service_line") else "quarter"


@dataclass(frozen=True)
class OrgRef:
    id: int
    code: str
    kind: str
    provider_id: int | None
    provider_kind: str | None
    in_scope: bool


@dataclass(frozen=True)
class IndicatorRef:
    id: int
    code: str
    measure: str
    level: str
    data_source: str = "submitted"
    frequency: str | None = None  # None: collection_kind's default
    vbp: bool = False  # vbp indicators also take the framework's baseline period


@dataclass
class Catalogue:
    """Everything row validation needs to know, loaded up front (no query per row)."""

    framework: str
    year: str
    setting: str
    orgs: Mapping[str, OrgRef]
    indicators: Mapping[str, IndicatorRef]
    today: date
    lock_for: Callable[[OrgRef, PeriodSpec], Lock | None]
    retired: Mapping[str, int] = field(default_factory=dict)
    sees_everything: bool = False
    allow_computed: bool = False
    baseline: str | None = None  # a vbp framework's baseline period label


@dataclass(frozen=True)
class RawRow:
    row: int
    values: Mapping[str, str]
    path: str | None = None  # JSON path prefix, e.g. "measurements[3]"; None for CSV columns


@dataclass(frozen=True, slots=True)
class ValidRow:
    row: int
    org: OrgRef
    indicator: IndicatorRef
    period: PeriodSpec
    numerator: int | None
    denominator: int | None
    exclusions: int | None
    value: Decimal | None
    missing_reason: str | None
    comment: str | None
    # A stratum's weight in a composite measure (e.g. predicted infections), or None.
    weight: Decimal | None = None
    # A ratio's expected count (observed is the numerator), or None.
    expected: Decimal | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.org.id, self.indicator.id, self.period.label)

    @property
    def values(self) -> tuple[object, ...]:
        """The stored fields, in `VALUE_FIELDS` order (for comparing with what is stored)."""
        return (
            self.numerator,
            self.denominator,
            self.exclusions,
            self.value,
            self.weight,
            self.expected,
            self.missing_reason,
            self.comment,
        )
