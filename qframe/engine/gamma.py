"""The gamma distribution without SciPy: regularised incomplete gamma, CDF and quantiles.

P(a, x) = γ(a, x) / Γ(a) by its power series where it converges fast (x < a + 1),
Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz) elsewhere, each computed
directly on its own side so that neither is found by subtracting from 1. Quantiles by Newton's
method inside a bisection bracket, to full precision, as beta.py does for the beta.
Tested against the exact identity P(Poisson(λ) ≤ k) = Q(k + 1, λ) (terms summed to 50
digits), against P(½, x) = erf(√x) and against numerical integration of the density.
"""

import math

from qframe.engine.errors import InvalidInput

_EPS = 3e-16
_TINY = 1e-300
_MAX_TERMS = 100_000


def _check(a: float, x: float) -> None:
    if not (a > 0 and math.isfinite(a)):
        raise InvalidInput("the gamma shape must be finite and above 0")
    if not (x >= 0 and math.isfinite(x)):
        raise InvalidInput("x must be finite and at least 0")


def _log_front(a: float, x: float) -> float:
    # log(x^a e^(−x) / Γ(a)), the factor both expansions share. For a large shape, a log x, x
    # and log Γ(a) are each far bigger than their sum, so it is written through Stirling's
    # series, log Γ(a) = (a − ½) log a − a + ½ log 2π + 1/(12a) − 1/(360a³) + 1/(1260a⁵) − …,
    # as a log(x/a) + (a − x) + ½ log(a / 2π) − the correction: no large terms cancel.
    if a < 30:
        return a * math.log(x) - x - math.lgamma(a)
    d = (x - a) / a
    log_ratio = math.log1p(d) if abs(d) < 0.5 else math.log(x / a)
    inverse = 1 / (a * a)
    correction = (1 / 12 - inverse * (1 / 360 - inverse * (1 / 1260 - inverse / 1680))) / a
    return a * log_ratio + (a - x) + 0.5 * math.log(a / (2 * math.pi)) - correction


def _series(a: float, x: float) -> float:
    # P(a, x) = x^a e^(−x) / Γ(a) × Σ_n x^n / (a (a + 1) … (a + n)); a and x are positive, so
    # are every term and the sum (compared as they are: no abs() call per term)
    term = 1.0 / a
    total = term
    denominator = a
    eps = _EPS  # (a local: a root search runs these loops some 700 times a page)
    for _ in range(_MAX_TERMS):
        denominator += 1
        term *= x / denominator
        total += term
        if term < total * eps:
            return total * math.exp(_log_front(a, x))
    raise InvalidInput("the incomplete gamma series did not converge")  # pragma: no cover


def _fraction(a: float, x: float) -> float:
    # Q(a, x) = x^a e^(−x) / Γ(a) × 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a …)))
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b if abs(b) >= _TINY else 1 / _TINY
    h = d
    tiny, below, eps, under = _TINY, -_TINY, _EPS, -_EPS  # locals, looked up once
    for i in range(1, _MAX_TERMS):
        an = i * (a - i)  # −i (i − a), exactly
        b += 2
        d = an * d + b
        if below < d < tiny:  # abs(d) < _TINY, without a call per step
            d = tiny
        c = b + an / c
        if below < c < tiny:
            c = tiny
        d = 1 / d
        step = d * c
        h *= step
        if under < step - 1 < eps:
            return h * math.exp(_log_front(a, x))
    raise InvalidInput("the incomplete gamma fraction did not converge")  # pragma: no cover


def lower_regularised(a: float, x: float) -> float:
    """P(a, x): the regularised lower incomplete gamma, P(X ≤ x) for X ~ Gamma(a, 1)."""
    _check(a, x)
    if x == 0:
        return 0.0
    return lower_regularised_positive(a, x)


def lower_regularised_positive(a: float, x: float) -> float:
    """lower_regularised(a, x) for a caller that knows a > 0 and x > 0, both finite (a root
    search calls it thousands of times: its arguments are not checked again each time)."""
    if x < a + 1:
        return min(1.0, _series(a, x))
    return min(1.0, max(0.0, 1.0 - _fraction(a, x)))


def upper_regularised(a: float, x: float) -> float:
    """Q(a, x) = 1 − P(a, x), computed directly in the upper tail so small values keep digits."""
    _check(a, x)
    if x == 0:
        return 1.0
    if x < a + 1:
        return min(1.0, max(0.0, 1.0 - _series(a, x)))
    return min(1.0, _fraction(a, x))


def gamma_cdf(x: float, shape: float, rate: float) -> float:
    """P(X ≤ x) for X ~ Gamma(shape, rate), density ∝ x^(shape−1) e^(−rate·x)."""
    if not (rate > 0 and math.isfinite(rate)):
        raise InvalidInput("the gamma rate must be finite and above 0")
    return lower_regularised(shape, rate * max(x, 0.0))


def gamma_sf(x: float, shape: float, rate: float) -> float:
    """P(X > x) for X ~ Gamma(shape, rate)."""
    if not (rate > 0 and math.isfinite(rate)):
        raise InvalidInput("the gamma rate must be finite and above 0")
    return upper_regularised(shape, rate * max(x, 0.0))


def gamma_quantile(q: float, shape: float, rate: float) -> float:
    """The x with P(X ≤ x) = q for X ~ Gamma(shape, rate): Newton inside a bisection bracket."""
    if not 0 <= q <= 1:
        raise InvalidInput("q must lie in [0, 1]")
    if not (rate > 0 and math.isfinite(rate)):
        raise InvalidInput("the gamma rate must be finite and above 0")
    _check(shape, 0.0)
    if q == 0:
        return 0.0
    if q == 1:
        return math.inf
    return _unit_quantile(q, shape) / rate


def _unit_quantile(q: float, a: float) -> float:
    # Wilson–Hilferty: (X / a)^(1/3) is nearly normal; a few Newton steps finish the job
    z = _normal_quantile(q)
    guess = a * (1 - 1 / (9 * a) + z / (3 * math.sqrt(a))) ** 3
    x = guess if guess > 0 else math.exp((math.log(q) + math.lgamma(a + 1)) / a)
    low, high = 0.0, max(2 * x, 1.0)
    while lower_regularised(a, high) < q:
        low, high = high, 2 * high
    x = min(max(x, low), high)
    for _ in range(300):
        gap = lower_regularised(a, x) - q
        if gap < 0:
            low = x
        else:
            high = x
        if gap == 0 or high - low <= 1e-15 * max(high, 1e-300):
            break
        density = math.exp((a - 1) * math.log(x) - x - math.lgamma(a)) if x > 0 else 0.0
        step = x - gap / density if density > 0 else (low + high) / 2
        if not low < step < high:  # a Newton step that leaves the bracket becomes a halving
            step = (low + high) / 2
        if abs(step - x) <= 1e-16 * max(x, 1e-300):
            break
        x = step
    return x


def _normal_quantile(q: float) -> float:
    # Abramowitz and Stegun 26.2.23 (error < 4.5e-4): enough for a starting point
    t = math.sqrt(-2 * math.log(min(q, 1 - q)))
    z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (
        1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t**3
    )
    return -z if q < 0.5 else z
