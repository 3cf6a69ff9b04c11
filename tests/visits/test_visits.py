"""Governance visits: the three-yearly cycle, findings, recommendations as plan actions."""

from __future__ import annotations

from datetime import date

import pytest

from qframe.devplans.services import import_plan
from qframe.errors import ValidationFailed
from qframe.visits.services import cycles, recommend, record_visit, schedule_visit

TODAY = date(2026, 5, 1)
CSV = b"action,owner,milestone,due_on\nAudit,Head of nursing,Train ward sisters,2026-09-30\n"


def test_a_visit_in_the_past_cannot_be_planned(tree, make_user) -> None:
    user = make_user("commissioner", [tree.icb])
    with pytest.raises(ValidationFailed) as caught:
        schedule_visit(user, tree.icb, date(2026, 4, 30), TODAY)
    assert caught.value.problems[0].column == "planned_on"


def test_a_visit_cannot_be_recorded_as_done_in_the_future(tree, make_user) -> None:
    user = make_user("commissioner", [tree.icb])
    visit = schedule_visit(user, tree.icb, TODAY, TODAY)
    with pytest.raises(ValidationFailed):
        record_visit(user, visit, date(2026, 5, 2), "Findings", TODAY)


def test_the_cycle_falls_due_three_years_after_the_last_visit(tree, make_user) -> None:
    user = make_user("commissioner", [tree.icb])
    visit = schedule_visit(user, tree.icb, date(2023, 3, 1), date(2023, 1, 1))
    record_visit(user, visit, date(2023, 3, 2), "Sound arrangements", date(2023, 3, 2))
    [before] = cycles(user, date(2026, 3, 2))  # due 2 March 2026: not yet past
    assert (before.next_due, before.overdue) == (date(2026, 3, 2), False)
    [after] = cycles(user, date(2026, 3, 3))
    assert after.overdue
    schedule_visit(user, tree.icb, date(2026, 6, 1), date(2026, 3, 3))
    [planned] = cycles(user, date(2026, 3, 3))
    assert not planned.overdue


def test_a_recommendation_becomes_an_action_with_its_owner(tree, make_user) -> None:
    user = make_user("commissioner", [tree.icb])
    plan = import_plan(None, tree.trust_a, "Plan", date(2026, 4, 1), date(2027, 3, 31), CSV)
    visit = schedule_visit(user, tree.icb, TODAY, TODAY)
    record_visit(user, visit, TODAY, "Audit cycle rarely closed", TODAY)
    rec = recommend(
        user, visit, tree.trust_a, "Close the audit loop", "Medical director", date(2026, 12, 31)
    )
    action = plan.actions[-1]
    assert (action.id, action.title, action.owner) == (
        rec.action_id,
        "Close the audit loop",
        "Medical director",
    )
    assert action.milestones[0].due_on == date(2026, 12, 31)


def test_a_recommendation_needs_a_plan_running_to_its_due_date(tree, make_user) -> None:
    user = make_user("commissioner", [tree.icb])
    import_plan(None, tree.trust_a, "Plan", date(2026, 4, 1), date(2027, 3, 31), CSV)
    visit = schedule_visit(user, tree.icb, TODAY, TODAY)
    record_visit(user, visit, TODAY, "Findings", TODAY)
    with pytest.raises(ValidationFailed) as caught:
        recommend(user, visit, tree.trust_a, "Later", "MD", date(2027, 6, 30))
    assert caught.value.problems[0].code == "no_plan"
    with pytest.raises(ValidationFailed) as other:
        recommend(user, visit, tree.other_trust, "Elsewhere", "MD", date(2026, 12, 31))
    assert "not_in_system" in {p.code for p in other.value.problems}


def test_out_of_scope_visits_are_404(tree, client, login_as, make_user) -> None:
    visit = schedule_visit(make_user("commissioner", [tree.icb]), tree.icb, date(2099, 1, 1), TODAY)
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/visits/{visit.id}").status_code == 404
    response = client.post(
        "/visits/", data={"commissioner": str(tree.icb.id), "planned_on": "2099-01-01"}
    )
    assert response.status_code == 404
