"""Exception (PCA) rates as an indicator in their own right (domain.md §4 and §8).

exceptions / (denominator + exceptions) per provider over the run's period (its collection
periods summed), on the ordinary funnel: Wilson limits, and the target and τ² of a reference
population (every provider in qframe with exception counts on an indicator of the same code in
the same periods) when the run's own providers are too few. A rate beyond the high 99.8% limit
raises a question; without a reference the funnel, and so the question, is provisional.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.errors import EngineError
from qframe.engine.gaming import exception_funnel
from qframe.engine.intervals import wilson_interval
from qframe.engine.reference import proportion_reference
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.measurements.models import Measurement
from qframe.measurements.rows import collection_kind
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.models import Period
from qframe.scoring.models import ScoreRun
from qframe.variation.question_types import Checked, Question


def _periods(run: ScoreRun, kind: str) -> list[int]:
    period = run.period
    return list(
        db.session.scalars(
            select(Period.id).where(
                Period.kind == kind,
                Period.start_date >= period.start_date,
                Period.end_date <= period.end_date,
            )
        )
    )


def _sums(
    indicator: Indicator, period_ids: list[int], user: Any | None
) -> dict[int, tuple[Organisation | None, int, int]]:
    """Organisation id → (organisation, exceptions, payment denominator) summed over periods."""
    stmt = (
        select(Organisation, Measurement.exclusions, Measurement.denominator)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .where(
            Measurement.period_id.in_(period_ids),
            Measurement.missing.is_(False),
            Measurement.exclusions.is_not(None),
            Measurement.denominator.is_not(None),
            Organisation.kind.in_(PROVIDER_KINDS),
        )
    )
    if user is None:  # the reference population: every provider in qframe on this code
        stmt = stmt.join(Indicator, Indicator.id == Measurement.indicator_id).where(
            Indicator.code == indicator.code, Indicator.measure == "proportion"
        )
    else:
        stmt = stmt.where(
            Measurement.indicator_id == indicator.id, in_scope_clause(Organisation.id, user)
        )
    out: dict[int, tuple[Organisation | None, int, int]] = {}
    for org, exceptions, denominator in db.session.execute(stmt):
        if exceptions is None or denominator is None:
            continue
        _held, e, d = out.get(org.id, (org, 0, 0))
        out[org.id] = (org, e + int(exceptions), d + int(denominator))
    return out


def exception_questions(
    run: ScoreRun, indicators: list[Indicator], user: Any, checked: Checked
) -> list[Question]:
    """A question for each in-scope provider whose exception rate is beyond the 99.8% limit."""
    out = []
    for indicator in indicators:
        if indicator.measure != "proportion":
            continue
        kind = collection_kind(run.framework.setting, indicator.level, indicator.frequency)
        period_ids = _periods(run, kind)
        sums = _sums(indicator, period_ids, user)
        if not sums:
            continue
        checked.exception_indicators += 1
        everyone = _sums(indicator, period_ids, None)
        try:
            reference = proportion_reference(
                [(e, d + e) for _o, e, d in everyone.values()], "qframe"
            )
            result = exception_funnel([(str(i), e, d) for i, (_o, e, d) in sums.items()], reference)
        except EngineError:
            continue
        for row in result.rows:
            org, exceptions, denominator = sums[int(row.org)]
            if row.flag != "alarm" or org is None or result.target is None:
                continue
            ci = wilson_interval(exceptions, exceptions + denominator)
            basis = "every provider in qframe" if result.basis == "qframe" else "these providers"
            out.append(
                Question(
                    "exceptions", indicator, org, run.period.label,
                    f"Why does {org.name} except so many patients from {indicator.code}?",
                    f"{exceptions:,} of {exceptions + denominator:,} eligible patients excepted "
                    f"({ci.value:.1f}%, 95% interval {ci.low:.1f}–{ci.high:.1f}%) against "
                    f"{100 * result.target:.1f}% across {basis}; above the 99.8% funnel limit "
                    f"of {100 * (row.high998 or 0):.1f}%.",
                    ci.value, ci.low, ci.high, 100 * result.target, result.provisional,
                )
            )  # fmt: skip
    return out
