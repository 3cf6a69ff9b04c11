"""Each indicator's collection frequency decides the periods its data is accepted for."""

from __future__ import annotations

import json

import pytest

from qframe.errors import ValidationFailed
from qframe.frameworks.io import export_framework
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.services import import_csv

AUDIT = {
    "code": "FREQ", "title": "Frequencies", "year": "2025/26", "setting": "acute",
    "payment": {"model": "contract_share", "stake_percent": "1"},
    "domains": [{"code": "SAF", "title": "Safety"}],
    "indicators": [
        {"code": "FLU", "domain": "SAF", "title": "Staff flu vaccination (annual)",
         "measure": "proportion", "polarity": "higher_is_better", "level": "provider",
         "frequency": "year",
         "scoring": {"method": "threshold", "max_points": "1", "lower": "60", "upper": "80"}},
        {"code": "VTE", "domain": "SAF", "title": "VTE risk assessment (default: quarterly)",
         "measure": "proportion", "polarity": "higher_is_better", "level": "provider",
         "scoring": {"method": "threshold", "max_points": "1", "lower": "90", "upper": "95"}},
    ],
}  # fmt: skip


def test_a_yearly_acute_indicator_takes_a_year_and_the_default_stays_quarterly(db, tree):
    framework = import_framework(None, parse_framework(json.dumps(AUDIT)), tree.icb)
    assert export_framework(framework)["indicators"][0]["frequency"] == "year"
    publish_framework(None, framework)
    a = tree.trust_a.code
    ok = "org_code,indicator_code,period,numerator,denominator\n"
    ok += f"{a},FLU,2025/26,700,1000\n{a},VTE,2025/26 Q1,95,100\n"
    assert import_csv(None, framework, ok.encode()).created == 2
    bad = "org_code,indicator_code,period,numerator,denominator\n"
    bad += f"{tree.trust_a.code},FLU,2025/26 Q2,70,100\n{a},VTE,2025/26,95,100\n"
    with pytest.raises(ValidationFailed) as caught:
        import_csv(None, framework, bad.encode())
    found = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert found == [(2, "period", "wrong_period_kind"), (3, "period", "wrong_period_kind")]
    assert "collected yearly" in caught.value.problems[0].message
