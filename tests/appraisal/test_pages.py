"""Appraisal pages: scope, privacy (content for managers and the appraisee only), audit, forms."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qframe.appraisal.models import Appraisal, Objective, StaffMember
from qframe.audit.models import AuditEvent

TODAY = date.today()
FY = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
YEAR = f"{FY}/{(FY + 1) % 100:02d}"


def views(db, appraisal_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "appraisal.view", AuditEvent.object_id == str(appraisal_id))
    )


@pytest.fixture
def ward(tree, make_staff, make_appraisal):
    """A ward manager and a nurse on ward A1 with this year's completed appraisal."""
    manager = make_staff(tree.ward_a, name="Wendy Manager", staff_number="WM1")
    nurse = make_staff(tree.ward_a, name="Nadia Nurse", staff_number="NN1", line_manager=manager)
    appraisal = make_appraisal(
        nurse,
        manager,
        year=YEAR,
        due_date=date(FY, 10, 1),
        status="completed",
        meeting_date=date(FY, 4, 2),
        summary="Private words about Nadia",
    )
    return manager, nurse, appraisal


def test_a_clinical_director_lists_only_their_service_lines_staff(
    client, tree, login_as, make_staff, ward
):
    make_staff(tree.other_ward, name="Olga Outsider")
    make_staff(tree.ward_b, name="Bella Elsewhere")
    login_as("clinical_director", [tree.line_a])
    page = client.get("/appraisal/").get_data(as_text=True)
    csv = client.get("/appraisal/staff.csv").get_data(as_text=True)
    for text in (page, csv):
        assert "Nadia Nurse" in text
        assert "Olga Outsider" not in text
        assert "Bella Elsewhere" not in text


def test_staff_outside_the_users_scope_are_not_found(
    client, tree, login_as, make_staff, make_appraisal, ward
):
    elsewhere = make_staff(tree.ward_a2)
    line_level = make_staff(tree.line_a)
    foreign = make_staff(tree.other_ward)
    foreign_appraisal = make_appraisal(foreign, make_staff(tree.other_ward))
    login_as("nurse_manager", [tree.ward_a])
    assert client.get(f"/appraisal/staff/{ward[1].id}").status_code == 200
    for person in (elsewhere, line_level, foreign):
        assert client.get(f"/appraisal/staff/{person.id}").status_code == 404
        assert client.get(f"/appraisal/staff/{person.id}/edit").status_code == 404
    assert client.get(f"/appraisal/appraisals/{foreign_appraisal.id}").status_code == 404
    response = client.post(
        f"/appraisal/appraisals/{foreign_appraisal.id}/objectives", data={"text": "x"}
    )
    assert response.status_code == 404


def test_commissioners_see_rates_but_never_appraisal_content(db, client, tree, login_as, ward):
    _, nurse, appraisal = ward
    login_as("commissioner", [tree.icb])
    assert client.get(f"/appraisal/staff/{nurse.id}").status_code == 403
    assert client.get(f"/appraisal/appraisals/{appraisal.id}").status_code == 403
    rates = client.get("/appraisal/rates")
    html = rates.get_data(as_text=True)
    assert rates.status_code == 200
    assert tree.ward_a.name in html
    assert "Nadia" not in html
    assert views(db, appraisal.id) == 0


def test_every_view_of_an_appraisal_is_audited(db, client, tree, login_as, ward):
    appraisal = ward[2]
    user = login_as("clinical_director", [tree.line_a])
    for expected in (1, 2):
        page = client.get(f"/appraisal/appraisals/{appraisal.id}")
        assert "Private words about Nadia" in page.get_data(as_text=True)
        assert views(db, appraisal.id) == expected
    actor = db.session.scalar(
        select(AuditEvent.actor_id).where(AuditEvent.action == "appraisal.view")
    )
    assert actor == user.id


