"""Fixtures: the ladder builders (tests/escalation/ladder_builders.py) and a published framework."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
import ladder_builders  # noqa: E402


@pytest.fixture
def build() -> Any:
    return ladder_builders


@pytest.fixture
def framework(tree: Any) -> Any:
    return ladder_builders.make_framework(tree.icb)
