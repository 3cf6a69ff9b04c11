"""`qframe allocations run | approve | export` (formats.md): the same services as the web."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from qframe.auth.models import User
from qframe.errors import DomainError, NotFound, ValidationFailed
from qframe.extensions import db


def _user(email: str | None) -> User | None:
    if email is None:
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise NotFound(f"No active user {email}")
    return user


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group("allocations")
def allocations() -> None:
    """Reward allocation runs."""


@allocations.command("run")
@click.option("--framework", "code", required=True, help="Framework code, e.g. AQF.")
@click.option("--period", "label", required=True, help="Period, e.g. 2025/26.")
@click.option("--pot", required=True, help="The reward pot in pounds, e.g. 2000000.")
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Allocation policy JSON (formats.md); default: formats.md's defaults.",
)
@click.option("--commissioner", default=None, help="Commissioner code (default: the owner).")
@click.option("--as", "email", default=None, help="Propose as this finance user (email); required.")
@with_appcontext
def run_command(
    code: str,
    label: str,
    pot: str,
    policy_path: Path | None,
    commissioner: str | None,
    email: str | None,
) -> None:
    """Propose a reward allocation on the final scores; prints the run id."""
    from qframe.cli import fail
    from qframe.orgs.models import Organisation
    from qframe.progress import progress
    from qframe.rewards.policy import parse_policy, parse_pot, read_policy_json
    from qframe.rewards.services import propose_run
    from qframe.scoring.lookup import find_period, scorable_framework

    try:
        pot_pence = parse_pot(pot)
        if policy_path is None:
            policy = parse_policy({})
        elif not policy_path.is_file():
            raise NotFound(f"No policy file {policy_path}")
        else:
            policy = read_policy_json(policy_path.read_bytes())
        actor = _user(email)
        framework = scorable_framework(code)
        period = find_period(label)
        if actor is None:
            raise ValidationFailed(
                "Say who proposes with --as EMAIL: every allocation needs a named finance "
                "proposer so that a different finance user can approve it"
            )
        owner = None
        if commissioner is not None:
            owner = db.session.scalar(select(Organisation).where(Organisation.code == commissioner))
            if owner is None:
                raise NotFound(f"No organisation {commissioner}")
        proposal = propose_run(
            actor, framework, period, pot_pence, policy, commissioner=owner, echo=_say, bar=progress
        )
    except DomainError as error:
        fail(error)
    run = proposal.run
    if not proposal.created:
        _say(f"Run {run.id} ({run.status}) already has exactly these inputs: nothing new proposed")
    elif run.status == "failed":
        _say(f"Run {run.id} FAILED: {run.message}")
    else:
        assert run.total_pence is not None  # noqa: S101 - set on every run that did not fail
        _say(
            f"Run {run.id} proposed: £{run.total_pence / 100:,.2f} of £{pot_pence / 100:,.2f} "
            f"to {run.recipient_count:,} recipients in {run.seconds:.2f} s ({run.solver})"
        )
    click.echo(run.id)
    if run.status == "failed":
        raise SystemExit(1)


@allocations.command("approve")
@click.argument("run_id", type=int)
@click.option("--as", "email", required=True, help="The approving finance user (email).")
@with_appcontext
def approve_command(run_id: int, email: str) -> None:
    """Approve a proposed run as a second finance user."""
    from qframe.cli import fail
    from qframe.rewards.services import approve_run, get_run_or_404

    try:
        actor = _user(email)
        if actor is None:
            raise NotFound("Say who approves with --as EMAIL")
        approval = approve_run(actor, get_run_or_404(run_id, actor))
    except DomainError as error:
        fail(error)
    message = f"Run {run_id} approved by {actor.email}"
    if approval.superseded is not None:
        message += f"; it supersedes run {approval.superseded.id}"
    if approval.credited_pence:
        message += f"; £{approval.credited_pence / 100:,.2f} credited to service-line budgets"
    click.echo(message)


@allocations.command("export")
@click.argument("run_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export_command(run_id: int, output: Path | None) -> None:
    """Write the allocation CSV (payment schedule) of a run to a file or standard output."""
    from qframe.cli import fail
    from qframe.csvio import write_csv
    from qframe.rewards.models import AllocationRun
    from qframe.rewards.schedule import marked_path, stamped_header, stamped_rows, status_word

    run = db.session.get(AllocationRun, run_id)
    try:
        if run is None:
            raise NotFound(f"No allocation run {run_id}")
        if run.status == "failed":
            raise DomainError(f"Run {run_id} failed: it has no payment schedule")
    except DomainError as error:
        fail(error)
    text = write_csv(stamped_header(run), stamped_rows(run))
    word = status_word(run)
    if word != "APPROVED":
        _say(f"Run {run_id} is {word}: not approved for payment; every row says {word}")
    if output is None:
        click.echo(text, nl=False)
    else:
        output = marked_path(run, output)
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {text.count(chr(10)) - 1:,} lines to {output}", err=True)


commands = [allocations]
