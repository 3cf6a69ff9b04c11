"""Demo scoring: every quarter of the demo region's own frameworks, the closed ones finalised.

Quarters give the scorecards a trend and the escalation ladder a history; the quarter still
collecting data (the latest) stays provisional, as it would in real life.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qframe.periods.labels import periods_in_year
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import finalise_run, score_period

if TYPE_CHECKING:
    from qframe.demo import DemoContext

DEMO_FRAMEWORKS = ("AQF", "CQF")


def load(ctx: DemoContext) -> None:
    frameworks = ctx.shared.get("frameworks") or {}
    if ctx.scale != "small":
        return
    lines = []
    for code in DEMO_FRAMEWORKS:
        framework = frameworks.get(code)
        if framework is None:
            continue
        quarters = periods_in_year(framework.year, "quarter")
        final = 0
        for spec in quarters:
            run = score_period(None, framework, get_or_create_period(spec.label))
            if spec is not quarters[-1] and spec.end < date.today():
                finalise_run(None, run)
                final += 1
        lines.append(f"{code} {len(quarters)} quarters ({final} final)")
    if lines:
        ctx.report.append("Scores: " + "; ".join(lines))
