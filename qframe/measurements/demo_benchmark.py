"""Demo: an England-style benchmark for the demo's ratio indicators (SHMI), so that the three
acute trusts' funnel has a reference population (domain.md §7 "Few providers").

120 synthetic trusts a quarter, expected deaths 250 to 625, true ratios spread around 1 with a
between-trust standard deviation of 0.05 on the log scale (SHMI's published ranges are of this
order), observed deaths Poisson about expected × ratio. A benchmark's counts are whole numbers,
so each unit's expected count is rounded (at 250 or more, under 0.2% of the ratio).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from sqlalchemy import delete

from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.periods.labels import PeriodSpec
from qframe.variation.models import BenchmarkValue

UNITS = 120
SPREAD = 0.05  # between-trust standard deviation of log(ratio)
SOURCE = "Synthetic England SHMI (demo)"


def ratio_benchmark(fw: Framework, ind: Indicator, specs: list[PeriodSpec]) -> int:
    """Replace the indicator's benchmark rows for each period; return how many were written."""
    # its own stream, so the rest of the demo is unchanged (not for security: S311)
    rng = random.Random(f"benchmark {fw.code} {ind.code}")  # noqa: S311
    written = 0
    for spec in specs:
        db.session.execute(
            delete(BenchmarkValue).where(
                BenchmarkValue.framework_code == fw.code,
                BenchmarkValue.indicator_code == ind.code,
                BenchmarkValue.period_label == spec.label,
            )
        )
        for _ in range(UNITS):
            expected = round(rng.uniform(250, 625))
            ratio = math.exp(rng.gauss(0, SPREAD))
            observed = max(0, round(rng.gauss(expected * ratio, math.sqrt(expected * ratio))))
            db.session.add(
                BenchmarkValue(
                    framework_code=fw.code, indicator_code=ind.code, period_label=spec.label,
                    unit=ind.unit, value=Decimal(f"{observed / expected:.4f}"),
                    numerator=observed, denominator=expected, source=SOURCE,
                )
            )  # fmt: skip
            written += 1
    db.session.flush()
    return written
