"""Baseline assessments: requested by a date, rated with evidence, reviewed, then fixed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qframe.assessment.jobs import send_reminders
from qframe.assessment.models import GOVERNANCE_AREAS, Assessment
from qframe.assessment.services import (
    review_assessment,
    save_items,
    start_assessment,
    submit_assessment,
)
from qframe.errors import Conflict, Immutable, ValidationFailed
from qframe.extensions import db
from qframe.notifications.models import Notification

TODAY = date(2026, 5, 1)


def _filled(a: Assessment, **override: dict[str, str]) -> dict[str, dict[str, str]]:
    rows = {
        i.area: {"rating": "adequate", "evidence": "Audit report 2025", "named": ""}
        for i in a.items
    }
    rows.update(override)
    return rows


def _start(tree, make_user):  # type: ignore[no-untyped-def]
    commissioner = make_user("commissioner", [tree.icb])
    return commissioner, start_assessment(
        commissioner, tree.trust_a, "2026/27", date(2026, 6, 30), TODAY
    )


def test_an_assessment_covers_the_seven_governance_areas(tree, make_user) -> None:
    _c, a = _start(tree, make_user)
    labels = [i.label for i in a.items]
    assert labels[-7:] == [label for _code, label in GOVERNANCE_AREAS]
    assert "Patient and public involvement" in labels


def test_a_due_date_in_the_past_is_refused(tree, make_user) -> None:
    commissioner = make_user("commissioner", [tree.icb])
    with pytest.raises(ValidationFailed) as caught:
        start_assessment(commissioner, tree.trust_a, "2026/27", date(2026, 4, 1), TODAY)
    assert caught.value.problems[0].column == "due_on"
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_bad_rows_are_refused_whole_with_row_and_column(tree, make_user) -> None:
    _c, a = _start(tree, make_user)
    lead = make_user("provider_lead", [tree.trust_a])
    first, second = a.items[0].area, a.items[1].area
    rows = _filled(a)
    rows[first] = {"rating": "excellent", "evidence": "x", "named": ""}
    rows[second] = {"rating": "problematic", "evidence": "Incidents", "named": ""}
    with pytest.raises(ValidationFailed) as caught:
        save_items(lead, a, rows)
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "rating"), (2, "named")}
    assert all(i.rating is None for i in a.items)


def test_submission_needs_every_area_rated_with_evidence(tree, make_user) -> None:
    _c, a = _start(tree, make_user)
    lead = make_user("provider_lead", [tree.trust_a])
    rows = _filled(a)
    rows[a.items[2].area] = {"rating": "strong", "evidence": "", "named": ""}
    save_items(lead, a, rows)
    with pytest.raises(ValidationFailed) as caught:
        submit_assessment(lead, a)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "evidence")]


def test_returned_then_accepted_the_assessment_is_fixed_and_a_new_one_can_start(
    tree, make_user
) -> None:
    commissioner, a = _start(tree, make_user)
    lead = make_user("provider_lead", [tree.trust_a])
    save_items(lead, a, _filled(a))
    submit_assessment(lead, a)
    with pytest.raises(ValidationFailed):
        review_assessment(commissioner, a, accept=False, note="  ")
    review_assessment(commissioner, a, accept=False, note="Name the wards for falls")
    assert a.status == "returned"
    save_items(lead, a, _filled(a))
    submit_assessment(lead, a)
    review_assessment(commissioner, a, accept=True, note="")
    with pytest.raises(Conflict):
        save_items(lead, a, _filled(a))
    a.review_note = "edited"
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()


def test_a_second_open_assessment_for_the_same_year_is_refused(tree, make_user) -> None:
    commissioner, _a = _start(tree, make_user)
    with pytest.raises(Conflict):
        start_assessment(commissioner, tree.trust_a, "2026/27", date(2026, 7, 1), TODAY)


def test_reminders_go_once_when_due_soon_and_once_when_overdue(tree, make_user) -> None:
    _c, a = _start(tree, make_user)  # due 30 June 2026
    lead = make_user("provider_lead", [tree.trust_a])
    count = lambda: db.session.scalar(  # noqa: E731
        select(func.count()).where(Notification.user_id == lead.id)
    )
    send_reminders(date(2026, 6, 1))  # 29 days before: nothing yet
    assert count() == 0
    send_reminders(date(2026, 6, 20))
    send_reminders(date(2026, 6, 21))
    assert count() == 1
    send_reminders(date(2026, 7, 1))
    send_reminders(date(2026, 7, 2))
    assert count() == 2


def test_the_provider_saves_and_submits_on_the_page(tree, client, login_as, make_user) -> None:
    _c, a = _start(tree, make_user)
    login_as("provider_lead", [tree.trust_a])
    form = {"submit": "yes"}
    for i in a.items:
        form |= {f"rating-{i.position}": "adequate", f"evidence-{i.position}": "Board papers"}
    form[f"rating-{a.items[0].position}"] = "problematic"
    response = client.post(f"/assessment/{a.id}", data=form)
    assert response.status_code == 422
    assert "name the services or areas that are problematic" in response.get_data(as_text=True)
    form[f"named-{a.items[0].position}"] = "Ward 7 (falls)"
    assert client.post(f"/assessment/{a.id}", data=form).status_code == 302
    db.session.refresh(a)
    assert a.status == "submitted"


def test_another_icbs_commissioner_gets_404(tree, client, login_as, make_user) -> None:
    _c, a = _start(tree, make_user)
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/assessment/{a.id}").status_code == 404
    assert client.get(f"/api/v1/assessments/{a.id}").status_code == 404


def test_the_csv_export_has_one_row_per_area(tree, client, login_as, make_user) -> None:
    _c, a = _start(tree, make_user)
    login_as("provider_lead", [tree.trust_a])
    lines = client.get("/assessment/assessments.csv").get_data(as_text=True).strip().splitlines()
    assert len(lines) == 1 + len(a.items)


def test_the_commissioners_published_framework_domains_come_first(tree, make_user) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "escalation"))
    import ladder_builders

    ladder_builders.make_framework(tree.icb)  # domains Safety and Experience, 2025/26
    commissioner = make_user("commissioner", [tree.icb])
    a = start_assessment(commissioner, tree.trust_a, "2025/26", date(2026, 6, 30), TODAY)
    assert [i.label for i in a.items[:2]] == ["Domain: Safety", "Domain: Experience"]
    assert len(a.items) == 2 + len(GOVERNANCE_AREAS)
