"""`qframe score` and `qframe scores export` (formats.md): the same services as the web."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError
from qframe.extensions import db


@click.command("score")
@click.option("--framework", "code", required=True, help="Framework code, e.g. QOF-SCO.")
@click.option("--period", "label", required=True, help="Period, e.g. 2025/26 or 2025/26 Q1.")
@click.option(
    "--version", type=int, default=None, help="Framework version (default: latest published)."
)
@click.option("--final", is_flag=True, help="Finalise the new run at once (then immutable).")
@with_appcontext
def score(code: str, label: str, version: int | None, final: bool) -> None:
    """Score every organisation for the period and store the results as a new run."""
    from qframe.cli import fail
    from qframe.progress import progress
    from qframe.scoring.lookup import find_period, scorable_framework
    from qframe.scoring.runs import finalise_run, score_period

    try:
        framework = scorable_framework(code, version)
        period = find_period(label, calendar=True)
        run = score_period(None, framework, period, bar=progress)
        if final:
            finalise_run(None, run)
    except DomainError as error:
        fail(error)
    db.session.commit()
    counts = run.counts
    click.echo(
        f"{framework.code} v{framework.version} {period.label}"
        f"{', from ' + counts['from'] if counts.get('from') else ''}: run version {run.version} "
        f"({run.status}), {counts.get('scores', 0):,} scores for "
        f"{counts.get('providers', 0):,} providers in {counts.get('seconds', 0):.1f} s"
    )


@click.group("scores")
def scores() -> None:
    """Stored scores."""


@scores.command("export")
@click.option("--framework", "code", required=True, help="Framework code.")
@click.option("--period", "label", required=True, help="Period label.")
@click.option(
    "--version", type=int, default=None, help="Framework version (default: latest published)."
)
@click.option("--run", "run_version", type=int, default=None, help="Run version (default: latest).")
@click.option(
    "--providers", is_flag=True, help="Write the Provider results CSV (one row per provider)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export(
    code: str,
    label: str,
    version: int | None,
    run_version: int | None,
    providers: bool,
    output: Path | None,
) -> None:
    """Write the Scores CSV (or with --providers the Provider results CSV) of the latest run
    (or --run N) to a file or standard output."""
    from qframe.cli import fail
    from qframe.csvio import write_csv
    from qframe.scoring.export import header, score_rows
    from qframe.scoring.lookup import find_period, run_for, scorable_framework

    try:
        run = run_for(scorable_framework(code, version), find_period(label), run_version)
    except DomainError as error:
        fail(error)
    if providers:
        from qframe.scoring.provider_export import provider_header, provider_rows

        text, what = write_csv(provider_header(run), provider_rows(run)), "providers"
    else:
        text, what = write_csv(header(run), score_rows(run)), "scores"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {text.count(chr(10)) - 1:,} {what} to {output}", err=True)


commands = [score, scores]
