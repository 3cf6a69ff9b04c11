"""Entry pages, the entry form, CSV upload with preview, and the CSV download."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from qframe.measurements.models import Measurement, MeasurementImport, StagedUpload
from qframe.measurements.services import import_csv
from qframe.measurements.windows import set_window

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def ind(framework, code: str):  # type: ignore[no-untyped-def]
    return next(i for i in framework.indicators if i.code == code)


def count(db, model=Measurement) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def field(framework, code: str) -> str:  # type: ignore[no-untyped-def]
    """The entry grid's comment field of an indicator: present when the indicator is typed in."""
    return f'name="f{ind(framework, code).id}-comment"'


def test_a_nurse_manager_sees_the_ward_indicators_in_one_grid(client, tree, aqf, login_as):
    login_as("nurse_manager", [tree.ward_a])
    page = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-06")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert body.count('data-testid="entry-grid"') == 1
    for code in ("AQF-S03", "AQF-S04", "AQF-X01"):
        assert field(aqf, code) in body
    assert "AQF-S01" not in body  # a provider indicator, not the ward's


def test_a_provider_lead_gets_provider_indicators_and_a_clinical_director_service_line_ones(
    client, tree, aqf, login_as
):
    login_as("provider_lead", [tree.trust_a])
    body = client.get(f"/measurements/orgs/{tree.trust_a.id}").get_data(as_text=True)
    assert field(aqf, "AQF-S01") in body
    assert field(aqf, "AQF-S03") not in body
    client.post("/auth/logout")
    login_as("clinical_director", [tree.line_a])
    body = client.get(f"/measurements/orgs/{tree.line_a.id}").get_data(as_text=True)
    assert field(aqf, "AQF-E02") in body
    assert field(aqf, "AQF-S01") not in body
    assert "Computed from appraisal records" in body  # AQF-X02 is not typed in


def test_an_organisation_outside_scope_is_not_found(client, tree, aqf, login_as):
    login_as("nurse_manager", [tree.ward_a])
    assert client.get(f"/measurements/orgs/{tree.ward_a2.id}").status_code == 404
    assert client.get(f"/measurements/orgs/{tree.other_ward.id}").status_code == 404


def test_saving_the_form_stores_the_value_from_the_form(db, client, tree, aqf, login_as):
    user = login_as("nurse_manager", [tree.ward_a])
    falls = ind(aqf, "AQF-S03")
    response = client.post(
        f"/measurements/orgs/{tree.ward_a.id}/indicators/{falls.id}",
        data={"period": "2025-05", "numerator": "4", "denominator": "812", "comment": "two wards"},
    )
    assert response.status_code == 302
    saved = db.session.scalars(select(Measurement)).one()
    assert (saved.numerator, saved.denominator, saved.source, saved.submitted_by_id) == (
        4,
        812,
        "form",
        user.id,
    )


