"""`qframe escalation calibrate` (formats.md): the ladder's rates on a simulation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from qframe.errors import DomainError

WORDS = {
    "in_control": "In control (stable providers), level 2+ within a year",
    "pocket": "One-quarter pocket of poor care, level 2+ within a year",
    "sustained": "Sustained deterioration (odds or rate x 1/0.6 on a third), level 2+ by Q3",
}
TRIGGER_WORDS = {
    "alert_or_alarm": "level 1: an alert or alarm against the reference population",
    "cusum": "level 2: CUSUM above threshold and rising two quarters running",
    "repeat_alarm": "level 2: an alarm on the same indicator two quarters running",
    "breadth": "level 2: alarms in 2+ domains in one quarter",
    "wide_cusum": "level 3: CUSUM signals on 25%+ of indicators across 2+ domains",
}


@click.group("escalation")
def escalation() -> None:
    """The escalation ladder."""


@escalation.command("calibrate")
@click.option("--framework", "code", required=True, help="Framework code, e.g. AQF.")
@click.option("--years", type=int, default=200, show_default=True, help="Simulated years.")
@click.option("--seed", type=int, default=13, show_default=True)
@with_appcontext
def calibrate(code: str, years: int, seed: int) -> None:
    """Simulate the ladder on the framework's providers; print false-escalation and detection.

    Every indicator the ladder judges is simulated on the providers' real quarterly sizes:
    proportions (binomial, with the CUSUM), rates and ratios such as SHMI (Poisson counts on
    exposure or expected count, exact Poisson / log-normal limits; no CUSUM, as the stored
    ladder runs none on them).
    """
    from qframe.cli import fail
    from qframe.escalation.calibration import DOMAIN_RATES, calibrate_ladder
    from qframe.scoring.lookup import scorable_framework

    try:
        if years < 1:
            raise DomainError("--years must be at least 1")
        result = calibrate_ladder(scorable_framework(code), runs=years, seed=seed)
    except DomainError as error:
        fail(error)
    click.echo(
        f"{code}: {result.providers} providers x {result.indicators} indicators from "
        f"{result.period.label} ({result.family_words()}); {years} simulated years each, "
        f"seed {seed}"
    )
    if result.assumed_tau2:
        click.echo(f"Between-provider variation not estimated for {result.assumed_words()}")
    meets = result.meets()
    for r in result.results:
        need = DOMAIN_RATES[r.scenario]
        sign = ">=" if r.scenario == "sustained" else "<="
        verdict = "meets" if meets[r.scenario] else "DOES NOT MEET"
        click.echo(
            f"{WORDS[r.scenario]}: {r.level2:.1%} (domain.md: {sign} {need:.0%}, {verdict}); "
            f"level 3 {r.level3:.1%}; naive rule (any unadjusted 99.8% alarm => level 2) "
            f"{r.naive_level2:.1%}"
        )
        for name, share in r.by_trigger.items():
            click.echo(f"    {TRIGGER_WORDS[name]}: {share:.1%}")


@escalation.command("assess")
@click.option("--framework", "code", required=True, help="Framework code, e.g. AQF.")
@click.option("--period", "label", required=True, help="Period, e.g. 2025/26 Q4.")
@with_appcontext
def assess(code: str, label: str) -> None:
    """Work out every provider's support level; print the count at each level for the period."""
    from qframe.cli import fail
    from qframe.escalation.services import evaluate_escalation, ladder, support_label
    from qframe.scoring.lookup import find_period, scorable_framework

    try:
        framework = scorable_framework(code)
        period = find_period(label)
        evaluate_escalation(None, framework)
        _period, rows = ladder(framework, period)
    except DomainError as error:
        fail(error)
    counts = {level: sum(1 for r in rows if r.decision.level == level) for level in range(4)}
    click.echo(f"{code} {period.label}: {len(rows)} providers")
    for level, count in counts.items():
        click.echo(f"  level {level} ({support_label(level)}): {count}")


@escalation.command("export")
@click.option("--framework", "code", required=True, help="Framework code, e.g. AQF.")
@click.option("--period", "label", required=True, help="Period, e.g. 2025/26 Q4.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@with_appcontext
def export(code: str, label: str, output: str | None) -> None:
    """Write the Support levels CSV: org_code,period,level,previous_level,reasons."""
    from qframe.cli import fail
    from qframe.csvio import write_csv
    from qframe.escalation.services import ladder
    from qframe.scoring.lookup import find_period, scorable_framework

    try:
        framework = scorable_framework(code)
        period = find_period(label)
        _period, rows = ladder(framework, period)
    except DomainError as error:
        fail(error)
    lines = [
        [
            r.organisation.code,
            period.label,
            r.decision.level,
            "" if r.previous is None else r.previous.level,
            "; ".join((r.decision.evidence or {}).get("lines", [])),
        ]
        for r in sorted(rows, key=lambda r: r.organisation.code)
    ]
    text = write_csv(["org_code", "period", "level", "previous_level", "reasons"], lines)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"{len(lines)} providers written to {output}")
    else:
        click.echo(text, nl=False)


commands = [escalation]
