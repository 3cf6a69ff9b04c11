"""Ladder fixtures shared by the escalation, commitments and publication conftests."""

from __future__ import annotations

from typing import Any

import ladder_builders
import pytest


@pytest.fixture
def build() -> Any:
    return ladder_builders


@pytest.fixture
def framework(tree: Any) -> Any:
    return ladder_builders.make_framework(tree.icb)
