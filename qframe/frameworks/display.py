"""Frameworks put into words and pictures: threshold bands, polarity, payment and diffs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from qframe.engine.measure_types import measure_names, measure_type
from qframe.frameworks.models import Framework, Indicator
from qframe.frameworks.validation import FrameworkDiff
from qframe.scoring.payment_models import payment_model

POLARITY_WORDS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better"}
LEVEL_WORDS = {"provider": "per provider", "service_line": "per service line", "ward": "per ward"}
SETTING_WORDS = {
    "acute": "Acute hospitals",
    "community": "Community services",
    "mental_health": "Mental health",
    "primary_care": "Primary care (GP practices)",
    "mixed": "Mixed settings",
}
FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "rationale": "Rationale",
    "group": "Disease group",
    "domain": "Domain",
    "measure": "Measure",
    "multiplier": "Rate multiplier",
    "unit": "Unit",
    "polarity": "Polarity",
    "level": "Measured at",
    "scoring.method": "Scoring method",
    "scoring.max_points": "Maximum points",
    "scoring.lower": "Lower threshold",
    "scoring.upper": "Upper threshold",
    "scoring.weight": "VBP weight",
    "scoring.achievement_threshold": "Achievement threshold",
    "scoring.benchmark": "Benchmark",
    "minimum_standard": "Minimum standard",
    "min_denominator": "Minimum denominator",
    "data_source": "Data source",
    "prevalence_adjusted": "Prevalence adjusted",
    "weight": "Share of the stake",
    "year": "Financial year",
    "setting": "Setting",
    "source": "Sources",
    "change_reason": "Reason for change",
    "payment.model": "Payment model",
    "payment.pound_per_point": "£ per point",
    "payment.stake_percent": "Stake (% of contract)",
    "payment.national_list_size": "National average list size",
}
# Fields whose change alters what a provider earns: highlighted in the diff.
SCORING_FIELDS = {
    "scoring.max_points",
    "scoring.lower",
    "scoring.upper",
    "scoring.weight",
    "minimum_standard",
    "weight",
    "polarity",
    "measure",
    "multiplier",
}

WIDTH, LEFT, RIGHT = 320, 30, 290
BAR_Y, BAR_H = 14, 14


def plain(value: Any) -> str:
    """A value as people read it: decimals as written, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def measure_type_words() -> dict[str, str]:
    """Each registered measure type's words, for choosing one ("rate": "Rate")."""
    return {name: measure_type(name).words for name in measure_names()}


def measure_words(indicator: Indicator) -> str:
    """What is measured and where, e.g. "Rate per 1,000 occupied bed days, measured per ward"."""
    kind = measure_type(indicator.measure)
    words = kind.words
    if kind.needs_multiplier:
        words += f" {indicator.unit}" if indicator.unit else f" per {indicator.multiplier:,}"
    elif indicator.unit:
        words += f" ({indicator.unit})"
    return f"{words}, measured {LEVEL_WORDS[indicator.level]}"


def with_unit(indicator: Indicator, value: Decimal | None) -> str:
    """A threshold in the indicator's unit ("95%", "4.5 per 1000 occupied bed days")."""
    if value is None:
        return "—"
    kind = measure_type(indicator.measure)
    if kind.percent:
        return f"{value}%"
    unit = indicator.unit or ""
    if kind.needs_multiplier and not unit and indicator.multiplier:
        unit = f"per {indicator.multiplier}"
    return f"{value} {unit}".strip()


