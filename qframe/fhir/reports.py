"""A period's results as FHIR summary MeasureReports (one per organisation and indicator)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measurereport import MeasureReport
from sqlalchemy import and_, select, true

from qframe.auth.permissions import in_scope_clause
from qframe.engine.achievement import achievement
from qframe.engine.measure_types import measure_type
from qframe.extensions import db
from qframe.fhir.codes import (
    IMPROVEMENT,
    IMPROVEMENT_SYSTEM,
    ODS,
    POPULATION_SYSTEM,
    POPULATIONS,
    decimal_text,
    ext_url,
    full_url,
    measure_url,
    period_json,
    resource_id,
)
from qframe.frameworks.models import Framework, Indicator
from qframe.measurements.models import Measurement
from qframe.orgs.models import Organisation
from qframe.periods.labels import parse_period
from qframe.periods.models import Period
from qframe.scoring.models import Score, ScoreRun
from qframe.scoring.runs import latest_run

UCUM = "http://unitsofmeasure.org"


def _population(code: str, count: int) -> dict[str, Any]:
    return {"code": {"coding": [{"system": POPULATION_SYSTEM, "code": code}]}, "count": count}


def _score(indicator: Indicator, m: Measurement, score: Score | None) -> Decimal | None:
    if score is not None:
        return None if score.achievement is None else decimal_text(score.achievement)
    # A ratio's expected count takes the value's place (engine.measures_ratio).
    given = m.expected if measure_type(indicator.measure).expected else m.value
    value = None if given is None else float(given)
    multiplier = None if indicator.multiplier is None else float(indicator.multiplier)
    found = achievement(indicator.measure, m.numerator, m.denominator, value, multiplier)
    return None if found is None else decimal_text(found)


def _quantity(indicator: Indicator, value: Decimal) -> dict[str, Any]:
    kind = measure_type(indicator.measure)
    if kind.shown_as == "percent":
        return {"value": value, "unit": "%", "system": UCUM, "code": "%"}
    if kind.needs_multiplier:
        return {"value": value, "unit": indicator.unit or f"per {indicator.multiplier}"}
    # A measured quantity (one value on a band) carries its unit; yes/no and registers have none.
    if kind.banded and not kind.counted and indicator.unit:
        return {"value": value, "unit": indicator.unit}
    return {"value": value}


def _group(indicator: Indicator, m: Measurement, score: Score | None) -> dict[str, Any]:
    group: dict[str, Any] = {}
    kind = measure_type(indicator.measure)
    if kind.counted:
        counts = [(code, getattr(m, field)) for code, field in POPULATIONS]
        group["population"] = [_population(c, n) for c, n in counts if n is not None]
        measured = _score(indicator, m, score)
        if measured is not None:
            group["measureScore"] = _quantity(indicator, measured)
    elif kind.expected:  # a ratio: observed as the numerator, expected (a decimal) beside it
        group["extension"] = [{"url": ext_url("expected-count"), "valueDecimal": m.expected}]
        group["population"] = [_population("numerator", m.numerator or 0)]
        measured = _score(indicator, m, score)
        if measured is not None:
            group["measureScore"] = _quantity(indicator, measured)
    elif kind.fhir_populations == ("initial-population",):  # a register: its size
        group["population"] = [_population("initial-population", int(m.value or 0))]
        group["measureScore"] = {"value": m.value}
    else:
        group["measureScore"] = _quantity(indicator, Decimal(m.value))  # type: ignore[arg-type]
    return group


def _extensions(m: Measurement, score: Score | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if m.missing_reason:
        out.append({"url": ext_url("missing-reason"), "valueCode": m.missing_reason})
    if m.comment:
        out.append({"url": ext_url("comment"), "valueString": m.comment})
    if score is not None:
        out.append({"url": ext_url("score-status"), "valueCode": score.status})
        out.append({"url": ext_url("points"), "valueDecimal": decimal_text(score.points)})
        out.append({"url": ext_url("max-points"), "valueDecimal": decimal_text(score.max_points)})
    return out


def report_resource(
    framework: Framework,
    indicator: Indicator,
    org: Organisation,
    period: Period,
    m: Measurement,
    score: Score | None,
    status: str,
) -> dict[str, Any]:
    """One organisation's result for one indicator and period as a summary MeasureReport."""
    resource: dict[str, Any] = {
        "resourceType": "MeasureReport",
        "id": resource_id(framework.code, indicator.code, org.code, period.label),
        "status": status,
        "type": "summary",
        "measure": f"{measure_url(framework.code, indicator.code)}|{framework.version}",
        "reporter": {"identifier": {"system": ODS, "value": org.code}, "display": org.name},
        "period": period_json(parse_period(period.label)),
        "improvementNotation": {
            "coding": [{"system": IMPROVEMENT_SYSTEM, "code": IMPROVEMENT[indicator.polarity]}]
        },
    }
    extensions = _extensions(m, score)
    if extensions:
        resource["extension"] = extensions
    if not m.missing:
        resource["group"] = [_group(indicator, m, score)]
    MeasureReport.model_validate(resource)
    return resource


def results_bundle(framework: Framework, period: Period, user: Any = None) -> dict[str, Any]:
    """Every measurement of the period in the user's scope as MeasureReports, in one Bundle.

    Scores come from the latest run: `complete` when it is final, otherwise `pending`.
    """
    run: ScoreRun | None = latest_run(framework.id, period.id)
    status = "complete" if run is not None and run.status == "final" else "pending"
    scope = true() if user is None else in_scope_clause(Measurement.organisation_id, user)
    on_score = (
        and_(
            Score.run_id == run.id,
            Score.organisation_id == Measurement.organisation_id,
            Score.indicator_id == Measurement.indicator_id,
        )
        if run is not None
        else Score.id.is_(None)
    )
    rows = db.session.execute(
        select(Measurement, Indicator, Organisation, Score)
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .join(Organisation, Organisation.id == Measurement.organisation_id)
        .outerjoin(Score, on_score)
        .where(Measurement.framework_id == framework.id, Measurement.period_id == period.id, scope)
        .order_by(Organisation.code, Indicator.position)
    ).all()
    entries = []
    for m, indicator, org, score in rows:
        resource = report_resource(framework, indicator, org, period, m, score, status)
        entries.append({"fullUrl": full_url(resource["id"]), "resource": resource})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": resource_id(framework.code, f"v{framework.version}", period.label),
        "type": "collection",
        "entry": entries,
    }
    if not entries:
        del bundle["entry"]
    # Each report was validated above; the envelope is checked without re-validating them.
    Bundle.model_validate({**bundle, "entry": []} if entries else bundle)
    return bundle
