"""Exact Poisson tail probabilities and limits (regularised incomplete gamma, no SciPy).

P(X >= k | mu) = P(k, mu) and P(X <= k | mu) = 1 - P(k + 1, mu), where P is the regularised
lower incomplete gamma function; the chi-square form of the exact limits follows from
chi2_quantile(q, 2k) / 2 = gamma_quantile(q, k).
"""

import math

from qframe.engine.errors import InvalidInput

_EPS = 1e-15
_TINY = 1e-300


def gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma P(a, x) for a > 0, x >= 0."""
    if not a > 0 or not x >= 0 or not math.isfinite(a) or not math.isfinite(x):
        raise InvalidInput("need a > 0 and a finite x >= 0")
    if x == 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        # Series: Σ x^n / (a (a+1) … (a+n)).
        term = total = 1.0 / a
        k = a
        while True:
            k += 1
            term *= x / k
            total += term
            if abs(term) < abs(total) * _EPS:
                return min(1.0, total * math.exp(log_front))
    # Continued fraction for Q (modified Lentz), then P = 1 − Q.
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < _EPS:
            return max(0.0, 1.0 - math.exp(log_front) * h)


def poisson_upper_tail(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    return 1.0 if mu <= 0 and k == 0 else (0.0 if mu <= 0 else gamma_p(k, mu))


def poisson_lower_tail(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu)."""
    if k < 0:
        return 0.0
    return 1.0 if mu <= 0 else 1.0 - gamma_p(k + 1, mu)


def gamma_quantile(q: float, a: float) -> float:
    """The x with P(a, x) = q (bisection to full precision)."""
    if not 0 < q < 1 or not a > 0:
        raise InvalidInput("need 0 < q < 1 and a > 0")
    low, high = 0.0, a + 10 * math.sqrt(a) + 40
    while gamma_p(a, high) < q:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if gamma_p(a, mid) < q:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def chi2_quantile(q: float, df: float) -> float:
    """The chi-square quantile with df degrees of freedom."""
    return 2 * gamma_quantile(q, df / 2)


def exact_rate_interval(count: int, z: float) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for a Poisson mean given an observed count."""
    if count < 0:
        raise InvalidInput("a count cannot be negative")
    alpha = 2 * (1 - _normal_cdf(z))
    low = 0.0 if count == 0 else chi2_quantile(alpha / 2, 2 * count) / 2
    return low, chi2_quantile(1 - alpha / 2, 2 * count + 2) / 2


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def tail_alpha(z: float) -> float:
    """One-sided tail probability beyond z on the standard normal (0.025 at 1.96)."""
    return 1 - _normal_cdf(z)
