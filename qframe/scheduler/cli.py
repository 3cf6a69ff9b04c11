"""`qframe scheduler`: the one scheduler process, or one job run now with `--once JOB`."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from qframe.scheduler.jobs import JOBS, next_fire_time


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("scheduler")
@click.option(
    "--once", metavar="JOB", help="Run one job now (claimed like a scheduled run), then exit."
)
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="With --once: the scheduled time to claim, ISO 8601 (UTC without an offset).",
)
@click.option("--list", "list_jobs", is_flag=True, help="List the jobs and their next run.")
@with_appcontext
def scheduler(once: str | None, at: str | None, list_jobs: bool) -> None:
    """Run the scheduled jobs in this one process (never inside web workers)."""
    if list_jobs:
        now = datetime.now(UTC)
        for spec in JOBS.values():
            upcoming = next_fire_time(spec, now)
            click.echo(f"{spec.name:26} {spec.schedule:24} next {upcoming:%Y-%m-%d %H:%M %Z}")
        return
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if once is not None:
        from qframe.scheduler.runner import run_named

        if once not in JOBS:
            raise click.BadParameter(
                f"unknown job {once!r}; jobs: {', '.join(JOBS)}", param_hint="--once"
            )
        run = run_named(once, _parse_time(at))
        if run is None:
            click.echo(f"{once}: already claimed by another scheduler; not run")
            return
        click.echo(f"{once}: {run.status} {run.message or ''}".rstrip())
        if run.status == "failed":
            sys.exit(1)
        return
    from qframe.scheduler.process import serve

    serve(current_app._get_current_object())  # type: ignore[attr-defined]


commands = [scheduler]
