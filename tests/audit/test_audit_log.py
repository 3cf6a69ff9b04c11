"""The audit log is append-only and browsable by admins."""

from __future__ import annotations

import pytest

from qframe.audit.services import record
from qframe.errors import Immutable


def test_an_audit_event_cannot_be_edited_or_deleted(db):
    event = record(None, "test.action", "thing", 1, before={"a": 1}, after={"a": 2})
    event.action = "tampered"
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()


def test_an_audit_event_cannot_be_deleted(db):
    event = record(None, "test.action", "thing", 1)
    db.session.delete(event)
    with pytest.raises(Immutable):
        db.session.flush()
    db.session.rollback()


def test_admins_filter_the_log_by_action_and_download_it(client, login_as):
    admin = login_as("admin")
    record(admin, "orgs.import", "organisation", None, after={"created": 3})
    record(
        admin, "user.update", "user", admin.id, before={"role": "admin"}, after={"role": "admin"}
    )
    page = client.get("/audit/?action=orgs.import").get_data(as_text=True)
    assert "orgs.import" in page
    assert "user.update" not in page
    csv = client.get("/audit/audit.csv?action=orgs.import").get_data(as_text=True)
    assert csv.count("orgs.import") == 1
