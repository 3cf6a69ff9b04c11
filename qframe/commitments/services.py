"""Record commitments (validated whole) and read them with their data-derived status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qframe.audit import services as audit
from qframe.auth.permissions import get_owned_or_404, in_scope_clause
from qframe.csvio import parse_decimal
from qframe.engine.measure_types import measure_type
from qframe.errors import Problem, ValidationFailed
from qframe.extensions import db
from qframe.frameworks.models import Framework, Indicator
from qframe.orgs.models import PROVIDER_KINDS, Organisation
from qframe.periods.labels import BadPeriod, parse_period
from qframe.periods.models import Period, get_or_create_period
from qframe.scoring.models import Score, ScoreRun

from .chart import CommitmentChart, commitment_chart
from .models import Commitment
from .status import Reading, commitment_status, target_problem

WHY_MAX = 300
SCORED = ("published", "closed")


def indicator_choices(org: Organisation) -> list[Indicator]:
    """Indicators of published frameworks for the provider's setting (or mixed settings)."""
    stmt = (
        select(Indicator)
        .join(Framework, Framework.id == Indicator.framework_id)
        .where(Framework.status.in_(SCORED), Framework.setting.in_([org.kind, "mixed"]))
        .options(selectinload(Indicator.framework))
        .order_by(Framework.code, Framework.version.desc(), Indicator.position)
    )
    return list(db.session.scalars(stmt))


def _number(text: str, label: str, column: str, problems: list[Problem]) -> Decimal | None:
    value = parse_decimal(text.strip())
    if value is None:
        problems.append(Problem("bad_number", f"{label}: enter a number, e.g. 4.8", column=column))
    return value


def _period(text: str, label: str, column: str, problems: list[Problem]) -> Any:
    try:
        return parse_period(text)
    except BadPeriod as error:
        problems.append(Problem("bad_period", f"{label}: {error}", column=column))
        return None


def _milestones(text: str, start: Any, due: Any, problems: list[Problem]) -> list[dict[str, str]]:
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        label, _, value = raw.partition(":")
        spec = _period(label.strip(), f"Milestone line {number}", "milestones", problems)
        amount = _number(value, f"Milestone line {number}", "milestones", problems)
        if spec is None or amount is None:
            continue
        if start is not None and due is not None and not start.end < spec.end <= due.end:
            problems.append(
                Problem(
                    "bad_milestone",
                    f"Milestone line {number}: {spec.label} is "
                    "not between the baseline and due periods",
                    column="milestones",
                )
            )
            continue
        found.append({"period": spec.label, "value": format(amount, "f"), "_end": spec.end})
    found.sort(key=lambda m: m["_end"])
    return [{"period": m["period"], "value": m["value"]} for m in found]


