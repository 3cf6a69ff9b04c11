"""Fixtures for the ladder tests: the shared builders and a framework of the tree's ICB."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import ladder_builders  # noqa: E402


@pytest.fixture
def build() -> Any:
    return ladder_builders


@pytest.fixture
def framework(tree: Any) -> Any:
    return ladder_builders.make_framework(tree.icb)
