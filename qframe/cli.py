"""The `qframe` command: a FlaskGroup over create_app; subcommands call services."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from qframe.auth.services import create_user
from qframe.csvio import format_problems
from qframe.database import has_unsaved_writes
from qframe.errors import DomainError, ValidationFailed
from qframe.extensions import db

# Feature command groups: each module exposes `commands` (a list of click commands/groups).
FEATURE_COMMANDS: tuple[str, ...] = (
    "qframe.budgets.cli",
    "qframe.scheduler.cli",
    "qframe.frameworks.cli",
    "qframe.measurements.cli",
    "qframe.scoring.cli",
    "qframe.rewards.cli",
    "qframe.fhir.cli",
    "qframe.variation.cli",
    "qframe.escalation.cli",
    "qframe.payments.cli",
)


def _create_app():
    from qframe.app import create_app

    return create_app()


def fail(error: DomainError) -> NoReturn:
    """Print a one-line error (and the problem report, if any) and exit 1; nothing is kept."""
    db.session.rollback()
    click.echo(f"Error: {error.message}", err=True)
    if isinstance(error, ValidationFailed) and error.problems:
        click.echo(format_problems(error.problems), err=True, nl=False)
    sys.exit(1)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """qframe: NHS quality frameworks."""


@click.group()
def users() -> None:
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True)
@click.option("--name", default="")
@click.option(
    "--org", "orgs", multiple=True, help="Organisation code in the user's scope (repeatable)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(
    email: str, role: str, name: str, orgs: tuple[str, ...], password_stdin: bool
) -> None:
    """Add a user with a role scoped to organisations."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            None, email=email, role=role, password=password, name=name, org_codes=orgs
        )
    except DomainError as error:
        fail(error)
    click.echo(f"Created {user.email} ({user.role})")


@click.group()
def orgs() -> None:
    """Manage organisations."""


@orgs.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def orgs_import(path: Path) -> None:
    """Create or update organisations from a CSV (all or nothing)."""
    from qframe.orgs.services import import_organisations

    try:
        result = import_organisations(None, path.read_bytes())
    except DomainError as error:
        fail(error)
    click.echo(f"{result.created} created, {result.updated} updated")


@click.command("demo")
@click.option(
    "--scale", type=click.Choice(["small", "national"]), default="small", show_default=True
)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when organisations already exist.")
@with_appcontext
def demo(scale: str, seed: int, if_empty: bool) -> None:
    """Load a realistic synthetic region (small) or a national-scale data set."""
    from qframe.demo import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("Database already has data: demo not loaded.")
        return
    try:
        report = load_demo(scale=scale, seed=seed, echo=click.echo)
    except DomainError as error:
        fail(error)
    for line in report:
        click.echo(line)


def in_transaction(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The CLI's one transaction boundary: commit when the command returns or exits by its own
    choice (SystemExit), roll back on any other error."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = callback(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit):
            # An exit the command chose is a handled answer: keep what it left (a failed run it
            # recorded); `fail()` discards the changes before it exits.
            _commit_if_written()
            raise
        except BaseException:
            db.session.rollback()
            raise
        _commit_if_written()
        return result

    return with_appcontext(run)


def _commit_if_written() -> None:
    if has_unsaved_writes(db.session()):
        db.session.commit()


def wrap_commands(command: click.Command) -> click.Command:
    """Give a command (and every subcommand of a group) the transaction boundary, once."""
    if command.callback is not None and not getattr(command.callback, "qframe_tx", False):
        command.callback = in_transaction(command.callback)
        command.callback.qframe_tx = True  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            wrap_commands(sub)
    return command


def register_commands(app: Flask) -> None:
    """Attach every qframe command to the app's CLI (so `qframe` and `flask` both have them)."""
    for command in (users, orgs, demo):
        app.cli.add_command(wrap_commands(command))
    for module in FEATURE_COMMANDS:
        for command in importlib.import_module(module).commands:
            app.cli.add_command(wrap_commands(command))
