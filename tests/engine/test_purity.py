"""The engine, the optimiser and the pure modules beside them must load without the web stack."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ["qframe.engine"] + (
    ["qframe.optimiser"] if importlib.util.find_spec("qframe.optimiser") else []
)
# Pure modules in the feature packages: calculations the views and services call. mypy checks
# them strictly too (pyproject.toml [tool.mypy]); the two lists are the same.
PURE_MODULES = [
    "qframe.budgets.calc",
    "qframe.scoring.calculate",
    "qframe.scoring.rollup",
    "qframe.commitments.status",
    "qframe.appraisal.rules",
    "qframe.measurements.validation",
    "qframe.money",
    "qframe.variation.small_unit_kinds",
]
PROBE = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(getattr(package, "__path__", []), package.__name__ + "."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in ("flask", "sqlalchemy") if m in sys.modules)))
"""


@pytest.mark.parametrize("package", PACKAGES + PURE_MODULES)
def test_pure_packages_import_neither_flask_nor_sqlalchemy(package):
    # A fresh interpreter, so modules loaded by other tests cannot hide or fake an import.
    done = subprocess.run(  # fixed argv: this interpreter and a constant script
        [sys.executable, "-c", PROBE, package],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
