"""The beta distribution without SciPy: regularised incomplete beta, quantiles, exact binomial.

I_x(a, b) by its continued fraction (modified Lentz), using the symmetry
I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly (x > (a + 1) / (a + b + 2)).
Quantiles by Halley's method from a Cornish–Fisher start inside a bisection bracket. Tested against
the exact identity
I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a) for whole a, b and against numerical integration.
"""

import math

from qframe.engine.errors import InvalidInput

_EPS = 1e-15
_TINY = 1e-300
_MAX_TERMS = 10_000


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X ≤ x) for X ~ Beta(a, b): the regularised incomplete beta I_x(a, b)."""
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise InvalidInput("beta parameters must be finite and above 0")
    if not 0 <= x <= 1:
        raise InvalidInput("x must lie in [0, 1]")
    if x == 0 or x == 1:
        return x
    if x > (a + 1) / (a + b + 2):
        return 1.0 - beta_cdf(1.0 - x, b, a)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    return min(1.0, max(0.0, math.exp(log_front) * _fraction(x, a, b) / a))


def _fraction(x: float, a: float, b: float) -> float:
    # Numerical Recipes' betacf: the even and odd steps of the continued fraction, written out
    # (no tuple of the two steps, no abs(): a scorecard's 75 posteriors run this ~20,000 times)
    tiny, total = _TINY, a + b
    c, d = 1.0, 1.0 - total * x / (a + 1)
    d = 1.0 / (tiny if -tiny < d < tiny else d)
    h = d
    for m in range(1, _MAX_TERMS):
        even = a + 2 * m  # a + 2m, as the two steps' denominators use it
        numerator = m * (b - m) * x / ((even - 1) * even)
        d = 1.0 + numerator * d
        d = 1.0 / (tiny if -tiny < d < tiny else d)
        c = 1.0 + numerator / c
        if -tiny < c < tiny:
            c = tiny
        h *= d * c
        numerator = -(a + m) * (total + m) * x / (even * (even + 1))
        d = 1.0 + numerator * d
        d = 1.0 / (tiny if -tiny < d < tiny else d)
        c = 1.0 + numerator / c
        if -tiny < c < tiny:
            c = tiny
        step = d * c
        h *= step
        if -_EPS < step - 1.0 < _EPS:
            return h
    raise InvalidInput("the incomplete beta fraction did not converge")  # pragma: no cover


def beta_quantile(q: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = q: Halley's method inside a shrinking bisection bracket."""
    if not 0 <= q <= 1:
        raise InvalidInput("q must lie in [0, 1]")
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise InvalidInput("beta parameters must be finite and above 0")
    if q in (0, 1):
        return float(q)
    return _quantile(q, a, b, math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))


def beta_interval(tail: float, a: float, b: float) -> tuple[float, float]:
    """The (tail, 1 − tail) quantiles of Beta(a, b), sharing the normalising constant."""
    if not 0 < tail < 0.5:
        raise InvalidInput("the tail must lie in (0, 0.5)")
    if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
        raise InvalidInput("beta parameters must be finite and above 0")
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    return _quantile(tail, a, b, log_norm), _quantile(1 - tail, a, b, log_norm)


def _cdf(x: float, a: float, b: float, log_norm: float) -> float:
    # beta_cdf without its checks, its normalising constant worked out once by the caller
    if x > (a + 1) / (a + b + 2):
        front = math.exp(log_norm + b * math.log1p(-x) + a * math.log(x))
        return min(1.0, max(0.0, 1.0 - front * _fraction(1.0 - x, b, a) / b))
    front = math.exp(log_norm + a * math.log(x) + b * math.log1p(-x))
    return min(1.0, max(0.0, front * _fraction(x, a, b) / a))


