"""Fixtures for FHIR: published library frameworks owned by the test ICB, and bundle helpers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from qframe.frameworks.library import LIBRARY, load_library_framework
from qframe.frameworks.models import Framework
from qframe.frameworks.services import import_framework, publish_framework

DRAFTS = {entry.slug for entry in LIBRARY if entry.expected_state == "draft"}


def library(slug: str) -> dict[str, Any]:
    return copy.deepcopy(load_library_framework(slug))


@pytest.fixture
def publish(tree) -> Callable[..., Framework]:  # type: ignore[no-untyped-def]
    """Import Framework JSON (a library slug or loaded data) owned by the test ICB; publish it
    unless it is a library file that is a draft by design (QOF England: thresholds to set)."""

    def make(data: str | dict[str, Any]) -> Framework:
        loaded = library(data) if isinstance(data, str) else data
        framework = import_framework(None, loaded, tree.icb)
        if isinstance(data, str) and data in DRAFTS:
            return framework
        return publish_framework(None, framework)

    return make


def bundle_bytes(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle).encode()
