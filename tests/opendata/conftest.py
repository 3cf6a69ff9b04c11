"""A scored, finalised AQF with public publications: Q1 named, Q2 anonymised, Q3 board only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qframe.frameworks.library import load_library_framework
from qframe.frameworks.services import import_framework, publish_framework
from qframe.measurements.services import import_csv
from qframe.periods.models import get_or_create_period
from qframe.publication.services import publish_results
from qframe.scoring.runs import finalise_run, score_period

HEADER = (
    "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,comment,expected"
)
QUARTERS = ("2025/26 Q1", "2025/26 Q2", "2025/26 Q3")


@pytest.fixture
def published(db, tree) -> Any:  # type: ignore[no-untyped-def]
    aqf = publish_framework(
        None, import_framework(None, load_library_framework("acute-quality-2025-26"), tree.icb)
    )
    lines = [HEADER]
    for quarter in QUARTERS:
        lines += [
            f"{tree.trust_a.code},AQF-S01,{quarter},96,100,,,,,",
            # SHMI: 408 observed / 400 expected deaths = 1.02
            f"{tree.trust_a.code},AQF-E05,{quarter},408,,,,,,400",
            f"{tree.other_trust.code},AQF-S01,{quarter},45,50,,,,,",
        ]
    import_csv(None, aqf, ("\n".join(lines) + "\n").encode(), today=date(2026, 5, 15))
    for quarter in QUARTERS:
        finalise_run(None, score_period(None, aqf, get_or_create_period(quarter)))
    publish_results(None, aqf, QUARTERS[0], "public", True)
    publish_results(None, aqf, QUARTERS[1], "public", False)
    publish_results(None, aqf, QUARTERS[2], "board", True)
    return aqf
