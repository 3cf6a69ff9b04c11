"""The import service: stored values, history of changes, idempotent re-uploads, audit per batch."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import Conflict
from qframe.measurements.declarations import declare
from qframe.measurements.models import (
    Declaration,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
)
from qframe.measurements.services import import_csv, save_entry
from qframe.periods.models import get_or_create_period

HEADER = (
    "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,comment,expected"
)
TODAY = date(2026, 5, 15)


def csv(*lines: str) -> bytes:
    # Rows written without the last (expected) column get it empty.
    padded = [line + "," * (HEADER.count(",") - line.count(",")) for line in lines]
    return ("\n".join([HEADER, *padded]) + "\n").encode()


@pytest.fixture
def lead(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("provider_lead", [tree.trust_a])


def stored(db, org, code: str, period: str) -> Measurement:  # type: ignore[no-untyped-def]
    return db.session.scalars(
        select(Measurement)
        .join(Measurement.indicator)
        .join(Measurement.period)
        .where(Measurement.organisation_id == org.id)
        .where(Measurement.indicator.has(code=code), Measurement.period.has(label=period))
    ).one()


def test_values_are_stored_as_given_and_missing_is_recorded_as_missing_not_zero(
    db, tree, aqf, lead
):
    outcome = import_csv(
        lead,
        aqf,
        csv(
            f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,37,,,",
            f"{tree.trust_a.code},AQF-S02,2025/26 Q1,,,,,not_collected,audit not run",
            f"{tree.trust_a.code},AQF-E05,2025/26 Q1,412,,,,,,401.250",
        ),
        filename="q1.csv",
        today=TODAY,
    )
    assert (outcome.rows, outcome.created, outcome.missing) == (3, 3, 1)
    vte = stored(db, tree.trust_a, "AQF-S01", "2025/26 Q1")
    assert (vte.numerator, vte.denominator, vte.exclusions, vte.missing) == (4012, 4200, 37, False)
    assert (vte.source, vte.submitted_by_id, vte.version) == ("file", lead.id, 1)
    sepsis = stored(db, tree.trust_a, "AQF-S02", "2025/26 Q1")
    assert (sepsis.numerator, sepsis.denominator, sepsis.value) == (None, None, None)
    assert (sepsis.missing, sepsis.missing_reason) == (True, "not_collected")
    shmi = stored(db, tree.trust_a, "AQF-E05", "2025/26 Q1")
    # A ratio: observed deaths as the numerator, expected deaths as exact text, as written.
    assert (shmi.numerator, shmi.denominator, shmi.value) == (412, None, None)
    assert str(shmi.expected) == "401.250"


def test_the_same_file_twice_is_a_reported_no_op(db, tree, aqf, lead):
    data = csv(f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,,,,")
    first = import_csv(lead, aqf, data, today=TODAY)
    again = import_csv(lead, aqf, data, today=TODAY)
    assert again.already is not None
    assert again.already.id == first.import_id
    assert "already imported" in again.message
    assert "nothing changed" in again.message
    assert db.session.scalar(select(func.count()).select_from(MeasurementImport)) == 1


def test_unchanged_rows_are_not_re_versioned_and_changed_ones_keep_their_history(
    db, tree, aqf, lead, make_user
):
    rows = [
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,,,,",
        f"{tree.trust_a.code},AQF-S02,2025/26 Q1,90,110,,,,",
    ]
    import_csv(lead, aqf, csv(*rows), today=TODAY)
    colleague = make_user("provider_lead", [tree.trust_a])
    outcome = import_csv(
        colleague, aqf, csv(rows[0], rows[1].replace("90,110", "95,110")), today=TODAY
    )
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert stored(db, tree.trust_a, "AQF-S01", "2025/26 Q1").version == 1
    sepsis = stored(db, tree.trust_a, "AQF-S02", "2025/26 Q1")
    assert (sepsis.numerator, sepsis.version, sepsis.submitted_by_id) == (95, 2, colleague.id)
    (revision,) = db.session.scalars(select(MeasurementRevision)).all()
    assert (revision.measurement_id, revision.old_version) == (sepsis.id, 1)
    assert (revision.old_numerator, revision.new_numerator) == (90, 95)
    assert (revision.old_submitted_by_id, revision.changed_by_id) == (lead.id, colleague.id)
    assert revision.source == "file"


def test_each_import_leaves_one_audit_event_with_its_counts_and_content_hash(db, tree, aqf, lead):
    data = csv(
        *(
            f"{w.code},AQF-S03,2025-0{m},{m},800,,,,"
            for w in (tree.ward_a, tree.ward_a2)
            for m in (4, 5, 6)
        )
    )
    outcome = import_csv(lead, aqf, data, filename="falls.csv", today=TODAY)
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "measurements.import")
    ).all()
    assert event.object_id == str(outcome.import_id)
    assert event.after["sha256"] == hashlib.sha256(data).hexdigest()
    assert (event.after["rows"], event.after["created"], event.after["filename"]) == (
        6,
        6,
        "falls.csv",
    )


def test_sql_and_html_in_a_comment_are_stored_literally_and_shown_escaped(
    db, tree, aqf, client, login_as
):
    user = login_as("provider_lead", [tree.trust_a])
    text = "<script>alert(1)</script> '; DROP TABLE measurements;--"
    import_csv(user, aqf, csv(f'{tree.ward_a.code},AQF-S03,2025-04,3,800,,,,"{text}"'), today=TODAY)
    assert stored(db, tree.ward_a, "AQF-S03", "2025-04").comment == text
    page = client.get(f"/measurements/orgs/{tree.ward_a.id}?framework={aqf.id}&period=2025-04")
    body = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_a_change_to_declared_data_puts_it_back_to_awaiting_declaration(db, tree, aqf, lead):
    lines = [
        f"{tree.trust_a.code},{code},2025/26 Q1,5,10,,,,"
        for code in ("AQF-S01", "AQF-S02", "AQF-E01", "AQF-E04", "AQF-X03")
    ]
    lines += [
        f"{tree.trust_a.code},AQF-S05,2025/26 Q1,3,90000,,,,",
        f"{tree.trust_a.code},AQF-E05,2025/26 Q1,404,,,,,,400",
    ]
    import_csv(lead, aqf, csv(*lines), today=TODAY)
    decl = declare(lead, aqf, tree.trust_a, get_or_create_period("2025/26 Q1"))
    assert decl.status == "declared"
    outcome = import_csv(lead, aqf, csv(lines[0].replace("5,10", "6,10")), today=TODAY)
    assert outcome.declarations_reset == 1
    assert db.session.get(Declaration, decl.id).status == "awaiting"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "measurements.declaration_reset")
        )
        == 1
    )


def test_a_stale_form_is_refused_instead_of_overwriting(db, tree, aqf, lead):
    falls = next(i for i in aqf.indicators if i.code == "AQF-S03")
    save_entry(
        lead,
        aqf,
        tree.ward_a,
        falls,
        "2025-04",
        {"numerator": "3", "denominator": "800"},
        expected_version=None,
        today=TODAY,
    )
    save_entry(
        lead,
        aqf,
        tree.ward_a,
        falls,
        "2025-04",
        {"numerator": "4", "denominator": "800"},
        expected_version=1,
        today=TODAY,
    )
    with pytest.raises(Conflict):
        save_entry(
            lead,
            aqf,
            tree.ward_a,
            falls,
            "2025-04",
            {"numerator": "9", "denominator": "800"},
            expected_version=1,
            today=TODAY,
        )
    assert stored(db, tree.ward_a, "AQF-S03", "2025-04").numerator == 4


def test_decimal_values_equal_in_value_are_not_a_change(db, tree, aqf, lead):
    import_csv(
        lead, aqf, csv(f"{tree.trust_a.code},AQF-E05,2025/26 Q1,400,,,,,,400.5"), today=TODAY
    )
    outcome = import_csv(
        lead, aqf, csv(f"{tree.trust_a.code},AQF-E05,2025/26 Q1,400,,,,,,400.50"), today=TODAY
    )
    assert (outcome.updated, outcome.unchanged) == (0, 1)
    assert stored(db, tree.trust_a, "AQF-E05", "2025/26 Q1").expected == Decimal("400.5")
