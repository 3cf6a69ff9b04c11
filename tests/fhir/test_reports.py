"""Results as summary MeasureReports, and MeasureReports back as the same measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import delete, func, select

from qframe.fhir.codes import dumps, ext_url, measure_url
from qframe.fhir.report_import import import_reports
from qframe.fhir.reports import results_bundle
from qframe.measurements.models import Measurement
from qframe.measurements.services import import_csv
from qframe.periods.models import get_or_create_period
from qframe.scoring.runs import finalise_run, score_period

from .conftest import library

TODAY = date(2026, 5, 15)
HEADER = (
    "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,comment,expected"
)


def csv(*lines: str) -> bytes:
    # Rows written without the last (expected) column get it empty.
    padded = [line + "," * (HEADER.count(",") - line.count(",")) for line in lines]
    return ("\n".join([HEADER, *padded]) + "\n").encode()


def aqf_rows(tree) -> list[str]:  # type: ignore[no-untyped-def]
    a, other = tree.trust_a.code, tree.other_trust.code
    return [
        f"{a},AQF-S01,2025/26 Q1,96,100,4,,,",
        f"{a},AQF-S05,2025/26 Q1,3,20000,,,,",
        f"{a},AQF-E05,2025/26 Q1,408,,,,,,400.00",
        f"{a},AQF-S02,2025/26 Q1,,,,,not_collected,audit system down",
        f"{a},AQF-E01,2025/26 Q1,0,0,,,,",
        f"{other},AQF-S01,2025/26 Q1,45,50,,,,",
    ]


@pytest.fixture
def aqf(publish, tree):  # type: ignore[no-untyped-def]
    framework = publish("acute-quality-2025-26")
    import_csv(None, framework, csv(*aqf_rows(tree)), today=TODAY)
    return framework


def stored(framework) -> dict[tuple[str, str, str], tuple]:  # type: ignore[no-untyped-def]
    rows = select(Measurement).where(Measurement.framework_id == framework.id)
    from qframe.extensions import db

    return {
        (m.organisation.code, m.indicator.code, m.period.label): (
            m.numerator,
            m.denominator,
            m.exclusions,
            m.value,
            m.expected,
            m.missing_reason,
            m.comment,
        )
        for m in db.session.scalars(rows)
    }


def reports_by(bundle):  # type: ignore[no-untyped-def]
    return {
        (
            e["resource"]["reporter"]["identifier"]["value"],
            e["resource"]["measure"].split("/")[-1].split("|")[0],
        ): e["resource"]
        for e in bundle["entry"]
    }


def counts(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {p["code"]["coding"][0]["code"]: p["count"] for p in report["group"][0]["population"]}


def test_each_measurement_becomes_a_summary_report_with_its_counts_and_score(db, tree, aqf):
    bundle = results_bundle(aqf, get_or_create_period("2025/26 Q1"))
    Bundle.model_validate_json(dumps(bundle))
    reports = reports_by(bundle)
    assert len(reports) == 6
    s01 = reports[(tree.trust_a.code, "AQF-S01")]
    assert s01["type"] == "summary"
    assert s01["status"] == "pending"  # not scored yet
    assert s01["measure"] == measure_url("AQF", "AQF-S01") + "|1"
    assert s01["period"] == {"start": "2025-04-01", "end": "2025-06-30"}
    assert counts(s01) == {"numerator": 96, "denominator": 100, "denominator-exclusion": 4}
    # 100 × 96 / 100 = 96 %
    assert s01["group"][0]["measureScore"]["value"] == Decimal("96.0")
    # 3 falls per 20,000 × 100,000 = 15 per 100,000
    s05 = reports[(tree.trust_a.code, "AQF-S05")]
    assert s05["group"][0]["measureScore"]["value"] == Decimal("15.0")
    # SHMI: 408 observed / 400.00 expected deaths = 1.02; the observed count is the numerator
    # population and the expected count (a decimal, which no FHIR population can hold) an
    # extension on the group.
    shmi = reports[(tree.trust_a.code, "AQF-E05")]["group"][0]
    assert shmi["measureScore"]["value"] == Decimal("1.02")
    assert counts(reports[(tree.trust_a.code, "AQF-E05")]) == {"numerator": 408}
    assert shmi["extension"] == [
        {"url": ext_url("expected-count"), "valueDecimal": Decimal("400.00")}
    ]
    missing = reports[(tree.trust_a.code, "AQF-S02")]
    assert "group" not in missing
    assert {"url": ext_url("missing-reason"), "valueCode": "not_collected"} in missing["extension"]
    no_eligible = reports[(tree.trust_a.code, "AQF-E01")]
    assert "measureScore" not in no_eligible["group"][0]


def test_a_final_run_makes_the_reports_complete_with_the_runs_scores_and_points(db, tree, aqf):
    period = get_or_create_period("2025/26 Q1")
    finalise_run(None, score_period(None, aqf, period))
    s01 = reports_by(results_bundle(aqf, period))[(tree.trust_a.code, "AQF-S01")]
    assert s01["status"] == "complete"
    points = {e["url"]: e.get("valueDecimal") for e in s01["extension"]}
    # 96 % between AQF-S01's thresholds 95 and 99 for 10 points: 10 × (96 − 95) / 4 = 2.5
    assert points[ext_url("points")] == Decimal("2.5")
    assert points[ext_url("max-points")] == Decimal("10.0")


def test_reports_exported_and_imported_again_change_nothing(db, tree, aqf):
    text = dumps(results_bundle(aqf, get_or_create_period("2025/26 Q1")))
    outcome = import_reports(None, aqf, text.encode(), today=TODAY)
    assert (outcome.rows, outcome.unchanged, outcome.created, outcome.updated) == (6, 6, 0, 0)


def test_reports_imported_into_an_empty_framework_store_the_same_numbers(db, tree, aqf):
    before = stored(aqf)
    text = dumps(results_bundle(aqf, get_or_create_period("2025/26 Q1")))
    db.session.execute(delete(Measurement).where(Measurement.framework_id == aqf.id))
    assert stored(aqf) == {}
    outcome = import_reports(None, aqf, text.encode(), today=TODAY)
    assert outcome.created == 6
    assert stored(aqf) == before
    # and the CSV's own figures, read independently of both exports
    assert before[(tree.trust_a.code, "AQF-S01", "2025/26 Q1")] == (
        96, 100, 4, None, None, None, None,
    )  # fmt: skip
    # the ratio round-trips its expected count as exact text (400.00, not 400)
    shmi = before[(tree.trust_a.code, "AQF-E05", "2025/26 Q1")]
    assert (shmi[0], shmi[1], str(shmi[4])) == (408, None, "400.00")


def test_yes_no_and_register_values_survive_the_round_trip(db, tree, publish):
    data = library("qof-scotland-2015-16")
    template = next(i for i in data["indicators"] if i["measure"] == "yes_no")
    register = {**template, "code": "REG01", "measure": "register", "title": "A register"}
    data["indicators"].append(register)
    qof = publish(data)
    p = tree.practice.code
    yes_no = next(i["code"] for i in data["indicators"] if i["measure"] == "yes_no")
    import_csv(
        None,
        qof,
        csv(f"{p},{yes_no},2015/16,,,,1,,", f"{p},REG01,2015/16,,,,312,,"),
        today=TODAY,
    )
    before = stored(qof)
    text = dumps(results_bundle(qof, get_or_create_period("2015/16")))
    db.session.execute(delete(Measurement).where(Measurement.framework_id == qof.id))
    import_reports(None, qof, text.encode(), today=TODAY)
    assert stored(qof) == before
    assert before[(p, "REG01", "2015/16")][3] == Decimal("312")


def test_the_same_bundle_twice_is_reported_as_already_imported(db, tree, aqf):
    text = dumps(results_bundle(aqf, get_or_create_period("2025/26 Q1"))).encode()
    db.session.execute(delete(Measurement).where(Measurement.framework_id == aqf.id))
    first = import_reports(None, aqf, text, today=TODAY)
    again = import_reports(None, aqf, text, today=TODAY)
    assert first.created == 6
    assert again.already is not None
    total = db.session.scalar(
        select(func.count()).select_from(Measurement).where(Measurement.framework_id == aqf.id)
    )
    assert total == 6
