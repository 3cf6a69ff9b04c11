"""The built-in CMS HVBP FY2024 framework carries CMS's published thresholds, floors and rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qframe.frameworks.library import load_library_framework
from qframe.frameworks.validation import publish_problems

from .cms_files import DATA, FILES, MEASURES, TPS_FILE, missing_data_message, rate, read


def test_the_cms_framework_is_publishable_with_cms_domains_and_rules():
    data = load_library_framework("cms-hvbp-fy2024")
    assert publish_problems(data) == []
    domains = {d["code"]: d for d in data["domains"]}
    assert {c: d["weight"] for c, d in domains.items()} == dict.fromkeys(domains, Decimal(25))
    assert (domains["CO"]["min_measures"], domains["SAF"]["min_measures"]) == (2, 2)
    assert domains["PCE"]["consistency_points"] == 20
    assert data["vbp"]["min_domains"] == 3
    ssi = next(i for i in data["indicators"] if i["code"] == "SSI")
    assert ssi["scoring"]["composite_of"] == ["HAI-3", "HAI-4"]


def test_every_threshold_benchmark_and_floor_is_the_one_cms_printed_on_every_row():
    if not DATA.is_dir():
        pytest.fail(missing_data_message())
    scoring = {
        i["code"]: i["scoring"] for i in load_library_framework("cms-hvbp-fy2024")["indicators"]
    }
    checked = 0
    for name in FILES.values():
        for row in read(name):
            for prefix, code in MEASURES.items():
                for column, key in (
                    ("Achievement Threshold", "achievement_threshold"),
                    ("Benchmark", "benchmark"),
                    ("Floor", "floor"),
                ):
                    text = row.get(f"{prefix} {column}")
                    if text is not None:
                        assert Decimal(rate(text) or "NaN") == scoring[code][key], (prefix, column)
                        checked += 1
    hospitals = len(read(TPS_FILE))
    assert checked == hospitals * (21 * 2 + 8)  # 21 scored measures, AT and BM; 8 HCAHPS floors
