"""A rate framework beside the national one, for the funnel page's exact Poisson limit lines.

QOF-NAT has only proportions, whose limit lines cost little; a rate's are exact Poisson
limits. NAT-RATE: eight synthetic rate indicators (events per 1,000 patient-years, modelled
on the acute framework's inpatient falls, lower is better) for every practice in the national
demo, scored once as its own final run: its own run, so QOF-NAT's figures do not change.
"""

from __future__ import annotations

import hashlib
import math
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from qframe.extensions import db
from qframe.frameworks.io import import_framework
from qframe.frameworks.library import load_library_framework
from qframe.frameworks.lifecycle import publish_framework
from qframe.frameworks.models import Framework
from qframe.frameworks.schemas import dump_framework_json, load_framework_json
from qframe.measurements.rows import IndicatorRef, ValidRow
from qframe.measurements.services import org_refs, write_rows
from qframe.orgs.models import Organisation
from qframe.periods.labels import periods_in_year
from qframe.periods.models import get_or_create_period
from qframe.scoring.models import ScoreRun
from qframe.scoring.runs import finalise_run, score_period

CODE, YEAR, RATES = "NAT-RATE", "2025/26", 8


def rate_framework_data() -> dict[str, Any]:
    acute = load_library_framework("acute-quality-2025-26")
    falls = next(i for i in acute["indicators"] if i["code"] == "AQF-S03")
    indicators = [
        {
            **falls,
            "code": f"NRT{n + 1:03d}",
            "title": f"Synthetic events per 1,000 patient-years ({n + 1})",
            "level": "provider",
            "unit": "per 1,000 patient-years",
            "weight": None,
            "min_denominator": 300,
        }
        for n in range(RATES)
    ]
    raw = {
        "code": CODE,
        "title": "National rates (synthetic, benchmark only)",
        "year": YEAR,
        "setting": "primary_care",
        "payment": {
            "model": "points",
            "pound_per_point": Decimal("1.00"),
            "stake_percent": None,
            "national_list_size": None,
            "national_prevalence": None,
        },  # fmt: skip
        "domains": [d for d in acute["domains"] if d["code"] == falls["domain"]],
        "indicators": indicators,
        "description": "Benchmark only: eight rates for every national demo practice.",
        "source": "Synthetic; thresholds copy the acute demo framework's inpatient falls.",
        "change_reason": None,
    }
    return load_framework_json(dump_framework_json(raw))


def score_rate_framework(seed: int = 2026) -> ScoreRun:
    """Publish NAT-RATE, record a year of events and exposure for every practice, score it
    (final) and return the run."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    framework: Framework = import_framework(None, rate_framework_data(), None)
    publish_framework(None, framework)
    spec = periods_in_year(YEAR, "year")[0]
    refs = org_refs(None)
    codes = sorted(
        db.session.scalars(select(Organisation.code).where(Organisation.kind == "primary_care"))
    )
    rows = []
    for indicator in sorted(framework.indicators, key=lambda i: i.position):
        iref = IndicatorRef(
            indicator.id, indicator.code, indicator.measure, indicator.level, indicator.data_source
        )
        base = rng.uniform(4.0, 8.0) / 1000  # this indicator's events per patient-year
        for code in codes:
            exposure = round(math.exp(rng.uniform(math.log(200), math.log(20_000))))
            mean = exposure * base  # Poisson alone: no overdispersion, so exact limits
            events = max(0, round(rng.gauss(mean, math.sqrt(mean))))
            rows.append(
                ValidRow(0, refs[code], iref, spec, events, exposure, None, None, None, None)
            )
    tag = hashlib.sha256(f"bench {CODE}".encode()).hexdigest()
    write_rows(None, framework, rows, source="file", sha256=tag, filename="bench")
    return finalise_run(None, score_period(None, framework, get_or_create_period(spec.label)))
