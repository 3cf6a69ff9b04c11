"""What the framework pages show, written out: templates receive these, not modules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qframe.frameworks import display
from qframe.frameworks.current import version_note
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.scoring.payment_models import payment_model


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator's row: what it measures, which way is better, its band and its worth."""

    indicator: Indicator
    measure: str
    better: str
    band: display.Band | None
    scoring: str
    minimum: str
    worth: str


@dataclass(frozen=True)
class FrameworkPage:
    """The framework page's words and rows."""

    setting: str
    payment: str
    total_points: Decimal | None  # shown only for a model paying per point
    note: str
    domains: list[tuple[FrameworkDomain, list[IndicatorLine]]]
    version_notes: dict[int, str]


def indicator_line(framework: Framework, indicator: Indicator) -> IndicatorLine:
    """The row of one indicator of a framework."""
    minimum = indicator.minimum_standard
    return IndicatorLine(
        indicator,
        display.measure_words(indicator),
        display.POLARITY_WORDS[indicator.polarity],
        display.band(indicator),
        display.scoring_words(indicator),
        display.with_unit(indicator, minimum) if minimum is not None else "—",
        display.indicator_payment(framework, indicator),
    )


def framework_page(
    framework: Framework, versions: list[Framework], current: Framework | None
) -> FrameworkPage:
    """Everything the framework page says about a framework and its versions."""
    per_point = payment_model(framework.payment_model).per_point
    return FrameworkPage(
        setting=display.SETTING_WORDS.get(framework.setting, framework.setting),
        payment=display.payment_words(framework),
        total_points=display.total_points(framework) if per_point else None,
        note=version_note(framework, current),
        domains=[
            (d, [indicator_line(framework, i) for i in framework.indicators if i.domain_id == d.id])
            for d in framework.domains
        ],
        version_notes={v.id: version_note(v, current) for v in versions},
    )


def diff_page(old: Framework, new: Framework, rows: dict[str, Any]) -> dict[str, Any]:
    """The diff's added and removed indicators as rows, beside its changed fields."""
    return rows | {
        "added": [indicator_line(new, i) for i in rows["added"]],
        "removed": [indicator_line(old, i) for i in rows["removed"]],
    }
