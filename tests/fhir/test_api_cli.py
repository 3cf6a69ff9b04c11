"""FHIR over HTTP (application/fhir+json, scoped) and on the command line (formats.md)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from qframe.fhir.codes import FHIR_JSON, dumps, measure_url
from qframe.fhir.measures import framework_bundle
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement
from qframe.measurements.services import import_csv
from qframe.periods.models import get_or_create_period

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,comment"


def _aqf_with_data(publish, tree):  # type: ignore[no-untyped-def]
    aqf = publish("acute-quality-2025-26")
    rows = [
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,96,100,4,,,",
        f"{tree.other_trust.code},AQF-S01,2025/26 Q1,45,50,,,,",
    ]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    import_csv(None, aqf, data, today=date(2026, 5, 15))
    return aqf


def test_measures_are_served_as_fhir_json(db, client, publish, login_as, tree):
    aqf = publish("acute-quality-2025-26")
    login_as("provider_lead", [tree.trust_a])
    response = client.get(f"/api/v1/fhir/frameworks/{aqf.id}/Measure")
    assert response.status_code == 200
    assert response.mimetype == FHIR_JSON
    body = response.get_json(force=True)
    assert body["resourceType"] == "Bundle"
    assert len(body["entry"]) == 13  # AQF has 13 indicators


def test_reports_list_only_the_readers_own_organisations(db, client, publish, login_as, tree):
    aqf = _aqf_with_data(publish, tree)
    login_as("provider_lead", [tree.trust_a])
    response = client.get(f"/api/v1/fhir/frameworks/{aqf.id}/MeasureReport?period=2025/26 Q1")
    assert response.status_code == 200
    reporters = [
        e["resource"]["reporter"]["identifier"]["value"]
        for e in response.get_json(force=True)["entry"]
    ]
    assert reporters == [tree.trust_a.code]


def test_a_draft_someone_else_manages_is_not_found(db, client, tree, login_as):
    from qframe.frameworks.library import load_library_framework
    from qframe.frameworks.services import import_framework

    draft = import_framework(None, load_library_framework("cquin-2023-24-acute"), tree.other_icb)
    login_as("commissioner", [tree.icb])
    assert client.get(f"/api/v1/fhir/frameworks/{draft.id}/Measure").status_code == 404


def test_posted_reports_are_stored_and_bad_ones_refused_with_locations(
    db, client, publish, login_as, tree
):
    aqf = publish("acute-quality-2025-26")
    login_as("provider_lead", [tree.trust_a])
    report = {
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": "summary",
        "measure": measure_url("AQF", "AQF-S01"),
        "reporter": {"identifier": {"value": tree.trust_a.code}},
        "period": {"start": "2025-04-01", "end": "2025-06-30"},
        "group": [
            {
                "population": [
                    {"code": {"coding": [{"code": "numerator"}]}, "count": 7},
                    {"code": {"coding": [{"code": "denominator"}]}, "count": 8},
                ]
            }
        ],
    }
    url = f"/api/v1/fhir/frameworks/{aqf.id}/MeasureReport"
    bad = json.loads(json.dumps(report))
    bad["group"][0]["population"][0]["count"] = -1
    body = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": bad}]}
    refused = client.post(url, data=json.dumps(body), content_type=FHIR_JSON)
    assert refused.status_code == 422
    assert refused.get_json()["problems"][0]["column"] == (
        "entry[0].resource.group[0].population[0].count"
    )
    body["entry"][0]["resource"] = report
    response = client.post(url, data=json.dumps(body), content_type=FHIR_JSON)
    assert response.status_code == 200
    assert response.get_json()["created"] == 1
    stored = db.session.scalars(select(Measurement)).one()
    assert (stored.numerator, stored.denominator) == (7, 8)


def test_a_commissioner_posts_measures_and_gets_a_draft_with_notes(
    db, client, publish, login_as, tree
):
    aqf = publish("acute-quality-2025-26")
    login_as("commissioner", [tree.icb])
    response = client.post(
        f"/api/v1/fhir/frameworks?owner={tree.icb.code}",
        data=dumps(framework_bundle(aqf)),
        content_type=FHIR_JSON,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["code"], body["version"], body["status"]) == ("AQF", 2, "draft")
    assert body["notes"][0].startswith("payment:")


def test_the_cli_exports_and_imports_measures_and_reports(db, runner, publish, tree, tmp_path):
    aqf = _aqf_with_data(publish, tree)
    measures = tmp_path / "aqf.json"
    result = runner.invoke(args=["fhir", "export-framework", "AQF", "-o", str(measures)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(measures.read_text())["entry"]) == 13
    # No --owner: the new version keeps the owner of the code's latest version.
    result = runner.invoke(args=["fhir", "import", str(measures)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "AQF 2"
    second = select(Framework).where(Framework.code == "AQF", Framework.version == 2)
    draft = db.session.scalar(second)
    assert draft.owner_id == tree.icb.id
    reports = tmp_path / "q1.json"
    args = ["fhir", "export-results", "--framework", "AQF", "--period", "2025/26 Q1"]
    result = runner.invoke(args=[*args, "-o", str(reports)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(reports.read_text())["entry"]) == 2
    result = runner.invoke(args=["fhir", "import", str(reports), "--framework", "AQF"])
    assert result.exit_code == 0, result.output
    assert "2 rows imported into AQF v1" in result.output
    assert "2 unchanged" in result.output
    versions = db.session.scalar(select(func.count()).where(Framework.code == aqf.code))
    assert versions == 2


def test_the_cli_refuses_bad_reports_with_a_located_report_and_exit_1(
    db, runner, publish, tree, tmp_path
):
    publish("acute-quality-2025-26")
    get_or_create_period("2025/26 Q1")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "entry": [{"resource": {}}]}))
    result = runner.invoke(args=["fhir", "import", str(path), "--framework", "AQF"])
    assert result.exit_code == 1
    assert "entry[0].resource,wrong_resource_type" in result.output
