"""The shape of a gaming-signal question (domain.md §8) and of what was checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from qframe.frameworks.models import Indicator
from qframe.orgs.models import Organisation

KINDS = {
    "exceptions": "High exception (PCA) rate",
    "bunching": "Results bunched just past the upper threshold",
    "shrinking": "Denominator shrank late in the year",
}


@dataclass
class Question:
    """One question, its evidence in words, and the figures the CSV carries."""

    kind: str
    indicator: Indicator
    org: Organisation | None
    period: str
    ask: str
    evidence: str
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    expected: float | None = None
    provisional: bool = False
    names: list[str] = field(default_factory=list)


@dataclass
class Checked:
    """What was looked at, so that "no questions raised" means something."""

    exception_indicators: int = 0
    threshold_indicators: int = 0
    series: int = 0