def _nice_ceiling(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Band:
    """Geometry of the scoring band graphic, in SVG user units (0–100 bar for percentages)."""

    axis_max: Decimal
    x_lower: float
    x_upper: float
    x_minimum: float | None
    polarity: str
    lower_text: str
    upper_text: str
    minimum_text: str | None
    words: str
    width: ClassVar[int] = WIDTH
    left: ClassVar[int] = LEFT
    right: ClassVar[int] = RIGHT

    @property
    def is_step(self) -> bool:
        """Equal thresholds: full points at or beyond one value, none before (no ramp)."""
        return self.lower_text == self.upper_text or self.x_lower == self.x_upper

    @property
    def ramp(self) -> str:
        """The triangle where points rise from 0 (at the lower threshold) to full."""
        bottom, top = BAR_Y + BAR_H, BAR_Y
        return f"{self.x_lower:.1f},{bottom} {self.x_upper:.1f},{top} {self.x_upper:.1f},{bottom}"

    @property
    def full_from(self) -> float:
        return self.x_upper if self.polarity == "higher_is_better" else LEFT

    @property
    def full_width(self) -> float:
        if self.polarity == "higher_is_better":
            return RIGHT - self.x_upper
        return self.x_upper - LEFT

    @property
    def axis_labels(self) -> list[tuple[float, str, str]]:
        """The bar's ends (0 and its maximum), where they do not collide with a threshold label."""
        char = 6  # about the width of a 10px Arial digit
        (x_left, left_text), (x_right, right_text) = self.left_label, self.right_label
        labels = []
        if x_left - char * len(left_text) > LEFT + char * 2:
            labels.append((float(LEFT), "0", "start"))
        top = f"{self.axis_max.normalize():f}"
        if x_right + char * len(right_text) < RIGHT - char * (len(top) + 1):
            labels.append((float(RIGHT), top, "end"))
        return labels

    @property
    def left_label(self) -> tuple[float, str]:
        """The threshold nearer 0, labelled to its left so the two labels never overlap."""
        if self.x_lower <= self.x_upper:
            return self.x_lower, self.lower_text
        return self.x_upper, self.upper_text

    @property
    def right_label(self) -> tuple[float, str]:
        if self.x_lower <= self.x_upper:
            return self.x_upper, self.upper_text
        return self.x_lower, self.lower_text


def band(indicator: Indicator) -> Band | None:
    """The band graphic for a threshold indicator with both thresholds set, else None."""
    lower, upper = indicator.lower, indicator.upper
    if indicator.method != "threshold" or lower is None or upper is None:
        return None
    minimum = indicator.minimum_standard
    if measure_type(indicator.measure).percent:
        axis_max = Decimal(100)
    else:
        axis_max = _nice_ceiling(max(v for v in (lower, upper, minimum) if v is not None) * 5 / 4)

    def x(value: Decimal) -> float:
        share = min(max(value / axis_max, Decimal(0)), Decimal(1))
        return LEFT + float(share) * (RIGHT - LEFT)

    hib = indicator.polarity == "higher_is_better"
    zero_side, full_side = ("or below", "or above") if hib else ("or above", "or below")
    words = (
        f"0 points at {with_unit(indicator, lower)} {zero_side}, rising to full points at "
        f"{with_unit(indicator, upper)} {full_side}"
    )
    if lower == upper:
        before = "below" if hib else "above"
        words = f"A step: full points at {with_unit(indicator, upper)} {full_side}, none {before}"
    if minimum is not None:
        words += f"; minimum standard {with_unit(indicator, minimum)}"
    return Band(
        axis_max=axis_max,
        x_lower=x(lower),
        x_upper=x(upper),
        x_minimum=None if minimum is None else x(minimum),
        polarity=indicator.polarity,
        lower_text=str(lower),
        upper_text=str(upper),
        minimum_text=None if minimum is None else str(minimum),
        words=words,
    )


def scoring_words(indicator: Indicator) -> str:
    """How an indicator scores, in a sentence, when there is no band to draw."""
    if indicator.method == "vbp":
        return "Value-based purchasing: achievement and improvement points against peers"
    if not indicator.measure_kind.banded and indicator.lower is None:
        return "All or nothing: full points when achieved"
    return "Thresholds not set yet"


def total_points(framework: Framework) -> Decimal:
    return sum((i.max_points or Decimal(0) for i in framework.indicators), Decimal(0))


def payment_words(framework: Framework) -> str:
    """The framework's payment model explained in a sentence or two."""
    payment = framework.payment or {}
    if payment_model(framework.payment_model).per_point:
        pounds = payment.get("pound_per_point")
        worth = f"£{Decimal(pounds):,.2f}" if pounds else "an amount not yet set"
        adjusted = any(i.prevalence_adjusted for i in framework.indicators)
        text = (
            f"Points: each point is worth {worth}, scaled by the practice's list size against "
            "the national average"
        )
        if adjusted:
            text += " and, for prevalence-adjusted disease groups, by the practice's prevalence"
        return text + f". Up to {total_points(framework)} points in total."
    stake = payment.get("stake_percent")
    stake_text = f"{stake}%" if stake else "a share (not yet set)"
    weighted = any(i.weight is not None for i in framework.indicators)
    shares = (
        "each indicator's share is set below" if weighted else "the indicators share it equally"
    )
    return (
        f"Contract share: {stake_text} of each provider's contract value is at stake; {shares}. "
        "An indicator earns its share in proportion to how far along its band the provider is."
    )


def indicator_payment(framework: Framework, indicator: Indicator) -> str:
    """What one indicator is worth, in words."""
    if indicator.method == "vbp":
        return f"VBP weight {plain(indicator.vbp_weight)}"
    if payment_model(framework.payment_model).per_point:
        points = indicator.max_points
        if points is None:
            return "Points not set"
        pounds = (framework.payment or {}).get("pound_per_point")
        money = f" (£{points * Decimal(pounds):,.2f} before adjustment)" if pounds else ""
        return f"{points} points{money}"
    if indicator.weight is not None:
        return f"{(indicator.weight * 100).normalize():f}% of the stake"
    count = len(framework.indicators) or 1
    return f"1/{count} of the stake (equal shares)"


@dataclass(frozen=True)
class DiffRow:
    code: str | None
    title: str
    field: str
    old: str
    new: str
    scoring: bool


def diff_rows(old: Framework, new: Framework, diff: FrameworkDiff) -> dict[str, Any]:
    """The diff as tables: indicators added, removed, and every changed field with labels."""
    old_by_code = {i.code: i for i in old.indicators}
    new_by_code = {i.code: i for i in new.indicators}
    changed = []
    for change in diff.changed:
        indicator = new_by_code.get(change.code) if change.code else None
        changed.append(
            DiffRow(
                code=change.code,
                title=indicator.title if indicator else "Framework",
                field=_label(change.field),
                old=plain(change.old),
                new=plain(change.new),
                scoring=change.field in SCORING_FIELDS,
            )
        )
    return {
        "added": [new_by_code[c] for c in diff.added],
        "removed": [old_by_code[c] for c in diff.removed],
        "changed": changed,
        "indicators_changed": len({row.code for row in changed if row.code}),
    }


def _label(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    if field.startswith("domains["):
        return f"Domain {field[8:].split(']')[0]} title"
    if field.startswith("payment.national_prevalence."):
        return f"National prevalence of {field.rsplit('.', 1)[1]}"
    return field
