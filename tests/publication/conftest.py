"""Fixtures: the ladder builders (tests/escalation/ladder_builders.py) and a published framework."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
from ladder_fixtures import build, framework  # noqa: E402, F401
