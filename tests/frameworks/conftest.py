"""Framework fixtures: small valid Framework JSON, and drafts/published frameworks in the tree."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from qframe.frameworks import services
from qframe.frameworks.models import Framework, Indicator

SMALL = {
    "code": "TQF",
    "title": "Test quality framework",
    "year": "2025/26",
    "setting": "acute",
    "payment": {"model": "contract_share", "stake_percent": "1.25"},
    "domains": [{"code": "SAF", "title": "Safety"}, {"code": "EXP", "title": "Experience"}],
    "indicators": [
        {
            "code": "VTE01",
            "domain": "SAF",
            "title": "VTE risk assessment",
            "description": "Adults assessed for VTE risk on admission.",
            "group": None,
            "measure": "proportion",
            "polarity": "higher_is_better",
            "level": "provider",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "90", "upper": "95"},
            "minimum_standard": "95",
            "min_denominator": None,
            "weight": "0.6",
        },
        {
            "code": "FALL01",
            "domain": "SAF",
            "title": "Falls per 1,000 occupied bed days",
            "description": "Inpatient falls.",
            "group": None,
            "measure": "rate",
            "multiplier": "1000",
            "unit": "per 1,000 occupied bed days",
            "polarity": "lower_is_better",
            "level": "ward",
            "scoring": {"method": "threshold", "max_points": "5", "lower": "6.5", "upper": "4.50"},
            "minimum_standard": None,
            "min_denominator": 30,
            "weight": "0.4",
        },
    ],
}


def small_framework(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the small framework as raw JSON values, with top-level changes."""
    return {**copy.deepcopy(SMALL), **changes}


@pytest.fixture
def small() -> Callable[..., dict[str, Any]]:
    return small_framework


@pytest.fixture
def small_json() -> Callable[..., str]:
    def text(**changes: Any) -> str:
        return json.dumps(small_framework(**changes))

    return text


@pytest.fixture
def make_draft(db: Any, tree: Any) -> Callable[..., Framework]:
    """Import the small framework (or given raw JSON) as a draft owned by tree.icb."""

    def factory(raw: dict[str, Any] | None = None, owner: Any = None) -> Framework:
        data = services.parse_framework(json.dumps(raw or small_framework()))
        framework = services.import_framework(None, data, owner or tree.icb)
        # Committed (into the test's outer transaction), so that a request answering with an
        # error, which rolls the session back, does not take the framework with it.
        db.session.commit()
        return framework

    return factory


@pytest.fixture
def make_published(db: Any, make_draft: Callable[..., Framework]) -> Callable[..., Framework]:
    def factory(raw: dict[str, Any] | None = None, owner: Any = None) -> Framework:
        framework = services.publish_framework(None, make_draft(raw, owner))
        db.session.commit()
        return framework

    return factory


@pytest.fixture
def counts(db: Any) -> Callable[[], tuple[int, int]]:
    """(frameworks, indicators) in the database, to show that nothing was written."""

    def count() -> tuple[int, int]:
        frameworks = db.session.scalar(select(func.count()).select_from(Framework))
        indicators = db.session.scalar(select(func.count()).select_from(Indicator))
        return frameworks, indicators

    return count
