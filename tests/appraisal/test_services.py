"""Staff and appraisal services: every bad input is a clear error and changes nothing."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qframe.appraisal.appraisals import (
    AppraisalInput,
    add_objective,
    add_pdp_item,
    save_appraisal,
    sign_appraisal,
)
from qframe.appraisal.models import Appraisal, Objective, PdpItem, StaffMember
from qframe.appraisal.services import StaffInput, create_staff, update_staff
from qframe.audit.models import AuditEvent
from qframe.errors import Conflict, Forbidden, Immutable, ValidationFailed

TODAY = date(2026, 1, 15)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def staff_input(tree, **changes) -> StaffInput:
    base = StaffInput(
        name="Grace Okafor",
        staff_number="S100001",
        professional_group="nursing",
        registration_body="NMC",
        registration_number="12a3456e",
        band="Band 6",
        service_line_id=tree.line_a.id,
        ward_id=tree.ward_a.id,
        line_manager_number="",
        start_date=date(2019, 9, 2),
    )
    return replace(base, **changes)


def test_a_nurse_manager_adds_a_nurse_to_their_ward_and_it_is_audited(db, tree, make_user):
    manager = make_user("nurse_manager", [tree.ward_a])
    staff = create_staff(manager, staff_input(tree), today=TODAY)
    assert staff.registration == "NMC 12A3456E"
    assert staff.revalidation_due is None
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == str(staff.id)))


def test_the_revalidation_due_date_follows_the_last_revalidation(db, tree):
    staff = create_staff(
        None,
        staff_input(
            tree,
            professional_group="medical",
            registration_body="GMC",
            registration_number="7654321",
            revalidated_on=date(2022, 3, 1),
        ),
        today=TODAY,
    )
    assert staff.revalidation_due == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"registration_number": "1234567"}, "registration_number"),  # a GMC shape for a nurse
        ({"registration_number": "12A34567"}, "registration_number"),
        ({"registration_body": "GMC"}, "registration_body"),
        ({"professional_group": "medical", "registration_number": "12345"}, "registration_body"),
        (
            {
                "professional_group": "ahp",
                "registration_body": "HCPC",
                "registration_number": "PH1",
            },
            "registration_number",
        ),
        ({"start_date": date(2026, 2, 1)}, "start_date"),
        ({"left_on": date(2019, 1, 1)}, "left_on"),
        ({"revalidated_on": date(2026, 6, 1)}, "revalidated_on"),
        ({"name": "  "}, "name"),
        ({"staff_number": "S 1"}, "staff_number"),
        ({"professional_group": "surgeon"}, "professional_group"),
        ({"ward_id": None}, "service_line_id"),  # a nurse manager does not manage the line
        ({"line_manager_number": "NOBODY"}, "line_manager_number"),
        ({"leadership_readiness": "tomorrow"}, "leadership_readiness"),
    ],
)
def test_bad_staff_input_is_refused_with_the_field_named(db, tree, make_user, changes, column):
    manager = make_user("nurse_manager", [tree.ward_a])
    before = count(db, StaffMember)
    with pytest.raises(ValidationFailed) as caught:
        create_staff(manager, staff_input(tree, **changes), today=TODAY)
    assert column in {p.column for p in caught.value.problems}
    assert count(db, StaffMember) == before


def test_a_ward_must_belong_to_the_chosen_service_line(db, tree):
    with pytest.raises(ValidationFailed) as caught:
        create_staff(None, staff_input(tree, ward_id=tree.ward_b.id), today=TODAY)
    assert {p.column for p in caught.value.problems} == {"ward_id"}


def test_a_unit_outside_the_managers_scope_is_refused(db, tree, make_user):
    director = make_user("clinical_director", [tree.line_a])
    data = staff_input(tree, service_line_id=tree.line_b.id, ward_id=tree.ward_b.id)
    with pytest.raises(ValidationFailed) as caught:
        create_staff(director, data, today=TODAY)
    assert caught.value.problems[0].code == "out_of_scope"


def test_staff_numbers_are_unique(db, tree, make_staff):
    make_staff(tree.ward_a, staff_number="S100001")
    with pytest.raises(ValidationFailed, match="not saved") as caught:
        create_staff(None, staff_input(tree), today=TODAY)
    assert caught.value.problems[0].code == "duplicate"


def test_nobody_can_become_their_own_indirect_line_manager(db, tree, make_staff):
    boss = make_staff(tree.ward_a, staff_number="BOSS")
    report = make_staff(tree.ward_a, staff_number="REPORT", line_manager=boss)
    data = staff_input(tree, name=boss.name, staff_number="BOSS", line_manager_number="REPORT")
    with pytest.raises(ValidationFailed) as caught:
        update_staff(None, boss, data, expected_version=boss.version, today=TODAY)
    assert caught.value.problems[0].column == "line_manager_number"
    assert boss.line_manager is None
    assert report.line_manager_id == boss.id


def test_a_stale_edit_is_a_conflict(db, tree, make_staff):
    staff = make_staff(tree.ward_a)
    with pytest.raises(Conflict):
        update_staff(None, staff, staff_input(tree), expected_version=staff.version - 1)


def appraisal_input(appraiser, **changes) -> AppraisalInput:
    base = AppraisalInput(
        year="2025/26",
        appraiser_number=appraiser.staff_number,
        due_date=date(2025, 9, 1),
        meeting_date=date(2025, 9, 3),
        status="completed",
        summary="A good year.",
    )
    return replace(base, **changes)


def test_an_appraisal_is_recorded_for_a_year(db, tree, make_staff):
    manager, nurse = make_staff(tree.ward_a), make_staff(tree.ward_a)
    appraisal = save_appraisal(None, nurse, appraisal_input(manager), today=TODAY)
    assert (appraisal.year, appraisal.appraiser_id, appraisal.status) == (
        "2025/26",
        manager.id,
        "completed",
    )


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"due_date": date(2027, 1, 1)}, "due_date"),  # outside the appraisal year
        ({"due_date": date(2025, 3, 1)}, "due_date"),
        ({"meeting_date": date(2015, 1, 1)}, "meeting_date"),  # before they started
        ({"meeting_date": date(2026, 3, 1)}, "meeting_date"),  # completed, in the future
        ({"status": "scheduled", "meeting_date": None}, "meeting_date"),
        ({"status": "signed_off"}, "status"),  # sign-off comes only from signatures
        ({"year": "2025/27"}, "year"),
        ({"year": "2025-04"}, "year"),
        ({"appraiser_number": "NOBODY"}, "appraiser_number"),
    ],
)
def test_bad_appraisal_input_is_refused_and_nothing_is_saved(db, tree, make_staff, changes, column):
    manager = make_staff(tree.ward_a)
    nurse = make_staff(tree.ward_a, start_date=date(2018, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        save_appraisal(None, nurse, appraisal_input(manager, **changes), today=TODAY)
    assert column in {p.column for p in caught.value.problems}
    assert count(db, Appraisal) == 0


def test_an_appraiser_cannot_appraise_themself(db, tree, make_staff):
    nurse = make_staff(tree.ward_a)
    with pytest.raises(ValidationFailed) as caught:
        save_appraisal(None, nurse, appraisal_input(nurse), today=TODAY)
    assert caught.value.problems[0].message == (
        "The appraiser cannot be the person being appraised"
    )
    assert count(db, Appraisal) == 0


def test_an_appraiser_from_another_trust_is_not_found(db, tree, make_staff):
    outsider, nurse = make_staff(tree.ward_b), make_staff(tree.ward_a)
    with pytest.raises(ValidationFailed, match="not saved"):
        save_appraisal(None, nurse, appraisal_input(outsider), today=TODAY)


def test_one_appraisal_per_person_per_year(db, tree, make_staff):
    manager, nurse = make_staff(tree.ward_a), make_staff(tree.ward_a)
    save_appraisal(None, nurse, appraisal_input(manager), today=TODAY)
    with pytest.raises(ValidationFailed, match="not saved"):
        save_appraisal(None, nurse, appraisal_input(manager), today=TODAY)
    assert count(db, Appraisal) == 1


def test_an_objective_links_to_an_indicator_of_the_same_year(
    db, tree, make_staff, make_appraisal, make_indicator
):
    appraisal = make_appraisal(make_staff(tree.ward_a), make_staff(tree.ward_a))
    indicator = make_indicator("2025/26")
    objective = add_objective(None, appraisal, "Cut falls on the ward", indicator.id, Decimal(5))
    assert (objective.indicator_id, objective.target) == (indicator.id, Decimal(5))


def test_an_objective_linked_to_another_years_indicator_is_refused(
    db, tree, make_staff, make_appraisal, make_indicator
):
    appraisal = make_appraisal(make_staff(tree.ward_a), make_staff(tree.ward_a))
    old = make_indicator("2024/25")
    with pytest.raises(ValidationFailed) as caught:
        add_objective(None, appraisal, "Cut falls", old.id, Decimal(5))
    problem = caught.value.problems[0]
    assert (problem.code, problem.column) == ("wrong_year", "indicator_id")
    assert "2024/25" in problem.message
    assert "2025/26" in problem.message
    assert count(db, Objective) == 0


def test_an_objective_cannot_link_to_a_draft_framework_or_set_a_target_without_indicator(
    db, tree, make_staff, make_appraisal, make_indicator
):
    appraisal = make_appraisal(make_staff(tree.ward_a), make_staff(tree.ward_a))
    draft = make_indicator("2025/26", status="draft")
    with pytest.raises(ValidationFailed):
        add_objective(None, appraisal, "Cut falls", draft.id, None)
    with pytest.raises(ValidationFailed, match="target needs an indicator"):
        add_objective(None, appraisal, "Cut falls", None, Decimal(5))
    assert count(db, Objective) == 0


def test_a_development_activity_due_before_the_year_is_refused(
    db, tree, make_staff, make_appraisal
):
    appraisal = make_appraisal(make_staff(tree.ward_a), make_staff(tree.ward_a))
    with pytest.raises(ValidationFailed, match="before the appraisal year"):
        add_pdp_item(None, appraisal, "Leading", "Shadow the matron", date(2024, 12, 1))
    assert count(db, PdpItem) == 0


def test_both_signatures_sign_the_appraisal_off_and_then_it_never_changes(
    db, tree, make_staff, make_appraisal, make_user
):
    nurse_account = make_user("provider_lead", [tree.trust_a])
    director = make_user("clinical_director", [tree.line_a])
    manager = make_staff(tree.ward_a)
    nurse = make_staff(tree.ward_a, user_id=nurse_account.id)
    appraisal = make_appraisal(nurse, manager, status="completed", meeting_date=date(2025, 9, 3))
    with pytest.raises(Forbidden):
        sign_appraisal(director, appraisal, "appraisee")  # the appraisee has an account
    sign_appraisal(nurse_account, appraisal, "appraisee")
    with pytest.raises(Forbidden):
        sign_appraisal(nurse_account, appraisal, "appraiser")
    sign_appraisal(director, appraisal, "appraiser")
    assert appraisal.status == "signed_off"
    assert appraisal.appraisee_signed_at is not None
    assert appraisal.appraiser_signed_at is not None
    with pytest.raises(Immutable):
        add_pdp_item(None, appraisal, "Leading", "Shadow the matron", None)
    with pytest.raises(Immutable):
        save_appraisal(None, nurse, appraisal_input(manager), appraisal, today=TODAY)


def test_changing_a_signed_appraisal_asks_for_new_signatures(
    db, tree, make_staff, make_appraisal, make_user
):
    director = make_user("clinical_director", [tree.line_a])
    manager, nurse = make_staff(tree.ward_a), make_staff(tree.ward_a)
    appraisal = make_appraisal(nurse, manager, status="completed", meeting_date=date(2025, 9, 3))
    sign_appraisal(director, appraisal, "appraiser")
    save_appraisal(
        None,
        nurse,
        appraisal_input(manager, summary="Rewritten"),
        appraisal,
        expected_version=appraisal.version,
        today=TODAY,
    )
    assert appraisal.appraiser_signed_at is None


def test_only_a_completed_appraisal_can_be_signed(db, tree, make_staff, make_appraisal, make_user):
    director = make_user("clinical_director", [tree.line_a])
    appraisal = make_appraisal(make_staff(tree.ward_a), make_staff(tree.ward_a))
    with pytest.raises(Conflict):
        sign_appraisal(director, appraisal, "appraiser")


def test_a_manager_records_a_paper_signature_for_someone_without_an_account(
    db, tree, make_staff, make_appraisal, make_user
):
    director = make_user("clinical_director", [tree.line_a])
    nurse = make_staff(tree.ward_a)
    appraisal = make_appraisal(
        nurse, make_staff(tree.ward_a), status="completed", meeting_date=date(2025, 9, 3)
    )
    sign_appraisal(director, appraisal, "appraisee")
    assert appraisal.appraisee_signed_by_id == director.id
    with pytest.raises(Conflict, match="already signed"):
        sign_appraisal(director, appraisal, "appraisee")
