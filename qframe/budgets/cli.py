"""`qframe budgets …`: ledger import from the command line (the same service as the web)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from qframe.database import discard_changes
from qframe.errors import DomainError


@click.group()
def budgets() -> None:
    """Devolved budgets."""


@budgets.command("import-ledger")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", default=None, help="Financial year, e.g. 2025/26 (default: the file's).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@with_appcontext
def import_ledger_command(path: Path, year: str | None, dry_run: bool) -> None:
    """Replace the months in a ledger CSV (cost_centre,month,category,amount), all or nothing."""
    from qframe.budgets.ledger import import_ledger
    from qframe.cli import fail

    try:
        result = import_ledger(
            None, path.read_bytes(), year=year, filename=path.name, dry_run=dry_run
        )
    except DomainError as error:
        fail(error)
    if result.unchanged:
        click.echo(f"{path.name} is already in the ledger for {result.year}: nothing changed")
        return
    if dry_run:
        discard_changes()
        click.echo(f"Checked: {result.rows:,} rows for {result.year} would be imported")
        return
    click.echo(
        f"Imported {result.rows:,} rows for {result.year} "
        f"({len(result.cost_centres)} cost centres, {result.replaced_rows:,} rows replaced)"
    )


commands = [budgets]
