"""`qframe benchmarks import FILE --framework CODE`: a reference population, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError


@click.group("benchmarks")
def benchmarks() -> None:
    """Benchmark datasets (reference populations for funnel limits)."""


@benchmarks.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--framework", "code", required=True, help="Framework code, e.g. ACUTE-Q.")
@click.option("--source", default="benchmark", help="Where the values come from, in words.")
@with_appcontext
def import_command(path: Path, code: str, source: str) -> None:
    """Import a benchmark CSV: indicator_code,period,value[,numerator,denominator,unit]."""
    from qframe.cli import fail
    from qframe.scoring.lookup import scorable_framework
    from qframe.variation.benchmarks import import_benchmark

    try:
        framework = scorable_framework(code)
        count = import_benchmark(None, framework, path.read_bytes(), source)
    except DomainError as error:
        fail(error)
    click.echo(f"{count:,} benchmark rows imported for {code}")


commands = [benchmarks]
