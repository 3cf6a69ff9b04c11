"""`qframe frameworks …`: import, publish, export, list, and the built-in library."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from qframe.errors import DomainError, NotFound
from qframe.extensions import db
from qframe.frameworks import services
from qframe.frameworks.library import LIBRARY, load_library_framework
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation


def _fail(error: DomainError) -> None:
    from qframe.cli import fail

    fail(error)


def _owner(code: str | None, framework_code: str | None) -> Organisation | None:
    """--owner CODE, else the owner of the code's latest version (None for a new code)."""
    if code:
        owner = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if owner is None:
            raise NotFound(f"No organisation {code}")
        return owner
    latest = services.latest_version(framework_code) if framework_code else None
    return latest.owner if latest is not None else None


@click.group("frameworks")
def frameworks() -> None:
    """Import, publish and export indicator frameworks."""


@frameworks.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--owner", help="Owning commissioner code (default: the last version's owner).")
@with_appcontext
def import_command(path: Path, owner: str | None) -> None:
    """Import a framework definition as a draft; prints CODE VERSION."""
    try:
        data = services.parse_framework(path.read_bytes())
        framework = services.import_framework(None, data, _owner(owner, data["code"]))
    except DomainError as error:
        _fail(error)
    click.echo(f"{framework.code} {framework.version}")


@frameworks.command("import-library")
@click.argument("slug", required=False)
@click.option("--all", "everything", is_flag=True, help="Import every library framework.")
@click.option("--owner", help="Code of the owning commissioner.")
@with_appcontext
def import_library_command(slug: str | None, everything: bool, owner: str | None) -> None:
    """Import a built-in library framework (or --all) as drafts; prints CODE VERSION each."""
    slugs = [e.slug for e in LIBRARY] if everything else [slug] if slug else []
    if not slugs or (slug and everything):
        known = ", ".join(e.slug for e in LIBRARY)
        raise click.UsageError(f"Give one library slug or --all. Slugs: {known}")
    imported = []
    try:
        for name in slugs:
            try:
                data = load_library_framework(name)
            except KeyError:
                known = ", ".join(e.slug for e in LIBRARY)
                raise NotFound(f"No library framework {name}; the library has {known}") from None
            imported.append(services.import_framework(None, data, _owner(owner, data["code"])))
    except DomainError as error:
        _fail(error)
    for framework in imported:
        click.echo(f"{framework.code} {framework.version}")


@frameworks.command("publish")
@click.argument("code")
@click.option("--version", "version", type=int, help="Version (default: the latest).")
@with_appcontext
def publish_command(code: str, version: int | None) -> None:
    """Publish a draft (it can never change afterwards)."""
    try:
        framework = services.publish_framework(None, services.find_framework(code, version))
    except DomainError as error:
        _fail(error)
    click.echo(f"{framework.code} {framework.version} published")


@frameworks.command("export")
@click.argument("code")
@click.option("--version", "version", type=int, help="Version (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(code: str, version: int | None, output: Path | None) -> None:
    """Write the framework JSON (it round-trips with import)."""
    try:
        text = services.framework_json(services.find_framework(code, version))
    except DomainError as error:
        _fail(error)
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file, so a failed export never leaves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.resolve().parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@frameworks.command("update")
@click.argument("code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "version", type=int, help="Version (default: the latest).")
@with_appcontext
def update_command(code: str, path: Path, version: int | None) -> None:
    """Replace a draft's content with a Framework JSON file (published ones never change)."""
    try:
        framework = services.find_framework(code, version)
        services.ensure_draft(framework)
        services.replace_draft(None, framework, services.parse_framework(path.read_bytes()))
    except DomainError as error:
        _fail(error)
    click.echo(f"{framework.code} {framework.version} updated")


@frameworks.command("close")
@click.argument("code")
@click.option("--version", "version", type=int, help="Version (default: the latest).")
@with_appcontext
def close_command(code: str, version: int | None) -> None:
    """Close a published framework: its data window ends and its results are final."""
    try:
        framework = services.close_framework(None, services.find_framework(code, version))
    except DomainError as error:
        _fail(error)
    click.echo(f"{framework.code} {framework.version} closed")


@frameworks.command("list")
@with_appcontext
def list_command() -> None:
    """List every framework version: code, version, status, year, owner, indicators, title."""
    rows = list(db.session.scalars(select(Framework).order_by(Framework.code, Framework.version)))
    counts = services.indicator_counts(rows)
    for f in rows:
        owner = f.owner.code if f.owner else "-"
        click.echo(
            f"{f.code:<14} {f.version:>3}  {f.status:<9} {f.year}  {owner:<8} "
            f"{counts.get(f.id, 0):>4}  {f.title}"
        )


commands = [frameworks]
