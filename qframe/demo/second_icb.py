"""Demo data for the second ICB (QF2): its own acute framework, measurements, a final score run
and a proposed reward allocation, so its commissioner and finance user have pages to see.

Runs last, so the main region's draws are unchanged; small (one trust, a line, two wards).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qframe.frameworks.io import import_framework
from qframe.frameworks.library import load_library_framework
from qframe.frameworks.lifecycle import publish_framework
from qframe.measurements.demo import _Maker
from qframe.optimiser.recipients import pounds
from qframe.rewards.demo import _score_latest
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run

if TYPE_CHECKING:
    from qframe.demo import DemoContext

CODE = "SMAQF"
POT_PENCE = 500_000_00
PROPOSER = "finance.south@demo.qframe.test"


def load(ctx: DemoContext) -> None:
    second = ctx.shared.get("second_icb")
    proposer = (ctx.shared.get("users") or {}).get(PROPOSER)
    if ctx.scale != "small" or second is None or proposer is None:
        return
    data = load_library_framework("acute-quality-2025-26")
    data["code"], data["title"] = CODE, f"South Moor {data['title']}"
    framework = publish_framework(None, import_framework(None, data, second["commissioner"]))
    maker = _Maker(ctx.rng, date.today())
    maker.framework(framework)
    score = _score_latest(framework)
    if score is None:
        ctx.report.append(f"Second ICB: {CODE} published, {maker.rows:,} values, not yet scored")
        return
    run = propose_run(proposer, framework, score.period, POT_PENCE, parse_policy({})).run
    ctx.report.append(
        f"Second ICB: {CODE} published, {maker.rows:,} values, {score.period.label} scored "
        f"(final); reward run {run.id} {run.status} ({pounds(POT_PENCE)} pot, by {PROPOSER})"
    )
