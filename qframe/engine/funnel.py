"""Funnel plots for a proportion across providers (domain.md §7, PHE method)."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import quantiles
from typing import Literal

from qframe.engine.errors import InvalidInput
from qframe.engine.limits import Z95, Z998, CurvePoint, funnel_curve, funnel_limits, wilson_limits
from qframe.engine.types import Polarity, check_polarity

__all__ = [
    "Z95",
    "Z998",
    "CurvePoint",
    "Flag",
    "FunnelInput",
    "FunnelResult",
    "FunnelRow",
    "Reference",
    "funnel",
    "funnel_curve",
    "funnel_limits",
    "wilson_limits",
]

Flag = Literal[
    "alarm", "alert", "within", "better_alert", "better_alarm", "small_numbers", "no_data"
]
# Concerns (the bad side) feed the ladder; the good side is labelled "better than expected".
CONCERNS = frozenset({"alert", "alarm"})


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference population's target and between-provider variance τ² (§7 "few providers")."""

    target: float
    tau2: float
    source: str = "reference"


@dataclass(frozen=True, slots=True)
class FunnelInput:
    """One provider's counts; below min_denominator it is plotted but never flagged."""

    org: str
    numerator: int | None
    denominator: int | None
    min_denominator: int | None = None


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """One provider's proportion, its limits at its denominator, and its flag."""

    org: str
    n: int
    p: float | None
    low95: float | None
    high95: float | None
    low998: float | None
    high998: float | None
    flag: Flag


@dataclass(frozen=True, slots=True)
class FunnelResult:
    """The target, overdispersion estimate and one row per input, in input order."""

    target: float | None
    phi: float | None
    tau2: float
    overdispersed: bool
    rows: tuple[FunnelRow, ...]
    provisional: bool = False
    basis: str = "local"


def funnel(
    points: Sequence[FunnelInput],
    polarity: Polarity,
    *,
    min_units: int = 10,
    reference: Reference | None = None,
) -> FunnelResult:
    """Flag each provider against θ = Σnum/Σden, adjusting for overdispersion when needed.

    Too few providers to estimate τ²: the reference's target and τ² are used, or without one
    the limits are unadjusted and the result is marked provisional."""
    check_polarity(polarity)
    orgs = [p.org for p in points]
    if len(set(orgs)) != len(orgs):
        raise InvalidInput("each organisation may appear only once in a funnel")
    counted = [p for p in points if _has_data(p)]
    total_den = sum(p.denominator or 0 for p in counted)
    if total_den == 0:
        return FunnelResult(None, None, 0.0, False, tuple(_no_data(p) for p in points))
    # Small numbers count towards the target (it is everyone's rate) but, like domain.md's
    # outlier detection, not towards overdispersion; that test needs min_units providers.
    theta = sum(p.numerator or 0 for p in counted) / total_den
    eligible = [p for p in counted if not _small(p)]
    phi, tau2 = _overdispersion(theta, eligible, min_units)
    basis, provisional = "local", phi is None
    if phi is None and reference is not None:
        theta, tau2, basis, provisional = reference.target, reference.tau2, reference.source, False
    rows = tuple(_row(p, theta, tau2, polarity) if _has_data(p) else _no_data(p) for p in points)
    return FunnelResult(theta, phi, tau2, tau2 > 0, rows, provisional, basis)


def _has_data(p: FunnelInput) -> bool:
    if p.numerator is None or p.denominator is None:
        return False
    if p.numerator < 0 or p.numerator > p.denominator:
        raise InvalidInput(f"{p.org}: need 0 <= numerator <= denominator")
    return p.denominator > 0


def _small(p: FunnelInput) -> bool:
    return p.min_denominator is not None and (p.denominator or 0) < p.min_denominator


def _no_data(p: FunnelInput) -> FunnelRow:
    return FunnelRow(p.org, p.denominator or 0, None, None, None, None, None, "no_data")


def _overdispersion(
    theta: float, used: Sequence[FunnelInput], min_units: int
) -> tuple[float | None, float]:
    count = len(used)
    if count < max(2, min_units):
        return None, 0.0
    target = math.asin(math.sqrt(theta))
    ns = [p.denominator or 0 for p in used]
    z = [
        (math.asin(math.sqrt((p.numerator or 0) / n)) - target) * 2 * math.sqrt(n)
        for p, n in zip(used, ns, strict=True)
    ]
    deciles = quantiles(z, n=10, method="inclusive")
    low, high = deciles[0], deciles[-1]
    # fsum and integer weights keep the estimate independent of row order.
    phi = math.fsum(min(max(v, low), high) ** 2 for v in z) / count
    if count * phi <= count - 1:
        return phi, 0.0
    sum_w = sum(4 * n for n in ns)
    sum_w2 = sum((4 * n) ** 2 for n in ns)
    return phi, (count * phi - (count - 1)) / (sum_w - sum_w2 / sum_w)


def _row(p: FunnelInput, theta: float, tau2: float, polarity: Polarity) -> FunnelRow:
    n = p.denominator or 0
    share = (p.numerator or 0) / n
    low95, high95 = funnel_limits(theta, n, Z95, tau2)
    low998, high998 = funnel_limits(theta, n, Z998, tau2)
    flag: Flag = "within"
    below = "alarm" if share < low998 else "alert" if share < low95 else None
    above = "alarm" if share > high998 else "alert" if share > high95 else None
    bad, good = (below, above) if polarity == "higher_is_better" else (above, below)
    if _small(p):
        flag = "small_numbers"
    elif bad is not None:
        flag = "alarm" if bad == "alarm" else "alert"
    elif good is not None:
        flag = "better_alarm" if good == "alarm" else "better_alert"
    return FunnelRow(p.org, n, share, low95, high95, low998, high998, flag)
