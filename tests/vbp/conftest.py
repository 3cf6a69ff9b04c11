"""A small VBP framework, worked by hand, imported and fed through the product's own paths."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from qframe.frameworks.services import import_framework, parse_framework, publish_framework

SMALL: dict[str, Any] = {
    "code": "VBPT",
    "title": "VBP test framework",
    "year": "2025/26",
    "setting": "mixed",
    "payment": {"model": "contract_share", "stake_percent": "2"},
    "vbp": {"baseline_period": "2023/24", "min_domains": 2},
    "domains": [
        {"code": "OUT", "title": "Outcomes", "weight": "50", "min_measures": 1},
        {"code": "EXP", "title": "Experience", "weight": "50", "consistency_points": "20"},
    ],
    "indicators": [
        {"code": "X", "domain": "OUT", "title": "Survival", "measure": "value",
         "polarity": "higher_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp", "achievement_threshold": "0.6", "benchmark": "0.9"}},
        {"code": "Y", "domain": "OUT", "title": "Infections", "measure": "value",
         "polarity": "lower_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp"}},
        {"code": "H", "domain": "EXP", "title": "Survey", "measure": "value",
         "polarity": "higher_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp", "achievement_threshold": "80", "benchmark": "90",
                     "floor": "50"}},
        {"code": "S1", "domain": "OUT", "title": "Stratum one", "measure": "value",
         "polarity": "lower_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp", "achievement_threshold": "1", "benchmark": "0"}},
        {"code": "S2", "domain": "OUT", "title": "Stratum two", "measure": "value",
         "polarity": "lower_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp", "achievement_threshold": "1", "benchmark": "0"}},
        {"code": "S", "domain": "OUT", "title": "Composite", "measure": "value",
         "polarity": "lower_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "vbp", "composite_of": ["S1", "S2"]}},
    ],
}  # fmt: skip


def small(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return data


@pytest.fixture
def vbp_framework(db, tree):  # type: ignore[no-untyped-def]
    """The small framework, published, owned by the tree's commissioner."""

    def make(data: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
        loaded = parse_framework(json.dumps(data or SMALL))
        return publish_framework(None, import_framework(None, loaded, tree.icb))

    return make
