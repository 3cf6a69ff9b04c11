"""A ratio's measurements (SHMI, AQF-E05): observed deaths as the numerator and expected deaths
in the optional `expected` column. Every bad case is reported with its row and column, and
the file is refused whole (each file also carries a valid proportion row)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qframe.errors import ValidationFailed
from qframe.measurements.models import Measurement, MeasurementRevision
from qframe.measurements.services import import_csv

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value,missing,expected"
TODAY = date(2026, 5, 15)


def csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def shmi(t, num: str = "412", expected: str = "401.25", **more: str) -> str:  # type: ignore[no-untyped-def]
    cells = {"den": "", "exc": "", "value": "", "missing": ""} | more
    return (
        f"{t.trust_a.code},AQF-E05,2025/26 Q1,{num},{cells['den']},{cells['exc']},"
        f"{cells['value']},{cells['missing']},{expected}"
    )


def good(t) -> str:  # type: ignore[no-untyped-def]
    return f"{t.trust_a.code},AQF-S01,2025/26 Q1,96,100,,,,"


@pytest.fixture
def lead(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("provider_lead", [tree.trust_a])


def test_a_ratio_is_stored_as_observed_and_exact_expected(db, tree, aqf, lead):
    outcome = import_csv(lead, aqf, csv(good(tree), shmi(tree)), today=TODAY)
    assert (outcome.rows, outcome.created) == (2, 2)
    row = db.session.scalars(
        select(Measurement).where(Measurement.indicator.has(code="AQF-E05"))
    ).one()
    assert (row.numerator, row.denominator, row.value) == (412, None, None)
    assert str(row.expected) == "401.25"
    assert row.expected == Decimal("401.25")
    # A changed expected count is a change (kept as a revision), the same one is not.
    again = import_csv(lead, aqf, csv(shmi(tree, expected="401.250")), today=TODAY)
    assert (again.updated, again.unchanged) == (0, 1)
    changed = import_csv(lead, aqf, csv(shmi(tree, expected="398.5")), today=TODAY)
    assert changed.updated == 1
    revision = db.session.scalars(select(MeasurementRevision)).one()
    assert (revision.old_expected, revision.new_expected) == (Decimal("401.25"), Decimal("398.5"))
    assert (revision.old_numerator, revision.new_numerator) == (412, 412)


def test_a_missing_ratio_needs_neither_count(db, tree, aqf, lead):
    import_csv(lead, aqf, csv(shmi(tree, num="", expected="", missing="suppressed")), today=TODAY)
    row = db.session.scalars(select(Measurement)).one()
    assert (row.missing_reason, row.numerator, row.expected) == ("suppressed", None, None)


# (case, row builder, code, column); the bad row is always row 3 (after the header and a good row)
CASES = [
    ("expected required", lambda t: shmi(t, expected=""), "required", "expected"),
    ("expected zero", lambda t: shmi(t, expected="0.0"), "bad_expected", "expected"),
    ("expected negative", lambda t: shmi(t, expected="-3.5"), "bad_expected", "expected"),
    ("expected not a number", lambda t: shmi(t, expected="about 400"), "bad_expected", "expected"),
    ("expected exponent", lambda t: shmi(t, expected="4e2"), "bad_expected", "expected"),
    ("observed required", lambda t: shmi(t, num=""), "required", "numerator"),
    ("observed negative", lambda t: shmi(t, num="-4"), "negative_count", "numerator"),
    ("observed fractional", lambda t: shmi(t, num="412.5"), "not_a_count", "numerator"),
    ("a denominator", lambda t: shmi(t, den="500"), "not_allowed", "denominator"),
    ("a value", lambda t: shmi(t, value="1.03"), "not_allowed", "value"),
    ("missing with expected", lambda t: shmi(t, num="", missing="suppressed"), "not_allowed",
     "expected"),
    ("expected on a proportion", lambda t: f"{t.trust_a.code},AQF-S02,2025/26 Q1,5,10,,,,9.5",
     "not_allowed", "expected"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "build", "code", "column"), CASES, ids=[c[0] for c in CASES])
def test_each_bad_ratio_row_is_reported_with_row_and_column_and_nothing_is_written(
    case, build, code, column, db, tree, aqf, lead
):
    with pytest.raises(ValidationFailed) as refused:
        import_csv(lead, aqf, csv(good(tree), build(tree)), today=TODAY)
    found = {(p.code, p.row, p.column) for p in refused.value.problems}
    assert (code, 3, column) in found, refused.value.problems
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0
