"""Questions to ask (domain.md §8 gaming signals): evidence for the commissioner, never penalties.

For one score run: exception (PCA) rates on their own funnel in the run's period; bunching of
achievement just past each upper threshold among the run's providers; and, for the framework's
year, denominators that fall in the final period beyond what the provider's own earlier periods
predict. Only providers in the user's scope are examined and listed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from qframe.auth.permissions import in_scope_clause
from qframe.engine.errors import EngineError
from qframe.engine.gaming import BUNCHING_P, BUNCHING_WIDTH, bunching, late_shrinking
from qframe.extensions import db
from qframe.frameworks.models import Indicator
from qframe.measurements.models import Measurement
from qframe.measurements.rows import collection_kind
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.labels import periods_in_year
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun
from qframe.variation.gaming_exceptions import exception_questions
from qframe.variation.question_types import KINDS, Checked, Question


def questions_for_run(run: ScoreRun, user: Any) -> tuple[list[Question], Checked]:
    """Every question raised for the run, grouped by kind in KINDS order."""
    checked = Checked()
    indicators = [i for i in run.framework.indicators if i.level == "provider"]
    found: list[Question] = []
    found += exception_questions(run, indicators, user, checked)
    found += _bunching(run, indicators, user, checked)
    found += _shrinking(run, indicators, user, checked)
    return found, checked


def _bunching(
    run: ScoreRun, indicators: list[Indicator], user: Any, checked: Checked
) -> list[Question]:
    banded = {
        i.id: i
        for i in indicators
        if i.measure == "proportion" and i.method == "threshold" and i.upper is not None
    }
    values: dict[int, list[tuple[str, float]]] = {}
    for indicator_id, name, achievement in db.session.execute(
        select(Score.indicator_id, Organisation.name, Score.achievement)
        .join(Organisation, Organisation.id == Score.organisation_id)
        .where(
            Score.run_id == run.id,
            Score.indicator_id.in_(list(banded)),
            Score.achievement.is_not(None),
            Organisation.kind.in_(PROVIDER_KINDS),
            in_scope_clause(Organisation.id, user),
        )
    ):
        if achievement is not None:
            values.setdefault(indicator_id, []).append((name, float(achievement)))
    checked.threshold_indicators = len(values)
    out = []
    for indicator_id, rows in values.items():
        indicator = banded[indicator_id]
        upper = float(indicator.upper)  # type: ignore[arg-type]
        got = bunching(rows, upper, indicator.polarity)  # type: ignore[arg-type]
        if not got.raised or got.share is None:
            continue
        k, m = len(got.past), len(got.past) + len(got.short)
        side = "at or above" if indicator.polarity == "higher_is_better" else "at or below"
        out.append(
            Question(
                "bunching", indicator, None, run.period.label,
                f"Are {indicator.code} results being managed to just reach the full-points "
                f"threshold of {upper:g}%?",
                f"Of the {m} providers within {BUNCHING_WIDTH:g} point of {upper:g}%, {k} are "
                f"just {side} it ({100 * got.share:.0f}%, 95% interval "
                f"{100 * (got.low or 0):.0f}–{100 * (got.high or 0):.0f}%), where a smooth "
                f"spread of results puts about half; exact binomial test p = "
                f"{got.p_value:.4f} (a question is raised below {BUNCHING_P:g}).",
                got.share, got.low, got.high, 0.5, names=sorted(got.past),
            )
        )  # fmt: skip
    return out


def _shrinking(
    run: ScoreRun, indicators: list[Indicator], user: Any, checked: Checked
) -> list[Question]:
    year = run.framework.year
    counted = [i for i in indicators if i.measure in ("proportion", "rate")]
    by_kind: dict[str, list[Indicator]] = {}
    for indicator in counted:
        kind = collection_kind(run.framework.setting, indicator.level, indicator.frequency)
        if kind != "year":
            by_kind.setdefault(kind, []).append(indicator)
    out = []
    for kind, group in by_kind.items():
        labels = [spec.label for spec in periods_in_year(year, kind)]
        order = {label: n for n, label in enumerate(labels)}
        series: dict[tuple[int, int], dict[int, int]] = {}
        orgs: dict[int, Organisation] = {}
        for indicator_id, org, label, denominator in db.session.execute(
            select(Measurement.indicator_id, Organisation, Period.label, Measurement.denominator)
            .join(Organisation, Organisation.id == Measurement.organisation_id)
            .join(Period, Period.id == Measurement.period_id)
            .where(
                Measurement.framework_id == run.framework_id,
                Measurement.indicator_id.in_([i.id for i in group]),
                Period.label.in_(labels),
                Measurement.missing.is_(False),
                Measurement.denominator.is_not(None),
                Organisation.kind.in_(PROVIDER_KINDS),
                in_scope_clause(Organisation.id, user),
            )
        ):
            if denominator is not None:
                orgs[org.id] = org
                series.setdefault((indicator_id, org.id), {})[order[label]] = int(denominator)
        final = len(labels) - 1
        by_id = {i.id: i for i in group}
        for (indicator_id, org_id), points in series.items():
            checked.series += 1
            earlier = [points[n] for n in range(final) if n in points]
            if final not in points:
                continue
            try:
                got = late_shrinking(earlier, points[final])
            except EngineError:
                continue
            if got is None or not got.raised:
                continue
            basis = (
                "the Poisson limit of that average"
                if got.basis == "poisson"
                else "its own period-to-period variation"
            )
            out.append(
                Question(
                    "shrinking", by_id[indicator_id], orgs[org_id], labels[final],
                    f"Why did {orgs[org_id].name}'s {by_id[indicator_id].code} denominator fall "
                    f"in {labels[final]}?",
                    f"{points[final]:,} in {labels[final]} against an average of "
                    f"{got.earlier_mean:,.0f} in its {len(earlier)} earlier periods "
                    f"({100 * got.change:.0f}% lower); the lower 99.8% limit from {basis} is "
                    f"{got.limit:,.0f}.",
                    float(points[final]), got.limit, None, got.earlier_mean,
                )
            )  # fmt: skip
    return out


__all__ = ["KINDS", "Checked", "Question", "questions_for_run"]
