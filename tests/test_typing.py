"""mypy is clean over all of qframe, and strict on the pure modules (pyproject.toml [tool.mypy])."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.engine.test_purity import PURE_MODULES

ROOT = Path(__file__).parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
# The flags `--strict` turns on that can be set per module (mypy applies `strict = true` to every
# module even inside an override, so the strict override lists them).
STRICT_FLAGS = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "disallow_untyped_decorators": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "extra_checks": True,
}


def _strict_override() -> dict:
    found = [o for o in CONFIG["overrides"] if o.get("disallow_untyped_defs")]
    assert len(found) == 1, "one override holds the strict modules"
    return found[0]


def test_the_strict_modules_are_the_pure_ones_and_get_every_strict_flag():
    override = _strict_override()
    assert sorted(override["module"]) == sorted(
        ["qframe.engine.*", "qframe.optimiser.*", *PURE_MODULES]
    )
    assert {k: override.get(k) for k in STRICT_FLAGS} == STRICT_FLAGS
    assert "strict" not in CONFIG, "strict = true would make every module strict"
    assert CONFIG["files"] == ["qframe"]


# mypy reads the source, not the database: once, on the SQLite pass (about 30 s).
@pytest.mark.skipif(
    bool(os.environ.get("QFRAME_TEST_DATABASE_URL")),
    reason="mypy does not touch the database; the SQLite pass runs it",
)
def test_mypy_reports_no_error_over_all_of_qframe():
    # The project's .mypy_cache (git-ignored) makes a rerun after a small change take seconds.
    done = subprocess.run(  # fixed argv: this interpreter's mypy with the project's config
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")
