"""Fixtures for rewards: the shared builders, two finance users of the tree's ICB."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import rewards_builders  # noqa: E402


@pytest.fixture
def build() -> Any:
    return rewards_builders


@pytest.fixture
def framework(tree: Any) -> Any:
    return rewards_builders.make_framework(tree.icb)


@pytest.fixture
def scores(tree: Any, framework: Any) -> Any:
    return rewards_builders.standard_scores(tree, framework)


@pytest.fixture
def period(scores: Any) -> Any:
    return scores.period


@pytest.fixture
def maker(tree: Any, make_user: Any) -> Any:
    """The finance user who proposes."""
    return make_user("finance", [tree.icb])


@pytest.fixture
def checker(tree: Any, make_user: Any) -> Any:
    """A second finance user of the same ICB, who approves."""
    return make_user("finance", [tree.icb])
