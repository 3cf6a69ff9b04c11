"""Fixtures for the ladder tests: the shared builders and a framework of the tree's ICB."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ladder_fixtures import build, framework  # noqa: E402, F401
