"""`qframe demo`: each feature contributes a step that loads its part of the synthetic region."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from qframe.extensions import db
from qframe.orgs.models import Organisation

# Modules exposing `load(ctx: DemoContext) -> None`, run in this order.
STEPS = (
    "qframe.orgs.demo",
    "qframe.auth.demo",
    "qframe.frameworks.demo",
    "qframe.appraisal.demo",
    "qframe.measurements.demo",
    "qframe.budgets.demo",
    "qframe.scoring.demo",
    "qframe.rewards.demo",
    "qframe.escalation.demo",
    "qframe.improvement.demo",
    "qframe.assessment.demo",
    "qframe.devplans.demo",
    "qframe.visits.demo",
    "qframe.learning.demo",
    "qframe.demo.second_icb",
    "qframe.demo.practices",
)

DEMO_PASSWORD = "qframe-demo-2026"  # noqa: S105 - published demo credential, demo data only


@dataclass
class DemoContext:
    scale: str
    rng: random.Random
    echo: Callable[[str], None]
    report: list[str] = field(default_factory=list)
    # Objects a later step needs from an earlier one (e.g. "commissioner", "acute_trusts").
    shared: dict[str, Any] = field(default_factory=dict)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Organisation))


def load_demo(scale: str, seed: int, echo: Callable[[str], None] = print) -> list[str]:
    """Run every feature's demo step in one transaction (the caller commits)."""
    ctx = DemoContext(scale=scale, rng=random.Random(seed), echo=echo)  # noqa: S311 - synthetic data
    for name in STEPS:
        importlib.import_module(name).load(ctx)
        db.session.flush()
    return ctx.report