def test_a_bad_value_is_explained_next_to_its_field_and_nothing_is_saved(
    db, client, tree, aqf, login_as
):
    login_as("nurse_manager", [tree.ward_a])
    fft = ind(aqf, "AQF-X01")
    response = client.post(
        f"/measurements/orgs/{tree.ward_a.id}/indicators/{fft.id}",
        data={"period": "2025-05", "numerator": "41", "denominator": "1.5"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="f{fft.id}-denominator-error"' in body
    assert "&#39;1.5&#39; is not a whole number" in body
    assert count(db) == 0


def test_a_locked_period_says_why_and_offers_no_form(db, client, tree, aqf, login_as):
    set_window(None, aqf, "2025-05", opens_on=date(2025, 6, 1), closes_on=date(2025, 6, 20))
    login_as("nurse_manager", [tree.ward_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-05").get_data(as_text=True)
    assert "closed on 20 Jun 2025" in body
    assert 'data-testid="entry-grid"' not in body  # no entry fields in a locked period
    response = client.post(
        f"/measurements/orgs/{tree.ward_a.id}/indicators/{ind(aqf, 'AQF-S03').id}",
        data={"period": "2025-05", "numerator": "4", "denominator": "812"},
    )
    assert response.status_code == 422
    assert "is locked: closed on 20 Jun 2025" in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_window_not_yet_open_says_when_it_opens(client, tree, aqf, login_as):
    opens = date.today() + timedelta(days=10)
    set_window(None, aqf, "2025-06", opens_on=opens, closes_on=opens + timedelta(days=5))
    login_as("nurse_manager", [tree.ward_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-06").get_data(as_text=True)
    assert f"not yet open (opens {opens.day} {opens:%b %Y})" in body


def test_the_last_twelve_periods_are_shown_beside_each_indicator(db, client, tree, aqf, login_as):
    lines = [
        f"{tree.ward_a.code},AQF-S03,{m},{n},800,,"
        for n, m in enumerate(["2025-04", "2025-05", "2025-06", "2025-07"], start=2)
    ]
    import_csv(None, aqf, csv(*lines), today=date(2026, 5, 1))
    login_as("nurse_manager", [tree.ward_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-07").get_data(as_text=True)
    assert "Last 4 periods" in body
    assert "<polyline" in body
    assert "2.50 per 1,000 occupied bed days" in body  # 2 falls / 800 bed days × 1,000


def test_an_upload_is_previewed_then_saved_only_on_confirmation(db, client, tree, aqf, login_as):
    login_as("provider_lead", [tree.trust_a])
    data = csv(
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,,",
        f"{tree.ward_a.code},AQF-S03,2025-04,3,800,,",
    )
    response = client.post(
        "/measurements/upload",
        data={"framework": aqf.id, "file": (io.BytesIO(data), "../../etc/q1 data.csv")},
    )
    assert response.status_code == 302
    staged = db.session.scalars(select(StagedUpload)).one()
    assert staged.filename == "etc_q1_data.csv"  # no path, no spaces
    assert count(db) == 0
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirm and save 2 rows" in preview
    done = client.post(f"/measurements/upload/{staged.id}")
    assert done.status_code == 302
    assert count(db) == 2
    assert db.session.scalars(select(MeasurementImport)).one().filename == "etc_q1_data.csv"


def test_an_upload_with_problems_shows_the_full_error_table(db, client, tree, aqf, login_as):
    login_as("provider_lead", [tree.trust_a])
    data = csv(
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,+5,4200,,",
        f"{tree.trust_a.code},AQF-S02,2025/26 Q1,<b>9</b>,10,,",
    )
    response = client.post(
        "/measurements/upload", data={"framework": aqf.id, "file": (io.BytesIO(data), "q1.csv")}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved: 2 problems" in body
    assert "&lt;b&gt;9&lt;/b&gt;" in body
    assert "<b>9</b>" not in body
    assert count(db, StagedUpload) == 0


def test_a_file_over_the_size_limit_is_refused_with_413(
    app, db, client, tree, aqf, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    login_as("provider_lead", [tree.trust_a])
    big = csv(*[f"{tree.trust_a.code},AQF-S01,2025/26 Q1,1,2,," for _ in range(100)])
    response = client.post(
        "/measurements/upload", data={"framework": aqf.id, "file": (io.BytesIO(big), "big.csv")}
    )
    assert response.status_code == 413
    assert count(db, StagedUpload) == 0


def test_someone_elses_staged_upload_is_not_found(db, client, tree, aqf, login_as, make_user):
    other = make_user("provider_lead", [tree.trust_a])
    staged = StagedUpload(
        user_id=other.id,
        framework_id=aqf.id,
        filename="x.csv",
        content_sha256="0" * 64,
        data=b"",
        summary={},
    )
    db.session.add(staged)
    db.session.flush()
    login_as("provider_lead", [tree.trust_a])
    assert client.get(f"/measurements/upload/{staged.id}").status_code == 404
    assert client.post(f"/measurements/upload/{staged.id}").status_code == 404


def test_the_csv_download_round_trips_and_neutralises_formulas(db, client, tree, aqf, login_as):
    import_csv(
        None,
        aqf,
        csv(
            f'{tree.ward_a.code},AQF-S03,2025-04,3,800,,,,"=HYPERLINK(1)"',
            header=HEADER + ",missing,comment",
        ),
        today=date(2026, 5, 1),
    )
    login_as("nurse_manager", [tree.ward_a])
    text = client.get(f"/measurements/orgs/{tree.ward_a.id}/measurements.csv").get_data(
        as_text=True
    )
    assert text.splitlines() == [
        "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,comment,"
        "expected",
        f"{tree.ward_a.code},AQF-S03,2025-04,3,800,,,,'=HYPERLINK(1),",
    ]


def test_the_grid_saves_every_indicator_at_once(db, client, tree, aqf, login_as):
    login_as("nurse_manager", [tree.ward_a])
    falls, fft = ind(aqf, "AQF-S03"), ind(aqf, "AQF-X01")
    data = {
        "period": "2025-05",
        "framework": aqf.id,
        f"f{falls.id}-numerator": "4",
        f"f{falls.id}-denominator": "812",
        f"f{fft.id}-numerator": "41",
        f"f{fft.id}-denominator": "50",
    }
    response = client.post(f"/measurements/orgs/{tree.ward_a.id}/grid", data=data)
    assert response.status_code == 302
    saved = {
        m.indicator_id: (m.numerator, m.denominator)
        for m in db.session.scalars(select(Measurement))
    }
    assert saved == {falls.id: (4, 812), fft.id: (41, 50)}


def test_one_bad_value_in_the_grid_saves_nothing_and_keeps_every_typed_value(
    db, client, tree, aqf, login_as
):
    login_as("nurse_manager", [tree.ward_a])
    falls, fft = ind(aqf, "AQF-S03"), ind(aqf, "AQF-X01")
    data = {
        "period": "2025-05",
        "framework": aqf.id,
        f"f{falls.id}-numerator": "4",
        f"f{falls.id}-denominator": "812",
        f"f{falls.id}-comment": "typed with care",
        f"f{fft.id}-numerator": "41",
        f"f{fft.id}-denominator": "1.5",
    }
    response = client.post(f"/measurements/orgs/{tree.ward_a.id}/grid", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="f{fft.id}-denominator-error"' in body
    assert "&#39;1.5&#39; is not a whole number" in body
    assert f'name="f{falls.id}-denominator" value="812"' in body
    assert f'name="f{falls.id}-comment" value="typed with care"' in body
    assert f'name="f{fft.id}-denominator" value="1.5"' in body
    assert count(db) == 0


def test_a_ward_page_says_who_declares_and_its_provider_lead_declares_the_month_there(
    db, client, tree, aqf, login_as
):
    login_as("nurse_manager", [tree.ward_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-05").get_data(as_text=True)
    assert f"the provider lead of {tree.trust_a.name}" in body
    assert "/declare" not in body  # a nurse manager does not declare
    client.post("/auth/logout")
    login_as("provider_lead", [tree.trust_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-05").get_data(as_text=True)
    assert f"Declare 2025-05 complete for {tree.trust_a.name}" in body