def _quantile(q: float, a: float, b: float, log_norm: float) -> float:
    low, high = 0.0, 1.0
    x = _start(q, a, b)
    for _ in range(200):
        gap = _cdf(x, a, b, log_norm) - q
        if gap < 0:
            low = x
        else:
            high = x
        if gap == 0 or high - low < 1e-14 * x:
            break
        density = math.exp(log_norm + (a - 1) * math.log(x) + (b - 1) * math.log1p(-x))
        step = (low + high) / 2
        if density > 0:
            newton = gap / density
            # Halley: the density's slope over itself is (a − 1)/x − (b − 1)/(1 − x)
            bend = 0.5 * newton * ((a - 1) / x - (b - 1) / (1 - x))
            halley = abs(bend) < 0.5
            moved = newton / (1 - bend) if halley else newton
            if halley and _small_enough(moved, x, a, b):
                return x - moved
            if low < x - moved < high:  # a step that leaves the bracket becomes a halving
                step = x - moved
        x = step
    return x


def _small_enough(step: float, x: float, a: float, b: float) -> bool:
    """Whether a Halley step leaves an error under 1e-12 of the quantile (and of 1 − it).

    Halley's error after a step δ is C·δ³ to leading order, C = (f‴/f′)/6 − (f″/f′)²/4 for
    f = I_x − q: with L = f″/f′ = (a − 1)/x − (b − 1)/(1 − x) and f‴/f′ = L² + L′,
    C = L′/6 − L²/12, L′ = −(a − 1)/x² − (b − 1)/(1 − x)². Only steps under 1% of the
    distance to the nearer end are trusted to that order."""
    room = min(x, 1 - x)
    if abs(step) > 1e-2 * room:
        return False
    slope = (a - 1) / x - (b - 1) / (1 - x)
    bend = -(a - 1) / (x * x) - (b - 1) / ((1 - x) * (1 - x))
    return abs(bend / 6 - slope * slope / 12) * abs(step) ** 3 < 1e-12 * room


def _start(q: float, a: float, b: float) -> float:
    # Cornish–Fisher: the normal approximation corrected for the beta's skewness
    z = _normal_quantile(q)
    total = a + b
    mean, sd = a / total, math.sqrt(a * b / (total * total * (total + 1)))
    skew = 2 * (b - a) * math.sqrt(total + 1) / ((total + 2) * math.sqrt(a * b))
    return min(max(mean + sd * (z + skew * (z * z - 1) / 6), 1e-12), 1 - 1e-12)


def _normal_quantile(q: float) -> float:
    # Abramowitz and Stegun 26.2.23 (error < 4.5e-4): enough for a starting point
    t = math.sqrt(-2 * math.log(min(q, 1 - q)))
    z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (
        1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t**3
    )
    return -z if q < 0.5 else z


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), through I_p(k, n − k + 1)."""
    if n < 0 or not 0 <= p <= 1:
        raise InvalidInput("need n >= 0 and 0 <= p <= 1")
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return beta_cdf(p, k, n - k + 1)


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper–Pearson) interval for a binomial share k / n."""
    if n <= 0 or not 0 <= k <= n:
        raise InvalidInput("need n > 0 and 0 <= k <= n")
    tail = (1 - level) / 2
    low = 0.0 if k == 0 else beta_quantile(tail, k, n - k + 1)
    high = 1.0 if k == n else beta_quantile(1 - tail, k + 1, n - k)
    return low, high


def student_t_quantile(q: float, df: float) -> float:
    """The t with P(T ≤ t) = q for Student's t on df degrees of freedom (0.5 < q < 1).

    P(T > t) = ½ I_{df/(df + t²)}(df/2, ½), solved by bisection on t."""
    if not 0.5 < q < 1 or not df > 0:
        raise InvalidInput("need 0.5 < q < 1 and df > 0")
    tail = 1 - q
    low, high = 0.0, 1.0
    while 0.5 * beta_cdf(df / (df + high * high), df / 2, 0.5) > tail:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if 0.5 * beta_cdf(df / (df + mid * mid), df / 2, 0.5) > tail:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2
