"""Fixtures for measurements: published frameworks (library files), windows, CSV helpers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qframe.frameworks.library import load_library_framework
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator
from qframe.orgs.models import Organisation

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def publish_data(data: dict[str, Any], owner: Organisation | None) -> Framework:
    """Import and publish framework JSON: the frameworks services when present, else directly."""
    try:
        from qframe.frameworks.services import import_framework, publish_framework
    except ImportError:  # pragma: no cover - before the frameworks feature lands
        return _publish_directly(data, owner)
    framework = import_framework(None, data, owner)
    return publish_framework(None, framework)


def _publish_directly(data: dict[str, Any], owner: Organisation | None) -> Framework:
    from qframe.extensions import db

    framework = Framework(
        code=data["code"],
        version=1,
        title=data["title"],
        setting=data["setting"],
        year=data["year"],
        owner=owner,
        payment_model=data["payment"]["model"],
        payment={},
    )
    db.session.add(framework)
    domains = {}
    for i, d in enumerate(data["domains"]):
        domains[d["code"]] = FrameworkDomain(
            framework=framework, code=d["code"], title=d["title"], position=i
        )
    for i, ind in enumerate(data["indicators"]):
        scoring = ind["scoring"]
        framework.indicators.append(
            Indicator(
                domain=domains[ind["domain"]],
                code=ind["code"],
                title=ind["title"],
                measure=ind["measure"],
                polarity=ind["polarity"],
                level=ind["level"],
                method=scoring["method"],
                max_points=scoring.get("max_points"),
                lower=scoring.get("lower"),
                upper=scoring.get("upper"),
                multiplier=ind.get("multiplier"),
                data_source=ind.get("data_source", "submitted"),
                position=i,
            )
        )
    db.session.flush()
    framework.status = "published"
    db.session.flush()
    return framework


def library(slug: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_library_framework(slug))
    data.update(changes)
    return data


@pytest.fixture
def framework(tree) -> Callable[..., Framework]:  # type: ignore[no-untyped-def]
    """publish a library framework owned by the test ICB (AQF by default)."""

    def make(
        slug: str = "acute-quality-2025-26", owner: Organisation | None = None, **changes: Any
    ) -> Framework:
        return publish_data(library(slug, **changes), owner or tree.icb)

    return make


@pytest.fixture
def aqf(framework) -> Framework:  # type: ignore[no-untyped-def]
    return framework()
