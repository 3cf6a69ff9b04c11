"""Local health economy rules: correlated deteriorations and the ICB's system support level.

Pure functions over plain data (no flask, no database).

Correlated deteriorations. Values come oriented so that higher is better (callers negate
lower-is-better indicators). A provider's value on an indicator "fell" (deteriorated) in a
quarter when it is lower than in the quarter before. `p` is the share of all such
quarter-on-quarter changes in the system's record that were falls. If changes were
independent, the number of providers falling on one indicator in one quarter would be
Binomial(n, p), n = providers with the indicator in both quarters. A quarter's deteriorations
are correlated when, on some indicator with at least two providers falling, the chance of that
many or more falls, P(X >= k), is below 5% divided by the number of indicators tested that
quarter (Bonferroni).

System support. The ICB is at level 1 ("system support") when at least a third of its providers
with a support level are at level 2 or above, or deteriorations were correlated in two
consecutive quarters; otherwise level 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

ALPHA = 0.05
SHARE_ESCALATED = Fraction(1, 3)


@dataclass(frozen=True, slots=True)
class QuarterTest:
    """One indicator in one quarter: how many providers fell, against chance."""

    quarter: str
    indicator: str
    providers: int
    fell: int
    expected: float
    p_value: float
    threshold: float

    @property
    def correlated(self) -> bool:
        return self.fell >= 2 and self.p_value < self.threshold


@dataclass(frozen=True, slots=True)
class SystemLevel:
    level: int
    evidence: tuple[str, ...]


def binomial_tail(n: int, k: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def deterioration_tests(
    series: dict[tuple[str, str], dict[str, float]], quarters: list[str]
) -> list[QuarterTest]:
    """(provider, indicator) → {quarter: achievement}; quarters oldest first."""
    changes: dict[tuple[str, str], list[bool]] = {}
    for (_provider, indicator), values in series.items():
        for before, now in zip(quarters, quarters[1:], strict=False):
            if before in values and now in values:
                changes.setdefault((now, indicator), []).append(values[now] < values[before])
    total = sum(len(v) for v in changes.values())
    p = sum(sum(v) for v in changes.values()) / total if total else 0.0
    tests: list[QuarterTest] = []
    for quarter in quarters[1:]:
        here = sorted((i, v) for (q, i), v in changes.items() if q == quarter and len(v) >= 2)
        for indicator, falls in here:
            n, k = len(falls), sum(falls)
            tail = binomial_tail(n, k, p) if 0 < p < 1 else 1.0
            tests.append(QuarterTest(quarter, indicator, n, k, n * p, tail, ALPHA / len(here)))
    return tests


def correlated_quarters(tests: list[QuarterTest], quarters: list[str]) -> list[str]:
    hit = {t.quarter for t in tests if t.correlated}
    return [q for q in quarters if q in hit]


def system_level(
    levels: dict[str, int], tests: list[QuarterTest], quarters: list[str]
) -> SystemLevel:
    """levels: provider → its current support level (providers without one are left out)."""
    evidence: list[str] = []
    escalated = sorted(p for p, level in levels.items() if level >= 2)
    share_met = bool(levels) and Fraction(len(escalated), len(levels)) >= SHARE_ESCALATED
    if share_met:
        evidence.append(
            f"{len(escalated)} of {len(levels)} providers are at level 2 or above "
            f"({', '.join(escalated)}): at least a third."
        )
    hit = set(correlated_quarters(tests, quarters))
    runs = [(a, b) for a, b in zip(quarters, quarters[1:], strict=False) if a in hit and b in hit]
    if runs:
        a, b = runs[-1]
        evidence.append(f"Deteriorations were correlated in consecutive quarters {a} and {b}.")
    if not evidence:
        evidence.append(
            f"{len(escalated)} of {len(levels)} providers at level 2 or above (under a third) "
            "and no two consecutive quarters with correlated deteriorations."
        )
    return SystemLevel(1 if share_met or runs else 0, tuple(evidence))
