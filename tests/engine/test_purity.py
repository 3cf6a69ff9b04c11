"""The engine (and optimiser, when present) must load without the web stack."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ["qframe.engine"] + (
    ["qframe.optimiser"] if importlib.util.find_spec("qframe.optimiser") else []
)
PROBE = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in ("flask", "sqlalchemy") if m in sys.modules)))
"""


@pytest.mark.parametrize("package", PACKAGES)
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
