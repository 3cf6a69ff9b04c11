"""Fixtures for scoring: a small published framework over the standard tree, and measurements."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from qframe.frameworks.models import Framework
from qframe.frameworks.services import import_framework, parse_framework, publish_framework
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.models import get_or_create_period

BASE: dict[str, Any] = {
    "code": "TQF",
    "title": "Test quality framework",
    "year": "2025/26",
    "setting": "mixed",
    "payment": {"model": "contract_share", "stake_percent": "1.25"},
    "domains": [{"code": "SAF", "title": "Safety"}, {"code": "EXP", "title": "Experience"}],
    "indicators": [
        {
            "code": "P1",
            "domain": "SAF",
            "title": "Provider proportion",
            "measure": "proportion",
            "polarity": "higher_is_better",
            "level": "provider",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "50", "upper": "90"},
            "minimum_standard": "60",
            "min_denominator": 10,
        },
        {
            "code": "S1",
            "domain": "SAF",
            "title": "Service-line proportion",
            "measure": "proportion",
            "polarity": "higher_is_better",
            "level": "service_line",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "40", "upper": "80"},
            "minimum_standard": None,
            "min_denominator": None,
        },
        {
            "code": "W1",
            "domain": "EXP",
            "title": "Ward falls per 1,000 bed days",
            "measure": "rate",
            "multiplier": "1000",
            "polarity": "lower_is_better",
            "level": "ward",
            "scoring": {"method": "threshold", "max_points": "10", "lower": "10", "upper": "5"},
            "minimum_standard": "12",
            "min_denominator": None,
        },
        {
            "code": "Y1",
            "domain": "EXP",
            "title": "Board report published",
            "measure": "yes_no",
            "polarity": "higher_is_better",
            "level": "provider",
            "scoring": {"method": "threshold", "max_points": "5", "lower": "0", "upper": "100"},
            "minimum_standard": None,
            "min_denominator": None,
        },
    ],
}


def framework_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def publish(data: dict[str, Any], owner: Organisation | None) -> Framework:
    """Import and publish through the frameworks services, as a commissioner would."""
    framework = import_framework(None, parse_framework(json.dumps(data)), owner)
    return publish_framework(None, framework)


@pytest.fixture
def make_framework(tree) -> Callable[..., Framework]:  # type: ignore[no-untyped-def]
    def make(owner: Organisation | None = None, **changes: Any) -> Framework:
        return publish(framework_data(**changes), owner or tree.icb)

    return make


@pytest.fixture
def make_draft(tree) -> Callable[..., Framework]:  # type: ignore[no-untyped-def]
    def make(owner: Organisation | None = None, **changes: Any) -> Framework:
        data = parse_framework(json.dumps(framework_data(**changes)))
        return import_framework(None, data, owner or tree.icb)

    return make


@pytest.fixture
def tqf(make_framework) -> Framework:  # type: ignore[no-untyped-def]
    return make_framework()


@pytest.fixture
def measure(db) -> Callable[..., Measurement]:  # type: ignore[no-untyped-def]
    """Record one measurement directly (the measurements feature's own tests cover its import)."""

    def add(
        framework: Framework,
        org: Organisation,
        code: str,
        period: str = "2025/26",
        numerator: int | None = None,
        denominator: int | None = None,
        value: str | None = None,
        missing: bool = False,
        expected: str | None = None,
    ) -> Measurement:
        indicator = next(i for i in framework.indicators if i.code == code)
        row = Measurement(
            framework_id=framework.id,
            organisation_id=org.id,
            indicator_id=indicator.id,
            period_id=get_or_create_period(period).id,
            numerator=numerator,
            denominator=denominator,
            value=None if value is None else Decimal(value),
            expected=None if expected is None else Decimal(expected),
            missing=missing,
            source="form",
        )
        db.session.add(row)
        db.session.flush()
        return row

    return add
