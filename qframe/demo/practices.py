"""Demo primary care: a QOF-style framework for the region's 30 practices, with exceptions.

The region's own QOF stays in draft (its thresholds are the demo's exercise), so the practices
had no results: no practice scorecard, and nothing for the questions page's exception (PCA)
funnel to look at. This step publishes a small synthetic QOF-style framework (eight proportion
indicators copying QOF Scotland 2015/16's thresholds and points), records a year of results for
every practice from its own disease registers, with plausible exception counts, and scores
the year (final).

Exceptions follow QOF: the denominator is net of them (exceptions / (denominator +
exceptions) is the exception rate), about 2–9% by indicator with a little spread between
practices; one practice excepts about a quarter of its eligible patients on one indicator, so
the commissioner's questions page asks why. Runs last with its own random stream, so no
earlier step's draws, and no existing figure, change.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import TYPE_CHECKING, Any

from qframe.frameworks.demo import qof_style_framework
from qframe.frameworks.io import import_framework
from qframe.frameworks.library import load_library_framework
from qframe.frameworks.lifecycle import publish_framework
from qframe.frameworks.models import Framework
from qframe.measurements.rows import IndicatorRef, ValidRow
from qframe.measurements.services import org_refs, write_rows
from qframe.orgs.models import Organisation
from qframe.periods.labels import periods_in_year
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import finalise_run, score_period

if TYPE_CHECKING:
    from qframe.demo import DemoContext

CODE = "PCQF"
YEAR = "2025/26"
# QOF Scotland 2015/16 indicators whose disease group has a register in the demo practices.
CHOSEN = "AF007(S) AST003(S) CHD002(S) COPD003(S) DM002(S) DM007(S) HYP006(S) MH003(S)".split()
HIGH_PRACTICE = 7  # the practice (by position) that excepts many patients…
HIGH_INDICATOR = "DM007(S)"  # …on this indicator
HIGH_RATE = 0.26


def load(ctx: DemoContext) -> None:
    practices: list[Organisation] = ctx.shared.get("practices") or []
    owner = ctx.shared.get("commissioner")
    if ctx.scale != "small" or not practices or owner is None:
        return
    rng = random.Random(ctx.rng.getrandbits(64))  # noqa: S311 - synthetic data
    framework = publish_framework(None, import_framework(None, framework_data(), owner))
    spec = periods_in_year(YEAR, "year")[0]
    rows = _rows(rng, framework, practices, spec)
    tag = hashlib.sha256(f"demo {CODE} {framework.version}".encode()).hexdigest()
    write_rows(None, framework, rows, source="file", sha256=tag, filename="demo")
    run = finalise_run(None, score_period(None, framework, get_or_create_period(spec.label)))
    high = practices[HIGH_PRACTICE]
    ctx.report.append(
        f"Primary care: {CODE} published, {len(rows):,} values with exception counts, "
        f"{spec.label} scored (final, run {run.id}); {high.name} ({high.code}) excepts about "
        f"{HIGH_RATE:.0%} of patients on {HIGH_INDICATOR}: /variation/runs/{run.id}/questions"
    )


def framework_data() -> dict[str, Any]:
    """PCQF: eight QOF Scotland 2015/16 proportion indicators, through the format's schema."""
    scotland = load_library_framework("qof-scotland-2015-16")
    by_code = {i["code"]: i for i in scotland["indicators"]}
    indicators = [{**by_code[code], "prevalence_adjusted": False} for code in CHOSEN]
    return qof_style_framework(
        CODE,
        "Primary care quality framework (QOF-style, synthetic)",
        scotland,
        indicators,
        "A synthetic QOF-style framework so the demo practices have results.",
        "Synthetic, for the demo region. Indicators, thresholds and points copy QOF "
        "Scotland 2015/16 (ISD Scotland); £ per point is QOF England 2025/26's £225.49.",
    )


def _rows(
    rng: random.Random, framework: Framework, practices: list[Organisation], spec: Any
) -> list[ValidRow]:
    refs = org_refs(None)
    rows = []
    for indicator in sorted(framework.indicators, key=lambda i: i.position):
        iref = IndicatorRef(
            indicator.id, indicator.code, indicator.measure, indicator.level, indicator.data_source
        )
        lower, upper = float(indicator.lower or 40), float(indicator.upper or 80)
        base = rng.uniform(0.02, 0.09)  # this indicator's typical exception rate
        for n, practice in enumerate(practices):
            registers = {r.group: r.size for r in practice.registers}
            eligible = max(10, round(registers.get(indicator.group or "", 0) * rng.uniform(0.6, 1)))
            rate = min(0.5, base * math.exp(rng.gauss(0, 0.12)))
            if n == HIGH_PRACTICE and indicator.code == HIGH_INDICATOR:
                rate = HIGH_RATE
            exceptions = min(eligible - 1, _binomial(rng, eligible, rate))
            denominator = eligible - exceptions  # net of exceptions, as QOF reports it
            share = min(max((lower + (upper - lower) * rng.gauss(0.75, 0.25)) / 100, 0.05), 0.99)
            numerator = _binomial(rng, denominator, share)
            rows.append(
                ValidRow(
                    0, refs[practice.code], iref, spec, numerator, denominator, exceptions,
                    None, None, None,
                )
            )  # fmt: skip
    return rows


def _binomial(rng: random.Random, n: int, p: float) -> int:
    # Normal approximation with continuity kept in range; exact enough for synthetic counts.
    if n <= 0:
        return 0
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
