"""Admins create, re-scope and disable users; bad input is refused whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.auth.models import User
from qframe.auth.services import create_user
from qframe.errors import ValidationFailed
from qframe.extensions import db


def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("email", "role", "orgs", "code"),
    [
        ("new@example.test", "superhero", [], "unknown_role"),
        ("not-an-email", "admin", [], "bad_email"),
        ("new@example.test", "commissioner", ["NOPE"], "unknown_org"),
        ("new@example.test", "nurse_manager", [], "scope_required"),
    ],
)
def test_bad_user_details_are_refused_with_a_clear_problem_and_nothing_written(
    db, email, role, orgs, code
):
    before = _count_users()
    with pytest.raises(ValidationFailed) as error:
        create_user(None, email=email, role=role, password="long enough password", org_codes=orgs)
    assert code in {p.code for p in error.value.problems}
    assert _count_users() == before


def test_a_duplicate_email_is_refused_whatever_its_case(db, make_user):
    user = make_user("admin")
    with pytest.raises(ValidationFailed) as error:
        create_user(None, email=user.email.upper(), role="admin", password="long enough password")
    assert [p.code for p in error.value.problems] == ["duplicate_user"]


def test_a_role_can_only_be_scoped_to_the_right_kind_of_organisation(db, tree):
    with pytest.raises(ValidationFailed) as error:
        create_user(
            None,
            email="nm@example.test",
            role="nurse_manager",
            password="long enough password",
            org_codes=[tree.trust_a.code],
        )
    assert [p.code for p in error.value.problems] == ["wrong_scope_kind"]


def test_the_admin_form_creates_a_scoped_user_and_audits_it(client, login_as, tree):
    login_as("admin")
    response = client.post(
        "/users/new",
        data={
            "email": "cd@example.test",
            "name": "Dr C",
            "role": "clinical_director",
            "orgs": tree.line_a.code,
            "password": "long enough password",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "cd@example.test"))
    assert [o.code for o in user.scope_orgs] == [tree.line_a.code]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.object_id == str(user.id)
        )
    )
    assert event.after["scope"] == [tree.line_a.code]


def test_the_admin_form_shows_problems_next_to_the_fields(client, login_as):
    login_as("admin")
    response = client.post(
        "/users/new",
        data={"email": "x@example.test", "role": "admin", "orgs": "", "password": "short"},
    )
    assert response.status_code == 422
    assert "at least 12 characters" in response.get_data(as_text=True)


def test_a_stale_edit_form_gets_a_conflict_not_an_overwrite(client, login_as, make_user):
    login_as("admin")
    target = make_user("admin")
    stale = target.version
    target.name = "changed elsewhere"
    db.session.commit()  # another user's saved change
    response = client.post(
        f"/users/{target.id}",
        data={"name": "mine", "role": "admin", "orgs": "", "active": "y", "version": stale},
    )
    assert response.status_code == 409
    assert target.name == "changed elsewhere"


def test_an_admin_cannot_disable_themselves(client, login_as):
    me = login_as("admin")
    response = client.post(
        f"/users/{me.id}", data={"name": "", "role": "admin", "orgs": "", "version": me.version}
    )
    assert response.status_code == 422
    assert me.active


def test_an_api_token_is_shown_once_and_authenticates_as_its_user(
    client, login_as, make_user, app, tree
):
    login_as("admin")
    target = make_user("provider_lead", [tree.trust_a])
    page = client.post(f"/users/{target.id}/tokens", data={"name": "nightly upload"}).get_data(
        as_text=True
    )
    secret = page.split('data-testid="token">')[1].split("<")[0]
    machine = app.test_client()
    ok = machine.get(f"/orgs/{tree.ward_a.id}", headers={"Authorization": f"Bearer {secret}"})
    hidden = machine.get(
        f"/orgs/{tree.other_ward.id}", headers={"Authorization": f"Bearer {secret}"}
    )
    bad = machine.get("/api/v1/openapi.json", headers={"Authorization": "Bearer qf_wrong"})
    assert ok.status_code == 200
    assert hidden.status_code == 404
    assert bad.status_code == 200  # public document; a bad token is simply anonymous
