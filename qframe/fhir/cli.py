"""`qframe fhir export-framework | export-results | import` (docs/formats.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError
from qframe.fhir.codes import dumps


def _fail(error: DomainError) -> None:
    from qframe.cli import fail

    fail(error)


def _write(text: str, output: Path | None) -> None:
    from qframe.frameworks.cli import _write_atomically

    if output is None:
        click.echo(text, nl=False)
    else:
        _write_atomically(output, text)


@click.group("fhir")
def fhir() -> None:
    """FHIR R4 Measure and MeasureReport bundles in and out."""


@fhir.command("export-framework")
@click.argument("code")
@click.option("--version", "version", type=int, help="Version (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_framework_command(code: str, version: int | None, output: Path | None) -> None:
    """Write the framework as a FHIR Bundle of Measure resources (one per indicator)."""
    from qframe.fhir.measures import framework_bundle
    from qframe.frameworks.services import find_framework

    try:
        text = dumps(framework_bundle(find_framework(code, version)))
    except DomainError as error:
        _fail(error)
    _write(text, output)


@fhir.command("export-results")
@click.option("--framework", "code", required=True, help="Framework code.")
@click.option("--period", "label", required=True, help="Period label, e.g. 2025/26 Q1.")
@click.option("--version", "version", type=int, help="Framework version (default: latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_results_command(code: str, label: str, version: int | None, output: Path | None) -> None:
    """Write the period's results as a FHIR Bundle of summary MeasureReports."""
    from qframe.fhir.reports import results_bundle
    from qframe.scoring.lookup import find_period, scorable_framework

    try:
        text = dumps(results_bundle(scorable_framework(code, version), find_period(label)))
    except DomainError as error:
        _fail(error)
    _write(text, output)


@fhir.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--framework", "code", help="Framework the MeasureReports are for.")
@click.option("--version", "version", type=int, help="Framework version (default: latest).")
@click.option("--owner", help="Owning commissioner of a Measure bundle's draft framework.")
@with_appcontext
def import_command(path: Path, code: str | None, version: int | None, owner: str | None) -> None:
    """Import a Bundle of MeasureReports as measurements (all or nothing, needs --framework),
    or a Bundle of Measures as a draft framework."""
    data = path.read_bytes()
    try:
        if _holds_measures(data):
            _import_measures(data, owner)
            return
        if code is None:
            raise DomainError("Say which framework the MeasureReports are for: --framework CODE")
        from qframe.fhir.report_import import import_reports
        from qframe.measurements.services import resolve_framework

        framework = resolve_framework(code, version)
        outcome = import_reports(None, framework, data, filename=path.name)
    except DomainError as error:
        _fail(error)
    where = f"{framework.code} v{framework.version}"
    if outcome.already is not None:
        click.echo(f"0 rows imported into {where}: {outcome.message}")
    else:
        click.echo(f"{outcome.rows} rows imported into {where}: {outcome.counts}")


def _import_measures(data: bytes, owner_code: str | None) -> None:
    from qframe.fhir.measure_import import import_measures
    from qframe.frameworks.cli import _owner

    result = import_measures(None, data, _owner(owner_code, None))
    click.echo(f"{result.framework.code} {result.framework.version}")
    for note in result.notes:
        click.echo(f"note: {note}")


def _holds_measures(data: bytes) -> bool:
    """True when the file is a Bundle whose first resource is a Measure."""
    try:
        first = json.loads(data)["entry"][0]["resource"]["resourceType"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return False
    return bool(first == "Measure")


commands = [fhir]
