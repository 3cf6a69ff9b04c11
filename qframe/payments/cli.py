"""`qframe payments post`: post a year's cash flow for a framework's final scores."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError


@click.group("payments")
def payments() -> None:
    """Payments on account, year-end settlement and adjustments."""


@payments.command("post")
@click.option("--framework", "code", required=True, help="Framework code.")
@click.option("--version", type=int, default=None, help="Framework version (default: latest).")
@with_appcontext
def post(code: str, version: int | None) -> None:
    """Post the year's payment lines for every provider in the framework's final scores."""
    from qframe.cli import fail
    from qframe.payments.services import post_year
    from qframe.scoring.lookup import scorable_framework

    try:
        framework = scorable_framework(code, version)
        done = post_year(None, framework)
    except DomainError as error:
        fail(error)
    click.echo(
        f"{framework.code} {framework.year}: {done.new} new statements, {done.adjusted} "
        f"adjusted, {done.unchanged} unchanged, {done.no_entitlement} without an entitlement"
    )


commands = [payments]
