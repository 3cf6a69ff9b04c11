"""Funnels for rates and indirectly standardised ratios: exact Poisson limits (§7).

A rate's provider has expected count E = θ × exposure at the target rate θ; a ratio's
(e.g. SHMI) expected count is given and the target is 1. Without overdispersion a provider is
beyond a limit when its exact Poisson tail probability is below the limit's tail (0.025 at
95%, 0.001 at 99.8%); with it, log(O/E) is compared with ±z√(1/E + τ²).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qframe.engine.dispersion import random_effects
from qframe.engine.errors import InvalidInput
from qframe.engine.funnel import Z95, Z998, Flag, Reference
from qframe.engine.poisson import gamma_p, poisson_lower_tail, poisson_upper_tail, tail_alpha
from qframe.engine.types import Polarity, check_polarity


@dataclass(frozen=True, slots=True)
class RatioRow:
    """One provider: observed, expected, the ratio O/E and its flag."""

    org: str
    observed: int | None
    expected: float | None
    ratio: float | None
    flag: Flag


@dataclass(frozen=True, slots=True)
class RatioResult:
    """The target rate (1 for ratios), φ, τ² on the log scale, and the rows in input order."""

    target: float | None
    phi: float | None
    tau2: float
    rows: tuple[RatioRow, ...]
    provisional: bool = False
    basis: str = "local"


def ratio_funnel(
    observed: Sequence[int | None],
    expected: Sequence[float | None],
    orgs: Sequence[str],
    polarity: Polarity,
    *,
    min_expected: float | None = None,
    min_units: int = 10,
    tau2: float | None = None,
) -> RatioResult:
    """Flag each O/E against 1; tau2 given (a reference population's) skips the estimate."""
    check_polarity(polarity)
    if not len(observed) == len(expected) == len(orgs):
        raise InvalidInput("observed, expected and organisations must be the same length")
    used: list[tuple[int, float]] = []
    for o, e in zip(observed, expected, strict=True):
        if o is None or e is None:
            continue
        if o < 0 or not e >= 0 or not math.isfinite(e):
            raise InvalidInput("observed counts and expected counts must be >= 0")
        if e > 0 and (min_expected is None or e >= min_expected):
            used.append((o, e))
    phi, given = None, tau2 is not None
    if tau2 is None:
        z = [_log_ratio(o, e) * math.sqrt(e) for o, e in used]
        phi, tau2 = random_effects(z, [e for _, e in used], min_units)
    rows = []
    for org, o, e in zip(orgs, observed, expected, strict=True):
        if o is None or e is None or e <= 0:
            rows.append(RatioRow(org, o, e, None, "no_data"))
            continue
        flag: Flag = (
            "small_numbers"
            if min_expected is not None and e < min_expected
            else (ratio_flag(o, e, tau2, polarity))
        )
        rows.append(RatioRow(org, o, e, o / e, flag))
    return RatioResult(1.0, phi, tau2, tuple(rows), phi is None and not given, "local")


def rate_funnel(
    events: Sequence[int | None],
    exposures: Sequence[float | None],
    orgs: Sequence[str],
    polarity: Polarity,
    *,
    min_exposure: float | None = None,
    min_units: int = 10,
    reference: Reference | None = None,
) -> RatioResult:
    """Rates as ratios to θ = Σ events / Σ exposure; with too few providers to estimate τ²,
    the reference's θ and τ², or else unadjusted limits marked provisional."""
    known = [(x, t) for x, t in zip(events, exposures, strict=True) if x is not None and t]
    total = math.fsum(t for _, t in known)
    theta = sum(x for x, _ in known) / total if total else None
    if theta is not None and theta > 0:
        local = _as_ratios(events, exposures, orgs, polarity, theta, min_exposure, min_units, None)
        if local.phi is not None or reference is None:
            return local
    if reference is None or not reference.target > 0:
        rows = tuple(
            RatioRow(o, x, None, None, "no_data") for o, x in zip(orgs, events, strict=True)
        )
        return RatioResult(theta, None, 0.0, rows, True)
    result = _as_ratios(
        events, exposures, orgs, polarity, reference.target, min_exposure, min_units, reference.tau2
    )
    return RatioResult(reference.target, None, reference.tau2, result.rows, False, reference.source)


def _as_ratios(
    events: Sequence[int | None],
    exposures: Sequence[float | None],
    orgs: Sequence[str],
    polarity: Polarity,
    theta: float,
    min_exposure: float | None,
    min_units: int,
    tau2: float | None,
) -> RatioResult:
    expected = [None if t is None else theta * t for t in exposures]
    small = None if min_exposure is None else theta * min_exposure
    result = ratio_funnel(
        events, expected, orgs, polarity, min_expected=small, min_units=min_units, tau2=tau2
    )
    return RatioResult(theta, result.phi, result.tau2, result.rows, result.provisional)


def ratio_flag(observed: int, expected: float, tau2: float, polarity: Polarity) -> Flag:
    """alarm/alert on the bad side, better_alarm/better_alert on the good side, else within."""
    high = (
        _beyond(observed, expected, tau2, Z998, True),
        _beyond(observed, expected, tau2, Z95, True),
    )
    low = (
        _beyond(observed, expected, tau2, Z998, False),
        _beyond(observed, expected, tau2, Z95, False),
    )
    bad, good = (high, low) if polarity == "lower_is_better" else (low, high)
    if bad[0]:
        return "alarm"
    if bad[1]:
        return "alert"
    if good[0]:
        return "better_alarm"
    return "better_alert" if good[1] else "within"


def _beyond(o: int, e: float, tau2: float, z: float, above: bool) -> bool:
    if tau2 > 0:
        y, half = _log_ratio(o, e), z * math.sqrt(1 / e + tau2)
        return y > half if above else y < -half
    if above:
        return poisson_upper_tail(o, e) < tail_alpha(z)
    return poisson_lower_tail(o, e) < tail_alpha(z)


def _log_ratio(o: int, e: float) -> float:
    # Half a count stands in for zero so an empty unit has a finite log ratio.
    return math.log(max(o, 0.5) / e)


def ratio_limits(expected: float, z: float, tau2: float) -> tuple[float, float]:
    """The (low, high) ratio limits at an expected count, on the same rule as the flags."""
    if not expected > 0:
        raise InvalidInput("expected must be above 0")
    if tau2 > 0:
        half = z * math.sqrt(1 / expected + tau2)
        return math.exp(-half), math.exp(half)
    alpha = tail_alpha(z)
    return _count_limit(expected, alpha, False) / expected, _count_limit(
        expected, alpha, True
    ) / expected


def _count_limit(e: float, alpha: float, above: bool) -> float:
    # The continuous count c where the tail equals alpha: P(c, e) = alpha above, P(c + 1, e) =
    # 1 − alpha below (P falls as c grows), by bisection on c.
    target = alpha if above else 1 - alpha
    shift = 0.0 if above else 1.0
    if not above and gamma_p(1.0, e) <= target:
        return 0.0  # even no events at all is not unusually few at this size
    low, high = 0.0, e + 12 * math.sqrt(e) + 50
    for _ in range(64):
        mid = (low + high) / 2
        if gamma_p(mid + shift, e) > target if mid + shift > 0 else True:
            low = mid
        else:
            high = mid
    return (low + high) / 2
