"""The entry form for a ratio (SHMI, AQF-E05): observed and expected counts are typed in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from qframe.measurements.models import Measurement


def _shmi(framework):  # type: ignore[no-untyped-def]
    return next(i for i in framework.indicators if i.code == "AQF-E05")


def test_the_grid_offers_observed_and_expected_for_a_ratio(client, tree, aqf, login_as):
    login_as("provider_lead", [tree.trust_a])
    body = client.get(f"/measurements/orgs/{tree.trust_a.id}").get_data(as_text=True)
    shmi = _shmi(aqf).id
    assert f'name="f{shmi}-numerator"' in body
    assert f'name="f{shmi}-expected"' in body
    assert f'name="f{shmi}-denominator"' not in body
    assert f'name="f{shmi}-value"' not in body


def test_the_form_stores_a_ratio_and_explains_a_bad_expected_count(db, client, tree, aqf, login_as):
    login_as("provider_lead", [tree.trust_a])
    url = f"/measurements/orgs/{tree.trust_a.id}/indicators/{_shmi(aqf).id}"
    bad = client.post(url, data={"period": "2025/26 Q1", "numerator": "412", "expected": "0"})
    assert bad.status_code == 422
    assert f'id="f{_shmi(aqf).id}-expected-error"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0
    good = client.post(url, data={"period": "2025/26 Q1", "numerator": "412", "expected": "401.25"})
    assert good.status_code == 302
    saved = db.session.scalars(select(Measurement)).one()
    assert (saved.numerator, saved.expected, saved.value) == (412, Decimal("401.25"), None)
    # The page then reads 412 / 401.25 = 1.03 (to 2 places) with both counts.
    page = client.get(
        f"/measurements/orgs/{tree.trust_a.id}", query_string={"period": "2025/26 Q1"}
    ).get_data(as_text=True)
    assert "<strong>1.03</strong> (412 observed / 401.25 expected)" in page


def test_the_api_takes_and_gives_back_a_ratios_expected_count(db, client, tree, aqf, make_user):
    from qframe.auth.services import issue_api_token

    user = make_user("provider_lead", [tree.trust_a])
    headers = {"Authorization": f"Bearer {issue_api_token(None, user, 'feed')}"}
    db.session.commit()
    row = {"org_code": tree.trust_a.code, "indicator_code": "AQF-E05", "period": "2025/26 Q1"}
    bad = client.post(
        "/api/v1/measurements",
        json={"framework": "AQF", "measurements": [row | {"numerator": 412, "expected": "-1"}]},
        headers=headers,
    )
    assert bad.status_code == 422
    problems = bad.get_json()["problems"]
    assert ("bad_expected", "measurements[0].expected") in {
        (p["code"], p["column"]) for p in problems
    }
    good = client.post(
        "/api/v1/measurements",
        json={"framework": "AQF", "measurements": [row | {"numerator": 412, "expected": "401.25"}]},
        headers=headers,
    )
    assert good.status_code == 200, good.get_json()
    listed = client.get("/api/v1/measurements?indicator=AQF-E05", headers=headers).get_json()
    assert [(m["numerator"], m["expected"]) for m in listed["items"]] == [(412, "401.25")]


def test_a_downloaded_ratio_imports_again_unchanged(db, client, tree, aqf, login_as):
    from qframe.measurements.services import import_csv

    lead = login_as("provider_lead", [tree.trust_a])
    header = "org_code,indicator_code,period,numerator,expected"
    data = f"{header}\n{tree.trust_a.code},AQF-E05,2025/26 Q1,412,401.250\n".encode()
    import_csv(lead, aqf, data, today=date(2026, 5, 15))
    text = client.get(f"/measurements/orgs/{tree.trust_a.id}/measurements.csv").get_data()
    assert text.decode().splitlines()[1].endswith(",412,,,,,,401.250")
    again = import_csv(lead, aqf, text, today=date(2026, 5, 15))
    assert (again.unchanged, again.updated, again.created) == (1, 0, 0)