def test_the_appraisee_reads_and_signs_their_own_appraisal_but_cannot_edit_it(
    db, client, tree, login_as, ward
):
    _, nurse, appraisal = ward
    account = login_as("provider_lead", [tree.trust_a])
    nurse.user_id = account.id
    db.session.commit()
    assert client.get("/appraisal/mine").headers["Location"].endswith(f"/staff/{nurse.id}")
    page = client.get(f"/appraisal/appraisals/{appraisal.id}").get_data(as_text=True)
    assert "Private words about Nadia" in page
    assert views(db, appraisal.id) == 1
    edit = client.post(f"/appraisal/appraisals/{appraisal.id}", data={"summary": "Mine now"})
    assert edit.status_code == 403
    signed = client.post(f"/appraisal/appraisals/{appraisal.id}/sign", data={"party": "appraisee"})
    assert signed.status_code == 302
    db.session.refresh(appraisal)
    assert appraisal.appraisee_signed_at is not None
    assert appraisal.summary == "Private words about Nadia"


def test_a_manager_cannot_manage_their_own_record(db, client, tree, login_as, ward):
    manager = ward[0]
    account = login_as("nurse_manager", [tree.ward_a])
    manager.user_id = account.id
    db.session.commit()
    assert client.get(f"/appraisal/staff/{manager.id}").status_code == 200
    assert client.get(f"/appraisal/staff/{manager.id}/edit").status_code == 403
    assert client.get(f"/appraisal/staff/{manager.id}/appraisals/new").status_code == 403


def staff_form(tree, **changes):
    data = {
        "name": "Kwame Mensah",
        "staff_number": "KM1",
        "professional_group": "nursing",
        "registration_body": "NMC",
        "registration_number": "12A3456E",
        "band": "Band 5",
        "service_line_id": str(tree.line_a.id),
        "ward_id": str(tree.ward_a.id),
        "start_date": "2024-05-01",
        "leadership_readiness": "not_yet",
    }
    return data | changes


def test_adding_a_staff_member_through_the_form(db, client, tree, login_as):
    login_as("nurse_manager", [tree.ward_a])
    response = client.post("/appraisal/staff/new", data=staff_form(tree))
    assert response.status_code == 302
    assert db.session.scalar(select(StaffMember.name).where(StaffMember.staff_number == "KM1"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration_number": "12A34567"}, "A NMC number is 2 digits, a letter"),
        ({"start_date": (TODAY + timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"start_date": "2024-02-30"}, "Not a valid date"),
        ({"ward_id": str(10**9)}, "Choose a ward of"),
    ],
)
def test_bad_staff_forms_show_the_error_beside_the_field_and_save_nothing(
    db, client, tree, login_as, changes, message
):
    login_as("nurse_manager", [tree.ward_a])
    response = client.post("/appraisal/staff/new", data=staff_form(tree, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'class="error-message"' in response.get_data(as_text=True)
    assert not db.session.scalar(select(StaffMember.id).where(StaffMember.staff_number == "KM1"))


def test_a_stale_staff_edit_is_refused_with_409(db, client, tree, login_as, ward):
    nurse = ward[1]
    login_as("clinical_director", [tree.line_a])
    data = staff_form(tree, name="Nadia Renamed", staff_number="NN1", version=nurse.version - 1)
    assert client.post(f"/appraisal/staff/{nurse.id}/edit", data=data).status_code == 409
    db.session.refresh(nurse)
    assert nurse.name == "Nadia Nurse"


def appraisal_form(appraiser_number: str, **changes):
    data = {
        "year": YEAR,
        "appraiser_number": appraiser_number,
        "due_date": date(FY, 9, 1).isoformat(),
        "status": "not_started",
        "summary": "",
    }
    return data | changes


def test_an_appraiser_who_is_the_appraisee_is_refused_inline(db, client, tree, login_as, ward):
    _, nurse, _ = ward
    login_as("clinical_director", [tree.line_a])
    response = client.post(
        f"/appraisal/staff/{nurse.id}/appraisals/new",
        data=appraisal_form("NN1", year=f"{FY + 1}/{(FY + 2) % 100:02d}"),
    )
    assert response.status_code == 422
    assert "cannot be the person being appraised" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Appraisal)) == 1


def test_a_meeting_before_the_start_date_leaves_the_appraisal_unchanged(
    db, client, tree, login_as, ward
):
    manager, nurse, appraisal = ward
    nurse.start_date = date(FY, 4, 1)
    db.session.commit()
    login_as("clinical_director", [tree.line_a])
    data = appraisal_form(
        "WM1",
        status="completed",
        meeting_date=date(FY - 1, 12, 1).isoformat(),
        version=appraisal.version,
    )
    response = client.post(f"/appraisal/appraisals/{appraisal.id}", data=data)
    assert response.status_code == 422
    assert "cannot be before the staff member started" in response.get_data(as_text=True)
    db.session.refresh(appraisal)
    assert appraisal.meeting_date == date(FY, 4, 2)


def test_an_objective_on_another_years_indicator_is_refused_with_a_clear_error(
    db, client, tree, login_as, ward, make_indicator
):
    appraisal = ward[2]
    old = make_indicator(f"{FY - 1}/{FY % 100:02d}")
    login_as("clinical_director", [tree.line_a])
    response = client.post(
        f"/appraisal/appraisals/{appraisal.id}/objectives",
        data={"text": "Fewer falls", "indicator_id": str(old.id), "target": "4"},
    )
    assert response.status_code == 422
    assert f"this appraisal is for {YEAR}" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Objective)) == 0


