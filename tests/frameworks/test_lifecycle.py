"""Lifecycle services: import as draft, publish (checked, audited), new version, close, delete."""

import json

import pytest
from sqlalchemy import select

from qframe.audit.models import AuditEvent
from qframe.errors import Conflict, Forbidden, Immutable, ValidationFailed
from qframe.frameworks import services
from qframe.frameworks.models import Framework


def actions(db, framework_id):
    stmt = select(AuditEvent.action).where(
        AuditEvent.object_type == "framework", AuditEvent.object_id == str(framework_id)
    )
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def test_an_import_is_a_draft_and_the_same_code_gets_the_next_version(make_draft):
    first, second = make_draft(), make_draft()
    assert (first.status, second.status) == ("draft", "draft")
    assert (first.version, second.version) == (1, 2)
    assert [i.code for i in second.indicators] == ["VTE01", "FALL01"]


def test_publishing_freezes_the_draft_and_is_audited(db, make_draft, make_user, tree):
    actor = make_user("commissioner", [tree.icb])
    framework = services.publish_framework(actor, make_draft())
    assert framework.status == "published"
    assert framework.published_at is not None
    assert framework.published_by_id == actor.id
    assert actions(db, framework.id) == ["framework.import", "framework.publish"]


def test_publishing_an_incomplete_framework_lists_every_problem_and_changes_nothing(
    db, small, make_draft
):
    raw = small()
    raw["indicators"][0]["scoring"].update(lower=None, upper=None)
    raw["indicators"][1]["scoring"]["max_points"] = "0"
    raw["indicators"][1]["weight"] = "0.5"
    framework = make_draft(raw)
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        services.publish_framework(None, framework)
    found = {(p.column, p.code) for p in caught.value.problems}
    assert found == {
        ("indicators[0].scoring.lower", "missing_threshold"),
        ("indicators[0].scoring.upper", "missing_threshold"),
        ("indicators[1].scoring.max_points", "not_positive"),
        ("indicators", "weights_not_one"),
    }
    assert any(p.message.startswith("VTE01: ") for p in caught.value.problems)
    db.session.rollback()
    assert db.session.get(Framework, framework.id).status == "draft"


def test_the_qof_england_library_draft_cannot_be_published_until_thresholds_are_set(tree):
    framework = services.import_library_framework(None, "qof-england-2023-24", tree.icb)
    with pytest.raises(ValidationFailed) as caught:
        services.publish_framework(None, framework)
    codes = {p.code for p in caught.value.problems}
    assert "missing_threshold" in codes


def test_publishing_twice_is_a_conflict(make_published):
    with pytest.raises(Conflict, match="already published"):
        services.publish_framework(None, make_published())


def test_a_new_version_copies_the_published_framework_with_its_reason(db, make_published):
    old = make_published()
    draft = services.new_version(None, old, "  Raise the VTE upper threshold to 97%  ")
    assert (draft.code, draft.version, draft.status) == (old.code, 2, "draft")
    assert draft.previous_id == old.id
    assert draft.change_reason == "Raise the VTE upper threshold to 97%"
    old_json = json.loads(services.framework_json(old))
    new_json = json.loads(services.framework_json(draft))
    assert new_json == {**old_json, "change_reason": "Raise the VTE upper threshold to 97%"}
    assert "framework.new_version" in actions(db, draft.id)


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001])
def test_a_new_version_needs_a_short_reason(reason, make_published, counts):
    old = make_published()
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        services.new_version(None, old, reason)
    assert caught.value.problems[0].column == "reason"
    assert counts() == before


def test_a_draft_is_edited_rather_than_versioned(make_draft):
    with pytest.raises(Conflict, match="still a draft"):
        services.new_version(None, make_draft(), "why")


def test_closing_moves_a_published_framework_to_closed(db, make_published):
    framework = services.close_framework(None, make_published())
    assert framework.status == "closed"
    assert framework.closed_at is not None
    assert actions(db, framework.id)[-1] == "framework.close"


def test_only_a_published_framework_can_be_closed(make_draft, make_published):
    with pytest.raises(Conflict):
        services.close_framework(None, make_draft())
    closed = services.close_framework(None, make_published())
    with pytest.raises(Conflict):
        services.close_framework(None, closed)


def test_a_closed_framework_can_still_be_versioned(make_published):
    closed = services.close_framework(None, make_published())
    assert services.new_version(None, closed, "Next year").status == "draft"


def test_a_draft_can_be_deleted_but_a_published_framework_cannot(db, make_draft, make_published):
    draft = make_draft()
    services.delete_draft(None, draft)
    assert db.session.get(Framework, draft.id) is None
    published = make_published()
    with pytest.raises(Immutable):
        services.delete_draft(None, published)


def test_a_framework_must_be_owned_by_a_commissioner(small, tree, counts):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        services.import_framework(None, services.parse_framework(json.dumps(small())), tree.trust_a)
    assert caught.value.problems[0].column == "owner"
    assert counts() == before


def test_a_code_owned_by_another_commissioner_cannot_be_taken_over(make_draft, tree):
    make_draft()
    with pytest.raises(Conflict, match="already belongs to"):
        make_draft(owner=tree.other_icb)


def test_a_commissioner_cannot_import_for_an_icb_outside_their_scope(small, make_user, tree):
    actor = make_user("commissioner", [tree.icb])
    data = services.parse_framework(json.dumps(small()))
    with pytest.raises(Forbidden):
        services.import_framework(actor, data, tree.other_icb)


def test_diff_versions_reports_added_removed_and_changed_thresholds(small, make_published):
    old = make_published()
    raw = small()
    raw["indicators"][0]["scoring"]["upper"] = "97"
    raw["indicators"][1] = {**raw["indicators"][1], "code": "FALL02"}
    new = services.import_framework(None, services.parse_framework(json.dumps(raw)), old.owner)
    diff = services.diff_versions(old, new)
    assert diff.added == ["FALL02"]
    assert diff.removed == ["FALL01"]
    assert [(c.code, c.field, str(c.old), str(c.new)) for c in diff.changed] == [
        ("VTE01", "scoring.upper", "95", "97")
    ]
