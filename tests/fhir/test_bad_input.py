"""Bad FHIR is refused whole, with the location of every problem, and nothing is stored."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from qframe.errors import ValidationFailed
from qframe.fhir.codes import dumps, measure_url
from qframe.fhir.measure_import import import_measures
from qframe.fhir.measures import framework_bundle
from qframe.fhir.report_import import import_reports
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement

TODAY = date(2026, 5, 15)


def report(org: str, code: str = "AQF-S01", start="2025-04-01", end="2025-06-30", **over):  # type: ignore[no-untyped-def]
    resource = {
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": "summary",
        "measure": measure_url("AQF", code) + "|1",
        "reporter": {"identifier": {"value": org}},
        "period": {"start": start, "end": end},
        "group": [
            {
                "population": [
                    {"code": {"coding": [{"code": "numerator"}]}, "count": 96},
                    {"code": {"coding": [{"code": "denominator"}]}, "count": 100},
                ]
            }
        ],
    }
    resource.update(over)
    return resource


def bundle(*resources) -> bytes:  # type: ignore[no-untyped-def]
    entries = [{"resource": r} for r in resources]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()


def measurement_count(db) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(Measurement))


@pytest.fixture
def aqf(publish):  # type: ignore[no-untyped-def]
    return publish("acute-quality-2025-26")


def refused(aqf, data: bytes, actor=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        import_reports(actor, aqf, data, today=TODAY)
    return {p.column: p.code for p in caught.value.problems}


def test_every_kind_of_bad_report_is_located_and_the_whole_bundle_refused(db, tree, aqf):
    a = tree.trust_a.code
    no_status = report(a)
    del no_status["status"]
    negative = report(a, "AQF-S02")
    negative["group"][0]["population"][0]["count"] = -3
    fraction = report(a, "AQF-X03")
    fraction["group"][0]["population"][1]["count"] = 1.5
    text_count = report(a, "AQF-E04")
    text_count["group"][0]["population"][1]["count"] = "100"
    data = bundle(
        report(a),  # entry[0] is fine: still nothing may be stored
        {"resourceType": "Patient"},
        no_status,
        negative,
        fraction,
        report(a, measure="https://example.org/Measure/ABC"),
        report(a, "AQF-E01", start="2024-04-01", end="2024-06-30"),
        text_count,
    )
    problems = refused(aqf, data)
    assert problems == {
        "entry[1].resource": "wrong_resource_type",
        "entry[2].resource.status": "required",
        "entry[3].resource.group[0].population[0].count": "negative_count",
        "entry[4].resource.group[0].population[1].count": "invalid_fhir",
        "entry[5].resource.measure": "unknown_measure",
        "entry[6].resource.period": "period_outside_year",
        "entry[7].resource.group[0].population[1].count": "not_a_count",
    }
    assert measurement_count(db) == 0


def test_row_rules_of_the_csv_import_apply_at_their_fhir_location(db, tree, aqf):
    over = report(tree.trust_a.code)
    over["group"][0]["population"][0]["count"] = 101  # numerator above the denominator
    ward = report(tree.ward_a.code, "AQF-S02")  # a provider indicator for a ward
    problems = refused(aqf, bundle(over, ward))
    assert problems == {
        "entry[0].resource.group[0].population[0].count": "numerator_exceeds_denominator",
        "entry[1].resource.reporter.identifier.value": "wrong_level",
    }


def test_an_organisation_outside_the_submitters_scope_refuses_the_whole_bundle(
    db, tree, aqf, make_user
):
    lead = make_user("provider_lead", [tree.trust_a])
    data = bundle(report(tree.trust_a.code), report(tree.other_trust.code))
    problems = refused(aqf, data, lead)
    assert problems == {"entry[1].resource.reporter.identifier.value": "org_not_in_scope"}
    assert measurement_count(db) == 0


def test_not_a_bundle_and_not_json_are_refused(db, aqf):
    assert refused(aqf, b'{"resourceType": "MeasureReport"}') == {"": "wrong_resource_type"}
    assert refused(aqf, b"{not json") == {"": "invalid_json"}
    assert refused(aqf, b'{"resourceType": "Bundle", "type": "collection"}') == {
        "entry": "required"
    }


def test_a_measure_bundle_with_a_broken_measure_creates_no_framework(db, tree, aqf):
    good = framework_bundle(aqf)
    broken = copy.deepcopy(good)
    del broken["entry"][2]["resource"]["status"]
    broken["entry"][4]["resource"]["resourceType"] = "Library"
    frameworks = db.session.scalar(select(func.count()).select_from(Framework))
    with pytest.raises(ValidationFailed) as caught:
        import_measures(None, dumps(broken), tree.icb)
    located = {p.column: p.code for p in caught.value.problems}
    assert located == {
        "entry[2].resource.status": "required",
        "entry[4].resource": "wrong_resource_type",
    }
    assert db.session.scalar(select(func.count()).select_from(Framework)) == frameworks


def test_measure_rules_broken_inside_extensions_are_located_at_their_measure(db, tree, aqf):
    broken = framework_bundle(aqf)
    for ext in broken["entry"][3]["resource"]["extension"]:
        if ext["url"].endswith("/measure-type"):
            ext["valueCode"] = "median"
    with pytest.raises(ValidationFailed) as caught:
        import_measures(None, dumps(broken), tree.icb)
    assert [p.column for p in caught.value.problems] == ["entry[3].resource.measure"]


def test_the_same_report_twice_in_one_bundle_names_the_first_entry(db, tree, aqf):
    with pytest.raises(ValidationFailed) as caught:
        import_reports(None, aqf, bundle(report(tree.trust_a.code), report(tree.trust_a.code)))
    [problem] = caught.value.problems
    assert problem.code == "duplicate_row"
    assert problem.column == "entry[1].resource.reporter.identifier.value"
    assert "entry[0]" in problem.message