def record_commitment(actor: Any, org: Organisation, data: dict[str, Any]) -> Commitment:
    """Check every field (nothing saved on any problem), then store the commitment."""
    problems: list[Problem] = []
    indicator = next(
        (i for i in indicator_choices(org) if str(i.id) == str(data.get("indicator"))), None
    )
    if indicator is None:
        problems.append(Problem("bad_indicator", "Choose an indicator", column="indicator"))
    baseline = _number(str(data.get("baseline", "")), "Baseline", "baseline", problems)
    target = _number(str(data.get("target", "")), "Target", "target", problems)
    start = _period(
        str(data.get("baseline_period", "")), "Baseline period", "baseline_period", problems
    )
    due = _period(str(data.get("due_period", "")), "Due period", "due_period", problems)
    if start is not None and due is not None and due.end <= start.end:
        problems.append(
            Problem(
                "bad_due", "The due period must end after the baseline period", column="due_period"
            )
        )
    why = str(data.get("why", "")).strip()
    if not why or len(why) > WHY_MAX:
        problems.append(
            Problem(
                "bad_why",
                f"Say in one sentence why it matters (up to {WHY_MAX} characters)",
                column="why",
            )
        )
    if indicator is not None and baseline is not None and target is not None:
        wrong = target_problem(indicator.polarity, float(baseline), float(target))
        if wrong:
            problems.append(
                Problem("wrong_side", f"Target {target}: {wrong} ({baseline})", column="target")
            )
        percent = measure_type(indicator.measure).shown_as == "percent"
        if percent and not (0 <= baseline <= 100 and 0 <= target <= 100):
            problems.append(
                Problem("bad_percent", "A proportion runs from 0 to 100", column="target")
            )
    milestones = _milestones(str(data.get("milestones", "")), start, due, problems)
    if problems:
        raise ValidationFailed("The commitment was not saved", problems)
    assert indicator is not None  # noqa: S101 - a missing indicator is a problem above
    commitment = Commitment(
        organisation_id=org.id,
        indicator_id=indicator.id,
        baseline=baseline,
        target=target,
        baseline_period_id=get_or_create_period(start.label).id,
        due_period_id=get_or_create_period(due.label).id,
        milestones=milestones,
        why=why,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(commitment)
    db.session.flush()
    audit.record(
        actor,
        "commitments.create",
        "commitment",
        commitment.id,
        after={
            "organisation": org.code,
            "indicator": indicator.code,
            "baseline": baseline,
            "target": target,
            "due": due.label,
        },
    )
    return commitment


@dataclass(frozen=True)
class Progress:
    commitment: Commitment
    readings: tuple[Reading, ...]
    status: str
    chart: CommitmentChart


def _readings(commitments: list[Commitment]) -> dict[tuple[int, int, str], list[Reading]]:
    """(org, indicator, period kind) → the latest run's result per period, in one query."""
    if not commitments:
        return {}
    rows = db.session.execute(
        select(
            Score.organisation_id,
            Score.indicator_id,
            Period.kind,
            Period.id,
            Period.end_date,
            ScoreRun.version,
            Score.achievement,
        )
        .join(ScoreRun, ScoreRun.id == Score.run_id)
        .join(Period, Period.id == ScoreRun.period_id)
        .where(
            Score.organisation_id.in_({c.organisation_id for c in commitments}),
            Score.indicator_id.in_({c.indicator_id for c in commitments}),
            Score.achievement.is_not(None),
        )
        .order_by(ScoreRun.version)
    )
    latest: dict[tuple[int, int, str, int], Reading] = {}
    for org, indicator, kind, period, end, _version, value in rows:
        assert value is not None  # noqa: S101 - the query keeps non-null achievements only
        latest[(org, indicator, kind, period)] = Reading(end, float(value))
    found: dict[tuple[int, int, str], list[Reading]] = {}
    for (org, indicator, kind, _period), reading in latest.items():
        found.setdefault((org, indicator, kind), []).append(reading)
    return found


def progress_of(commitments: Iterable[Commitment]) -> list[Progress]:
    """Each commitment with its readings (same period kind as the due period) and status."""
    items = list(commitments)
    readings = _readings(items)
    out = []
    for c in items:
        start, due = c.baseline_period.end_date, c.due_period.end_date
        got = sorted(
            readings.get((c.organisation_id, c.indicator_id, c.due_period.kind), []),
            key=lambda r: r.on,
        )
        status = commitment_status(
            c.indicator.polarity, float(c.baseline), float(c.target), start, due, got
        )
        marks = [(parse_period(m["period"]).end, float(m["value"])) for m in c.milestones]
        chart = commitment_chart(float(c.baseline), float(c.target), start, due, got, marks)
        out.append(Progress(c, tuple(got), status, chart))
    return out


def _loaded() -> Any:
    return select(Commitment).options(
        selectinload(Commitment.organisation),
        selectinload(Commitment.indicator),
        selectinload(Commitment.baseline_period),
        selectinload(Commitment.due_period),
    )


def commitments_in_scope(user: Any) -> list[Commitment]:
    """Every commitment of providers in the user's scope, by provider then due date."""
    stmt = (
        _loaded()
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .where(in_scope_clause(Commitment.organisation_id, user))
        .order_by(Organisation.name, Commitment.id)
    )
    return list(db.session.scalars(stmt))


def commitments_of(org_ids: Iterable[int]) -> list[Commitment]:
    stmt = _loaded().where(Commitment.organisation_id.in_(list(org_ids))).order_by(Commitment.id)
    return list(db.session.scalars(stmt))


def get_commitment_or_404(commitment_id: int, user: Any) -> Commitment:
    return get_owned_or_404(Commitment, commitment_id, user)


def providers_in_scope(user: Any) -> list[Organisation]:
    stmt = (
        select(Organisation)
        .where(Organisation.kind.in_(PROVIDER_KINDS), in_scope_clause(Organisation.id, user))
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(stmt))
