"""`qframe measurements import|import-qof-scotland`: all or nothing, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError
from qframe.progress import progress


@click.group("measurements")
def measurements() -> None:
    """Import indicator data."""


@measurements.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--framework", "code", required=True, help="Framework code, e.g. AQF.")
@click.option("--version", type=int, default=None, help="Framework version (default: latest).")
@with_appcontext
def import_command(path: Path, code: str, version: int | None) -> None:
    """Import a Measurements CSV (all or nothing); prints the row count."""
    from qframe.cli import fail
    from qframe.measurements.services import import_csv, resolve_framework

    data = path.read_bytes()
    try:
        framework = resolve_framework(code, version)
        lines = max(data.count(b"\n"), 1)
        with progress(lines, f"Importing {path.name}") as bar:
            outcome = import_csv(
                None,
                framework,
                data,
                filename=path.name,
                progress=bar.update,  # type: ignore[attr-defined]
            )
    except DomainError as error:
        fail(error)
    where = f"{framework.code} v{framework.version}"
    if outcome.already is not None:
        click.echo(f"0 rows imported into {where}: {outcome.message}")
    else:
        click.echo(f"{outcome.rows} rows imported into {where}: {outcome.counts}")


@measurements.command("import-qof-scotland")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--framework", "code", default="QOF-SCO", show_default=True)
@click.option("--version", type=int, default=None)
@with_appcontext
def import_qof_scotland_command(path: Path, code: str, version: int | None) -> None:
    """Import ISD Scotland's QOF 2015/16 achievement CSV (practice_lookup CSV beside it).

    practice_code becomes the organisation code (missing practices are created under a
    SCOTLAND commissioner); numerator/denominator as published; ISD's suppressed rows
    (denominator under 5) are recorded as missing, never zero; "-" is 0. All-or-nothing
    indicators (QS, MM, CS001, CS004, PC002, SMOK003) are stored as yes/no: 1 when the
    points achieved equal the points available, else 0 (partial awards kept in the comment).
    """
    from qframe.cli import fail
    from qframe.measurements.qof_scotland import import_qof_scotland
    from qframe.measurements.services import resolve_framework

    try:
        framework = resolve_framework(code, version)
        with progress(70_000, f"Importing {path.name}") as bar:
            result = import_qof_scotland(
                None,
                framework,
                path,
                progress=bar.update,  # type: ignore[attr-defined]
            )
    except DomainError as error:
        fail(error)
    for line in result.report():
        click.echo(line)


commands = [measurements]
