"""The API says what it does: a valid OpenAPI document, strict types, timestamps with offsets,
and schemathesis, driving the served app with bearer tokens, finds no failure."""

from __future__ import annotations

import json
from datetime import datetime

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import OpenAPIV31SpecValidator

from qframe.auth.services import issue_api_token
from qframe.frameworks.models import Framework

# Small and bounded: the whole run takes seconds per database, yet covers every operation.
EXAMPLES_PER_OPERATION = 10


def _bearer(db, make_user, role, scope):  # type: ignore[no-untyped-def]
    user = make_user(role, scope)
    secret = issue_api_token(user, user, "contract")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    errors = [e.message for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    # Decimal bounds used to come out as strings ("minimum": "0").
    text = json.dumps(document)
    assert '"minimum": "' not in text
    assert '"maximum": "' not in text


def test_an_integer_sent_as_a_string_is_refused(client, db, make_user, tree):
    headers = _bearer(db, make_user, "provider_lead", [tree.trust_a])
    body = {"framework": "X", "version": "5", "measurements": [{}]}
    response = client.post("/api/v1/measurements", json=body, headers=headers)
    assert response.status_code == 422
    columns = {p["column"] for p in response.get_json()["problems"]}
    assert "version" in columns


def test_timestamps_in_the_api_carry_their_offset(client, db, make_user, tree):
    headers = _bearer(db, make_user, "commissioner", [tree.icb])
    framework = Framework(
        code="TSZ",
        version=1,
        title="Timestamps",
        setting="acute",
        year="2025/26",
        status="published",
        owner_id=tree.icb.id,
        payment_model="points",
        payment={},
        published_at=datetime(2025, 6, 1, 9, 30),  # stored naive on SQLite
    )
    db.session.add(framework)
    db.session.commit()
    (row,) = client.get("/api/v1/frameworks?code=TSZ", headers=headers).get_json()
    moment = datetime.fromisoformat(row["published_at"])
    assert moment.utcoffset() is not None
    assert moment.isoformat() == "2025-06-01T09:30:00+00:00"


def _explore(operation, headers, failures):  # type: ignore[no-untyped-def]
    """Run the operation's generated cases with one token; record every failing check."""
    # Positive-data acceptance is left out: a schema-valid framework can still break a rule
    # the schema cannot express (a points model needs pound_per_point); that is a 422 with
    # the problem named, by design.
    excluded = [schemathesis.checks.positive_data_acceptance]
    calls = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case):  # type: ignore[no-untyped-def]
        calls.append(1)
        try:
            case.call_and_validate(headers=headers, excluded_checks=excluded)
        except Exception as error:  # noqa: BLE001 - collect every failure, then report
            failures.append(f"{case.method} {case.path}: {error}"[:400])

    check()
    return len(calls)


def test_schemathesis_finds_no_failure_against_the_served_api(app, db, make_user, tree):
    # Requests go through the app's WSGI stack in this test's transaction (rolled back after).
    tokens = [
        _bearer(db, make_user, "commissioner", [tree.icb]),
        _bearer(db, make_user, "provider_lead", [tree.trust_a]),
    ]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = sum(_explore(op, headers, failures) for op in operations for headers in tokens)
    assert len(operations) >= 7
    assert calls >= len(operations) * 2
    assert failures == []
