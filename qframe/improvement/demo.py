"""Demo health improvement plan: three years of projects across the ICB's providers.

Proposed by the demo commissioner and approved by a finance user (maker-checker), leaving a
second, unapproved proposal with a per-provider minimum for comparison.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from qframe.csvio import write_csv

from .importer import import_plan
from .runs import approve_run, propose_run

if TYPE_CHECKING:
    from qframe.demo import DemoContext

IDEAS = [
    ("Sepsis screening bundle", "SEP", 2),
    ("Falls prevention programme", "FALL", 1),
    ("Electronic observations", "EOBS", 2),
    ("Clinical audit training for ward sisters", "AUD", 1),
    ("Discharge planning team", "DIS", 1),
    ("Diabetes foot care pathway", "DFC", 2),
    ("Pressure ulcer champions", "PU", 1),
    ("Medicines reconciliation pharmacists", "MED", 2),
]


def load(ctx: DemoContext) -> None:
    users = ctx.shared.get("users", {})
    proposer = users.get("commissioner@demo.qframe.test")
    checker = users.get("finance@demo.qframe.test")
    icb = ctx.shared.get("commissioner")
    if icb is None or proposer is None or checker is None:
        return
    providers = [*ctx.shared.get("acute", [])[:2], *ctx.shared.get("community", [])[:1]]
    providers += ctx.shared.get("practices", [])[:2]
    rng = ctx.rng
    first = 2026
    years = write_csv(
        ["year", "budget", "staff_days"],
        [
            [f"{first + i}/{(first + i + 1) % 100:02d}", 400_000 + 50_000 * i, 1800]
            for i in range(3)
        ],
    )
    rows = []
    for org in providers:
        # audit training and the electronic observations built on it, plus two more
        picked = IDEAS[2:4] + rng.sample(IDEAS[:2] + IDEAS[4:], 2)
        stems = {stem for _t, stem, _d in picked}
        for title, stem, duration in picked:
            gain = Decimal(rng.randint(10, 60)) / 10
            # electronic observations build on audit training where both are proposed
            needs = f"{org.code}-AUD" if stem == "EOBS" and "AUD" in stems else ""
            later = f"{first + 1}/{(first + 2) % 100:02d}" if stem == "DIS" else ""
            rows.append(
                [
                    f"{org.code}-{stem}",
                    title,
                    org.code,
                    gain,
                    gain * Decimal("0.6"),
                    gain * Decimal("1.5"),
                    rng.randint(3, 16) * 5_000,
                    duration,
                    rng.randint(4, 30) * 10,
                    needs,
                    later,
                ]
            )
    projects = write_csv(
        [
            "project",
            "title",
            "provider",
            "gain",
            "gain_low",
            "gain_high",
            "cost_per_year",
            "duration_years",
            "staff_days",
            "prerequisites",
            "earliest_start",
        ],
        rows,
    )
    plan = import_plan(
        proposer, icb, "Health improvement plan 2026-2029", years.encode(), projects.encode()
    )
    run = propose_run(proposer, plan, Decimal(0), 0)
    approve_run(checker, run)
    propose_run(proposer, plan, Decimal(25), 1)
    funded = sum(1 for line in run.lines if line.funded)
    ctx.report.append(
        f"Health improvement plan: {len(rows)} projects, {funded} funded over 3 years "
        f"(expected gain {run.total_gain}); /improvement/{plan.id}"
    )
