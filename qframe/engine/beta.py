"""The beta distribution without SciPy: regularised incomplete beta, quantiles, exact binomial.

I_x(a, b) by its continued fraction (modified Lentz), using the symmetry
I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly (x > (a + 1) / (a + b + 2)).
Quantiles by Newton's method inside a bisection bracket, to full precision. Tested against
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
    # Numerical Recipes' betacf: the even and odd steps of the continued fraction.
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (_TINY if abs(d) < _TINY else d)
    h = d
    for m in range(1, _MAX_TERMS):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (_TINY if abs(d) < _TINY else d)
            c = 1.0 + numerator / c
            c = _TINY if abs(c) < _TINY else c
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            return h
    raise InvalidInput("the incomplete beta fraction did not converge")  # pragma: no cover


def beta_quantile(q: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = q: Newton's method inside a shrinking bisection bracket."""
    if not 0 <= q <= 1:
        raise InvalidInput("q must lie in [0, 1]")
    if q in (0, 1):
        return float(q)
    low, high = 0.0, 1.0
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    # start from the normal approximation: a few Newton steps instead of ~45 halvings
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    x = min(max(mean + sd * _normal_quantile(q), 1e-12), 1 - 1e-12)
    for _ in range(200):
        gap = beta_cdf(x, a, b) - q
        if gap < 0:
            low = x
        else:
            high = x
        if gap == 0 or high - low < 1e-13:
            break
        density = math.exp(log_norm + (a - 1) * math.log(x) + (b - 1) * math.log1p(-x))
        step = x - gap / density if density > 0 else (low + high) / 2
        if not low < step < high:  # a Newton step that leaves the bracket becomes a halving
            step = (low + high) / 2
        if abs(step - x) < 1e-15:
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
