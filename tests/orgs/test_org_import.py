"""Organisations CSV: created or updated whole, or refused whole with a row/column report."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.orgs.models import Organisation
from qframe.orgs.services import import_organisations

HEADER = "code,name,kind,parent_code,contract_value,list_size,register:AF\n"
GOOD = (
    HEADER
    + "ICB1,Test ICB,commissioner,,,,\n"
    + "TR1,Trust One,acute,ICB1,250000000.00,,\n"
    + "TR1-MED,Medicine,service_line,TR1,,,\n"
    + "TR1-W1,Ward 1,ward,TR1-MED,,,\n"
    + "P1,Practice One,primary_care,ICB1,,8123,180\n"
)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_a_good_file_creates_the_hierarchy_with_exact_money_and_registers(db):
    result = import_organisations(None, GOOD.encode())
    assert (result.created, result.updated) == (5, 0)
    ward = db.session.scalar(select(Organisation).where(Organisation.code == "TR1-W1"))
    assert ward.parent.parent.code == "TR1"
    trust = ward.parent.parent
    assert trust.contract_value_pence == 25_000_000_000
    practice = db.session.scalar(select(Organisation).where(Organisation.code == "P1"))
    assert (practice.list_size, practice.registers[0].group, practice.registers[0].size) == (
        8123,
        "AF",
        180,
    )


def test_importing_the_same_file_again_updates_and_creates_nothing_new(db):
    import_organisations(None, GOOD.encode())
    result = import_organisations(None, GOOD.replace("Trust One", "Trust One Renamed").encode())
    assert (result.created, result.updated) == (0, 5)
    assert (
        db.session.scalar(select(Organisation.name).where(Organisation.code == "TR1"))
        == "Trust One Renamed"
    )


@pytest.mark.parametrize(
    ("rows", "code", "row", "column"),
    [
        ("W9,Ward,ward,NOPE,,,\n", "missing_parent", 2, "parent_code"),
        ("X1,Thing,hospital,,,,\n", "unknown_kind", 2, "kind"),
        ("C1,One,commissioner,,,,\nC1,Two,commissioner,,,,\n", "duplicate_code", 3, "code"),
        ("C1,One,commissioner,,,,\nW1,Ward,ward,C1,,,\n", "wrong_parent_kind", 3, "parent_code"),
        ("T1,Trust,acute,,,,\n", "parent_required", 2, "parent_code"),
        ("C1,One,commissioner,,12.345,,\n", "bad_number", 2, "contract_value"),
        ("C1,One,commissioner,,,-5,\n", "bad_number", 2, "list_size"),
        ("C1,One,commissioner,,,,1e3\n", "bad_count", 2, "register:AF"),
        ("C1,,commissioner,,,,\n", "required", 2, "name"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_with_its_row_and_column(db, rows, code, row, column):
    before = _count()
    with pytest.raises(ValidationFailed) as error:
        import_organisations(None, (HEADER + rows).encode())
    assert (code, row, column) in {(p.code, p.row, p.column) for p in error.value.problems}
    assert _count() == before


def test_a_cycle_through_existing_organisations_is_refused(db):
    import_organisations(None, GOOD.encode())
    cyclic = HEADER + "TR1-MED,Medicine,service_line,TR1-W1,,,\n"
    with pytest.raises(ValidationFailed) as error:
        import_organisations(None, cyclic.encode())
    assert "cycle" in {p.code for p in error.value.problems}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (HEADER.encode(), "no_rows"),
        (b"code,name\nA,B\n", "missing_column"),
        (HEADER.encode() + "C1,Caf\xe9 ICB,commissioner,,,,\n".encode("cp1252"), "not_utf8"),
        (HEADER.encode() + b"C1,One\x00,commissioner,,,,\n", "nul_byte"),
        (HEADER.encode() + b"C1,One,commissioner\n", "ragged_row"),
        (
            (HEADER.rstrip("\n") + ",colour\n").encode() + b"C1,One,commissioner,,,,,red\n",
            "unknown_column",
        ),
    ],
)
def test_structurally_bad_files_are_refused_with_a_clear_code(db, data, code):
    before = _count()
    with pytest.raises(ValidationFailed) as error:
        import_organisations(None, data)
    assert code in {p.code for p in error.value.problems}
    assert _count() == before


def test_an_excel_bom_is_accepted(db):
    result = import_organisations(None, b"\xef\xbb\xbf" + GOOD.encode())
    assert result.created == 5


def test_the_upload_page_shows_every_problem_and_saves_nothing(client, login_as):
    login_as("admin")
    bad = HEADER + "X1,Thing,hospital,,,,\nW9,Ward,ward,NOPE,,,\n"
    from io import BytesIO

    response = client.post(
        "/orgs/import",
        data={"file": (BytesIO(bad.encode()), "../../etc/orgs.csv")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "unknown_kind" in text
    assert "missing_parent" in text
    assert db.session.scalar(select(Organisation).where(Organisation.code == "X1")) is None
