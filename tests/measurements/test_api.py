"""JSON API: batches with the CSV's rules, idempotency keys, mass assignment, scoped reads."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from qframe.auth.services import issue_api_token
from qframe.measurements.models import Measurement, MeasurementImport
from qframe.measurements.services import import_csv
from qframe.measurements.windows import set_window


@pytest.fixture
def token(db, tree, make_user, aqf):  # type: ignore[no-untyped-def]
    user = make_user("provider_lead", [tree.trust_a])
    secret = issue_api_token(None, user, "ehr feed")
    db.session.commit()  # an error response rolls back to here, as a real request would
    return user, {"Authorization": f"Bearer {secret}"}


def item(org, code="AQF-S01", period="2025/26 Q1", **values):  # type: ignore[no-untyped-def]
    return {
        "org_code": org.code,
        "indicator_code": code,
        "period": period,
        **({"numerator": 96, "denominator": 100} | values),
    }


def post(client, headers, body, **extra):  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/api/v1/measurements", data=raw, headers=headers | extra, content_type="application/json"
    )


def count(db, model=Measurement) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_machine_client_submits_a_batch_with_a_bearer_token(db, client, tree, aqf, token):
    user, headers = token
    response = post(
        client,
        headers,
        {
            "framework": "AQF",
            "measurements": [
                item(tree.trust_a),
                item(tree.ward_a, "AQF-S03", "2025-04", numerator="3", denominator="812"),
            ],
        },
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 2
    rows = db.session.scalars(select(Measurement)).all()
    assert {(m.source, m.submitted_by_id) for m in rows} == {("api", user.id)}


def test_the_same_idempotency_key_and_body_return_the_stored_result(db, client, tree, aqf, token):
    _user, headers = token
    body = {"framework": "AQF", "measurements": [item(tree.trust_a)]}
    first = post(client, headers, body, **{"Idempotency-Key": "feed-2025-q1"})
    again = post(client, headers, body, **{"Idempotency-Key": "feed-2025-q1"})
    assert again.status_code == first.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(db, MeasurementImport) == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(db, client, tree, aqf, token):
    _user, headers = token
    key = {"Idempotency-Key": "feed-2025-q1"}
    post(client, headers, {"framework": "AQF", "measurements": [item(tree.trust_a)]}, **key)
    other = {"framework": "AQF", "measurements": [item(tree.trust_a, numerator=97)]}
    response = post(client, headers, other, **key)
    assert response.status_code == 409
    assert db.session.scalars(select(Measurement)).one().numerator == 96


@pytest.mark.parametrize("field", ["points", "amount", "role", "submitted_by", "version"])
def test_unknown_fields_are_refused_so_mass_assignment_is_impossible(
    field, db, client, tree, aqf, token
):
    _user, headers = token
    response = post(
        client, headers, {"framework": "AQF", "measurements": [item(tree.trust_a) | {field: 1}]}
    )
    assert response.status_code == 422
    columns = [p["column"] for p in response.get_json()["problems"]]
    assert f"measurements[0].{field}" in columns
    assert count(db) == 0


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1.5", "not_a_count"),
        ("NaN", "not_a_count"),
        ("Infinity", "not_a_count"),
        ("1e309", "not_a_count"),
        ("-4", "negative_count"),
        ('"+5"', "not_a_count"),
        ('"1_000"', "not_a_count"),
        ("true", "invalid"),
    ],
)
def test_counts_in_json_get_the_same_checks_as_in_a_csv(raw, code, db, client, tree, aqf, token):
    _user, headers = token
    body = (
        f'{{"framework": "AQF", "measurements": [{{"org_code": "{tree.trust_a.code}", '
        f'"indicator_code": "AQF-S02", "period": "2025/26 Q1", "numerator": {raw}, '
        '"denominator": 100}]}'
    )
    response = post(client, headers, body)
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    assert any(p["code"] == code and p["column"] == "measurements[0].numerator" for p in problems)
    assert count(db) == 0


def test_wrong_content_type_malformed_json_and_deep_nesting_are_refused(client, tree, aqf, token):
    _user, headers = token
    as_form = client.post("/api/v1/measurements", data={"framework": "AQF"}, headers=headers)
    assert as_form.status_code == 422
    assert post(client, headers, '{"framework": ').status_code == 422
    nested: object = 1
    for _ in range(30):
        nested = [nested]
    deep = {"framework": "AQF", "measurements": [item(tree.trust_a) | {"comment": nested}]}
    assert post(client, headers, deep).status_code == 422


def test_one_item_outside_scope_refuses_the_whole_batch(db, client, tree, aqf, token):
    _user, headers = token
    response = post(
        client,
        headers,
        {"framework": "AQF", "measurements": [item(tree.trust_a), item(tree.other_trust)]},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"].startswith("The whole file was refused")
    assert [(p["row"], p["code"]) for p in body["problems"]] == [(1, "org_not_in_scope")]
    assert count(db) == 0


def test_a_locked_period_error_says_why(db, client, tree, aqf, token):
    _user, headers = token
    set_window(None, aqf, "2025/26 Q1", opens_on=date(2025, 7, 1), closes_on=date(2025, 7, 31))
    response = post(client, headers, {"framework": "AQF", "measurements": [item(tree.trust_a)]})
    assert response.status_code == 422
    (problem,) = response.get_json()["problems"]
    assert problem["code"] == "window_closed"
    assert problem["message"].endswith("is locked: closed on 31 Jul 2025")


def test_reading_is_scoped_filtered_and_paginated(db, client, tree, aqf, token):
    _user, headers = token
    lines = [
        f"{w.code},AQF-S03,2025-0{m},{m},800,,"
        for w in (tree.ward_a, tree.ward_a2)
        for m in range(4, 10)
    ]
    lines.append(f"{tree.other_ward.code},AQF-S03,2025-04,1,800,,")
    data = (
        "org_code,indicator_code,period,numerator,denominator,exclusions,value\n"
        + "\n".join(lines)
        + "\n"
    ).encode()
    import_csv(None, aqf, data, today=date(2026, 5, 1))
    page = client.get("/api/v1/measurements?indicator=AQF-S03&per_page=5", headers=headers)
    body = page.get_json()
    assert page.status_code == 200
    assert len(body["items"]) == 5
    assert body["next"]
    everything = client.get("/api/v1/measurements?per_page=100", headers=headers).get_json()
    assert {i["org_code"] for i in everything["items"]} == {tree.ward_a.code, tree.ward_a2.code}
    one = client.get(
        f"/api/v1/measurements?org={tree.ward_a.code}&period=2025-05", headers=headers
    ).get_json()["items"]
    assert [(i["org_code"], i["period"], i["numerator"]) for i in one] == [
        (tree.ward_a.code, "2025-05", 5)
    ]
    assert client.get("/api/v1/measurements?page=0", headers=headers).status_code == 422


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(document["paths"]["/api/v1/measurements"])
    assert "MeasurementBatch" in document["components"]["schemas"]
