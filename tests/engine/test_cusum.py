import math
import random

import pytest

from qframe.engine.cusum import cusum, threshold_for, weight
from qframe.engine.errors import InvalidInput


def test_a_periods_weight_is_the_log_likelihood_ratio_worked_by_hand():
    # 30 bad of 100 against p0 = 0.2, odds ratio 2: 30 ln 2 − 100 ln(0.8 + 0.4) = 2.5623.
    assert weight(30, 100, 0.2) == pytest.approx(30 * math.log(2) - 100 * math.log(1.2))
    assert weight(30, 100, 0.2) == pytest.approx(2.5623, abs=1e-4)
    with pytest.raises(InvalidInput):
        weight(5, 4, 0.2)


def test_the_chart_accumulates_resets_at_zero_and_signals_above_the_threshold():
    # Weights at p0 = 0.2, n = 100: 20 bad → 20 ln 2 − 18.232 = −4.369; 30 bad → +2.562.
    series = [(20, 100), (30, 100), (30, 100), (30, 100), (20, 100)]
    result = cusum(series, 0.2, threshold=7.0)
    w30 = weight(30, 100, 0.2)
    assert result.values[0] == 0.0
    assert result.values[1:3] == pytest.approx((w30, 2 * w30))
    # 3 × 2.562 = 7.687 > 7: signal in the fourth period, then the chart restarts.
    assert result.signals == (3,)
    assert result.values[4] == 0.0


def test_a_one_quarter_dip_does_not_signal_where_a_sustained_rise_does():
    # 400 cases a quarter, p0 = 0.1: 40 bad weighs 40 ln 2 − 400 ln 1.1 = −10.40 and 60 bad
    # weighs 41.5888 − 38.1241 = +3.4648. One quarter at 15% stays below h = 6; two in a
    # row (6.93) signal.
    h = 6.0
    assert weight(60, 400, 0.1) == pytest.approx(3.4648, abs=1e-4)
    dip = [(40, 400)] * 3 + [(60, 400)] + [(40, 400)] * 3
    rise = [(40, 400)] * 3 + [(60, 400)] * 4
    assert cusum(dip, 0.1, h).signals == ()
    # Signals in the 5th quarter, restarts at 0, and signals again two quarters later.
    assert cusum(rise, 0.1, h).signals == (4, 6)


def test_the_threshold_keeps_in_control_providers_below_one_signal_in_ten_years():
    h = threshold_for(40, 0.1, runs=150)
    # Check on fresh in-control series (another seed): the mean run length to a signal is at
    # least about ten years of quarters; a simulation check, so a modest margin.
    rng = random.Random(2026)
    lengths = []
    for _ in range(150):
        s, length = 0.0, 160
        for q in range(160):
            bad = sum(1 for _ in range(40) if rng.random() < 0.1)
            s = max(0.0, s + weight(bad, 40, 0.1))
            if s > h:
                length = q + 1
                break
        lengths.append(length)
    assert sum(lengths) / len(lengths) >= 30
    assert h > threshold_for(40, 0.1, runs=150, years=2)