def test_an_objective_shows_its_indicator_and_target(
    db, client, tree, login_as, ward, make_indicator
):
    appraisal = ward[2]
    indicator = make_indicator(YEAR)
    login_as("clinical_director", [tree.line_a])
    response = client.post(
        f"/appraisal/appraisals/{appraisal.id}/objectives",
        data={"text": "Fewer falls", "indicator_id": str(indicator.id), "target": "4.5"},
    )
    assert response.status_code == 302
    page = client.get(f"/appraisal/appraisals/{appraisal.id}").get_data(as_text=True)
    assert indicator.code in page
    assert "4.5" in page
    assert "No data yet" in page


def test_the_staff_csv_cannot_carry_a_formula(client, tree, login_as, make_staff):
    make_staff(tree.ward_a, name='=HYPERLINK("http://evil")')
    login_as("nurse_manager", [tree.ward_a])
    csv = client.get("/appraisal/staff.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv


def test_filters_narrow_the_list_to_overdue_staff(client, tree, login_as, make_staff, ward):
    make_staff(tree.ward_a, name="Otto Overdue", start_date=date(2015, 1, 1))
    login_as("nurse_manager", [tree.ward_a])
    page = client.get("/appraisal/?appraisal=overdue").get_data(as_text=True)
    assert "Otto Overdue" in page
    assert "Nadia Nurse" not in page


def test_the_rate_trend_is_inline_svg_without_styles_or_scripts(client, tree, login_as, ward):
    login_as("nurse_manager", [tree.ward_a])
    html = client.get(f"/appraisal/rates?org={tree.ward_a.id}").get_data(as_text=True)
    assert "<svg" in html
    assert "<polyline" in html
    assert "style=" not in html
    assert "<script" not in html


def test_the_leadership_pipeline_lists_clinicians_who_want_to_lead(
    client, tree, login_as, make_staff
):
    make_staff(
        tree.ward_a,
        name="Rhys Ready",
        leadership_aspiration=True,
        leadership_readiness="ready_now",
        leadership_actions="Acting up as ward manager",
    )
    make_staff(tree.ward_a, name="Nina Notinterested")
    make_staff(tree.ward_a, "other", name="Harry Assistant", leadership_aspiration=True)
    login_as("clinical_director", [tree.line_a])
    page = client.get("/appraisal/leadership").get_data(as_text=True)
    assert "Rhys Ready" in page
    assert "Acting up as ward manager" in page
    assert "Nina Notinterested" not in page
    assert "Harry Assistant" not in page


def test_only_an_administrator_links_a_sign_in_account(db, client, tree, login_as, make_user, ward):
    nurse = ward[1]
    account = make_user("provider_lead", [tree.trust_a], email="nadia@trust.example")
    login_as("clinical_director", [tree.line_a])
    data = staff_form(
        tree,
        name="Nadia Nurse",
        staff_number="NN1",
        user_email=account.email,
        version=nurse.version,
    )
    assert client.post(f"/appraisal/staff/{nurse.id}/edit", data=data).status_code == 302
    db.session.refresh(nurse)
    assert nurse.user_id is None
    login_as("admin")
    data["version"] = nurse.version
    assert client.post(f"/appraisal/staff/{nurse.id}/edit", data=data).status_code == 302
    db.session.refresh(nurse)
    assert nurse.user_id == account.id
