"""Collection windows, closing, reopening, declaration, approval and the completeness dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import Immutable, ValidationFailed
from qframe.measurements.declarations import completeness, decide, declare
from qframe.measurements.jobs import close_due_windows
from qframe.measurements.models import CollectionWindow, Declaration, WindowReopening
from qframe.measurements.services import import_csv
from qframe.measurements.windows import reopen_window, set_window
from qframe.periods.models import get_or_create_period

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value"
# SHMI (AQF-E05) is a ratio: observed deaths and the file's `expected` column (expected deaths).
PROVIDER_CODES = ("AQF-S01", "AQF-S02", "AQF-S05", "AQF-E01", "AQF-E04", "AQF-X03")


def quarter_file(org, skip: int = 0) -> bytes:  # type: ignore[no-untyped-def]
    lines = [f"{org.code},{c},2025/26 Q1,5,10,,," for c in PROVIDER_CODES[skip:]]
    lines.append(f"{org.code},AQF-E05,2025/26 Q1,404,,,,400.0")
    return ("\n".join([f"{HEADER},expected", *lines]) + "\n").encode()


def audits(db, action: str) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_a_commissioner_sets_a_window_on_the_windows_page(db, client, tree, aqf, login_as):
    login_as("commissioner", [tree.icb])
    response = client.post(
        f"/measurements/manage/frameworks/{aqf.id}/windows",
        data={
            "period": "2025-04",
            "opens_on": "2025-05-01",
            "closes_on": "2025-05-20",
            "grace_days": "3",
        },
    )
    assert response.status_code == 302
    window = db.session.scalars(select(CollectionWindow)).one()
    assert (window.opens_on, window.closes_on, window.grace_days) == (
        date(2025, 5, 1),
        date(2025, 5, 20),
        3,
    )
    assert audits(db, "measurements.window_set") == 1
    page = client.get(f"/measurements/manage/frameworks/{aqf.id}/windows").get_data(as_text=True)
    assert "20 May 2025" in page


def test_another_commissioners_framework_is_not_found(client, tree, aqf, login_as):
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/measurements/manage/frameworks/{aqf.id}/windows").status_code == 404
    assert client.get(f"/measurements/manage/frameworks/{aqf.id}/completeness").status_code == 404


def test_the_job_closes_windows_past_deadline_and_grace_and_they_never_change_again(db, aqf):
    due = set_window(
        None, aqf, "2025-04", opens_on=date(2025, 5, 1), closes_on=date(2025, 5, 20), grace_days=3
    )
    grace = set_window(
        None, aqf, "2025-05", opens_on=date(2025, 6, 1), closes_on=date(2025, 6, 20), grace_days=5
    )
    assert close_due_windows(datetime(2025, 6, 22, 9, tzinfo=UTC)) == 1
    assert due.closed_at is not None
    assert grace.closed_at is None
    assert close_due_windows(datetime(2025, 6, 22, 9, 15, tzinfo=UTC)) == 0
    assert audits(db, "measurements.window_closed") == 1
    with pytest.raises(Immutable, match="closed periods never change"):
        set_window(None, aqf, "2025-04", opens_on=date(2025, 5, 1), closes_on=date(2026, 1, 1))


def test_reopening_for_one_organisation_lets_only_it_correct_closed_data(db, tree, aqf, make_user):
    window = set_window(
        None, aqf, "2025-04", opens_on=date(2025, 5, 1), closes_on=date(2025, 5, 20)
    )
    nurse = make_user("nurse_manager", [tree.ward_a])
    other = make_user("nurse_manager", [tree.ward_a2])
    today = date(2026, 5, 15)
    row = lambda ward: f"{HEADER}\n{ward.code},AQF-S03,2025-04,3,800,,\n".encode()  # noqa: E731
    with pytest.raises(ValidationFailed):
        import_csv(nurse, aqf, row(tree.ward_a), today=today)
    commissioner = make_user("commissioner", [tree.icb])
    with pytest.raises(ValidationFailed):
        reopen_window(commissioner, window, tree.ward_a, reason="", until=today, today=today)
    reopen_window(
        commissioner,
        window,
        tree.ward_a,
        reason="Falls miscoded in April",
        until=today + timedelta(days=7),
        today=today,
    )
    assert import_csv(nurse, aqf, row(tree.ward_a), today=today).created == 1
    with pytest.raises(ValidationFailed) as still:
        import_csv(other, aqf, row(tree.ward_a2), today=today)
    assert "closed on 20 May 2025" in still.value.problems[0].message
    assert db.session.scalars(select(WindowReopening)).one().reason == "Falls miscoded in April"
    assert audits(db, "measurements.window_reopen") == 1


def test_declaring_needs_every_expected_value_then_locks_ward_staff_until_decided(
    db, tree, aqf, make_user
):
    lead = make_user("provider_lead", [tree.trust_a])
    commissioner = make_user("commissioner", [tree.icb])
    q1 = get_or_create_period("2025/26 Q1")
    import_csv(lead, aqf, quarter_file(tree.trust_a, skip=1))
    with pytest.raises(
        ValidationFailed,
        match=f"1 expected values are not submitted yet: {tree.trust_a.code} AQF-S01",
    ):
        declare(lead, aqf, tree.trust_a, q1)
    import_csv(lead, aqf, quarter_file(tree.trust_a))
    decl = declare(lead, aqf, tree.trust_a, q1)
    assert decl.status == "declared"
    with pytest.raises(ValidationFailed, match="Say what needs correcting"):
        decide(commissioner, decl, approve=False, comment="")
    decide(commissioner, decl, approve=False, comment="S02 looks low: check the audit")
    assert (decl.status, decl.comment) == ("returned", "S02 looks low: check the audit")
    declare(lead, aqf, tree.trust_a, q1)
    decide(commissioner, decl, approve=True)
    with pytest.raises(ValidationFailed) as locked:
        import_csv(lead, aqf, quarter_file(tree.trust_a).replace(b"5,10", b"6,10"))
    assert (
        f"approved on {date.today().day} {date.today():%b %Y}" in locked.value.problems[0].message
    )
    assert audits(db, "measurements.declare") == 2
    assert audits(db, "measurements.approve") == audits(db, "measurements.return") == 1


def test_declared_ward_data_is_locked_for_the_nurse_manager_with_the_reason(
    db, client, tree, aqf, login_as, make_user
):
    lead = make_user("provider_lead", [tree.trust_a])
    wards = "\n".join(
        f"{w.code},{c},2025-04,3,40,,"
        for w in (tree.ward_a, tree.ward_a2)
        for c in ("AQF-S03", "AQF-S04", "AQF-X01")
    )
    lines = "\n".join(f"{tree.line_a.code},{c},2025-04,3,40,," for c in ("AQF-E02", "AQF-E03"))
    lines2 = "\n".join(f"{tree.line_a2.code},{c},2025-04,3,40,," for c in ("AQF-E02", "AQF-E03"))
    import_csv(lead, aqf, f"{HEADER}\n{wards}\n{lines}\n{lines2}\n".encode())
    declare(lead, aqf, tree.trust_a, get_or_create_period("2025-04"))
    login_as("nurse_manager", [tree.ward_a])
    body = client.get(f"/measurements/orgs/{tree.ward_a.id}?period=2025-04").get_data(as_text=True)
    assert "declared and awaiting approval" in body
    assert 'data-testid="entry-grid"' not in body  # no entry fields once declared


def test_the_completeness_dashboard_counts_expected_submitted_and_declared(
    db, client, tree, aqf, login_as
):
    import_csv(None, aqf, quarter_file(tree.trust_a, skip=2))
    login_as("commissioner", [tree.icb])
    rows = completeness(aqf, get_or_create_period("2025/26 Q1"), None)
    assert [(r.provider.code, r.expected, r.submitted, r.status) for r in rows] == [
        (tree.trust_a.code, 7, 5, "awaiting declaration")
    ]  # trust B is community, not acute
    page = client.get(f"/measurements/manage/frameworks/{aqf.id}/completeness?period=2025/26 Q1")
    assert page.status_code == 200
    assert "2 to come" in page.get_data(as_text=True)
    download = client.get(
        f"/measurements/manage/frameworks/{aqf.id}/completeness.csv?period=2025/26 Q1"
    )
    assert (
        download.get_data(as_text=True)
        .splitlines()[1]
        .startswith(f"{tree.trust_a.code},Trust A,7,5,0,awaiting declaration")
    )


def test_a_commissioner_approves_from_the_dashboard(db, client, tree, aqf, login_as, make_user):
    lead = make_user("provider_lead", [tree.trust_a])
    import_csv(lead, aqf, quarter_file(tree.trust_a))
    decl = declare(lead, aqf, tree.trust_a, get_or_create_period("2025/26 Q1"))
    login_as("commissioner", [tree.icb])
    response = client.post(f"/measurements/manage/declarations/{decl.id}/approve")
    assert response.status_code == 302
    assert db.session.get(Declaration, decl.id).status == "approved"


def test_a_provider_lead_declares_a_wards_month_from_the_ward_page(db, client, tree, aqf, login_as):
    lead = login_as("provider_lead", [tree.trust_a])
    wards = "\n".join(
        f"{w.code},{c},2025-04,3,40,,"
        for w in (tree.ward_a, tree.ward_a2)
        for c in ("AQF-S03", "AQF-S04", "AQF-X01")
    )
    lines = "\n".join(
        f"{line.code},{c},2025-04,3,40,,"
        for line in (tree.line_a, tree.line_a2)
        for c in ("AQF-E02", "AQF-E03")
    )
    import_csv(lead, aqf, f"{HEADER}\n{wards}\n{lines}\n".encode())
    db.session.commit()
    response = client.post(
        f"/measurements/orgs/{tree.ward_a.id}/declare",
        data={"framework": aqf.id, "period": "2025-04"},
    )
    assert response.status_code == 302
    decl = db.session.scalars(select(Declaration)).one()
    assert (decl.organisation_id, decl.status) == (tree.trust_a.id, "declared")
