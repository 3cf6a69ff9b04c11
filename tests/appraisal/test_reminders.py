"""Appraisal and revalidation reminders: who is told, at which thresholds, and never twice."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qframe.appraisal.reminders import send_reminders
from qframe.notifications.models import Notification

TODAY = date(2026, 1, 15)


@pytest.fixture
def people(tree, make_user, make_staff, make_appraisal):
    """A nurse on ward A1 with an appraisal due in 90 days and an overdue revalidation."""
    users = {
        "director": make_user("clinical_director", [tree.line_a]),
        "ward_manager": make_user("nurse_manager", [tree.ward_a]),
        "other_ward": make_user("nurse_manager", [tree.ward_a2]),
        "commissioner": make_user("commissioner", [tree.icb]),
        "matron": make_user("provider_lead", [tree.trust_a]),
        "nurse": make_user("provider_lead", [tree.trust_a]),
    }
    matron = make_staff(tree.line_a, user_id=users["matron"].id, name="Mary Matron")
    nurse = make_staff(
        tree.ward_a,
        name="Nadia Nurse",
        line_manager=matron,
        user_id=users["nurse"].id,
        revalidation_due=TODAY - timedelta(days=1),
    )
    make_appraisal(
        nurse, matron, year="2025/26", due_date=TODAY + timedelta(days=90), summary="Secret"
    )
    # The matron's own appraisal was a month ago: nothing is due for her.
    make_appraisal(
        matron, nurse, status="completed", due_date=TODAY, meeting_date=TODAY - timedelta(days=30)
    )
    leaver = make_staff(tree.ward_a, left_on=TODAY - timedelta(days=10))
    make_appraisal(leaver, matron, due_date=TODAY + timedelta(days=5))
    return users, matron


def inbox(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_managers_in_scope_the_line_manager_and_the_person_are_reminded(db, people):
    users, _ = people
    summary = send_reminders(TODAY)
    assert (summary.reminders, summary.notifications) == (2, 8)
    for who in ("director", "ward_manager", "matron"):
        titles = sorted(n.title for n in inbox(db, users[who]))
        assert titles == [
            "Appraisal is due within 90 days: Nadia Nurse",
            "Revalidation is overdue: Nadia Nurse",
        ]
    assert sorted(n.title for n in inbox(db, users["nurse"])) == [
        "Your appraisal is due within 90 days",
        "Your revalidation is overdue",
    ]
    assert inbox(db, users["other_ward"]) == []
    assert inbox(db, users["commissioner"]) == []


def test_reminders_link_to_the_person_and_carry_no_appraisal_content(db, people):
    users, _ = people
    send_reminders(TODAY)
    for notification in inbox(db, users["director"]):
        assert notification.link.startswith("/appraisal/staff/")
        assert "Secret" not in notification.body


def test_a_second_run_the_same_day_sends_nothing(db, people):
    send_reminders(TODAY)
    again = send_reminders(TODAY)
    assert (again.reminders, again.notifications) == (0, 0)


def test_the_next_threshold_sends_one_new_reminder(db, people):
    users, _ = people
    send_reminders(TODAY)
    later = send_reminders(TODAY + timedelta(days=60))  # the appraisal is now 30 days away
    assert later.reminders == 1
    titles = [n.title for n in inbox(db, users["director"])]
    assert "Appraisal is due within 30 days: Nadia Nurse" in titles
    assert titles.count("Revalidation is overdue: Nadia Nurse") == 1


def test_a_run_past_several_thresholds_sends_only_the_most_urgent(db, people):
    users, _ = people
    send_reminders(TODAY + timedelta(days=91))  # the appraisal is overdue, never reminded before
    titles = [n.title for n in inbox(db, users["director"])]
    assert "Appraisal is overdue: Nadia Nurse" in titles
    assert not any("within" in t for t in titles)


def test_e_mail_is_queued_only_when_smtp_is_configured(app, db, people, monkeypatch):
    users, _ = people
    send_reminders(TODAY)
    assert not any(n.email_pending for n in inbox(db, users["director"]))
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.test")
    send_reminders(TODAY + timedelta(days=60))
    assert [n.email_pending for n in inbox(db, users["director"])].count(True) == 1
