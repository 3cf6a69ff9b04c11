"""Every bad-input case of the quality bar: the code, row and column reported, and nothing written.

Each file also carries a valid row, so "nothing written" proves the import is all or nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.errors import ValidationFailed
from qframe.frameworks.library import load_library_framework
from qframe.measurements.models import Measurement, MeasurementImport
from qframe.measurements.services import import_csv
from qframe.measurements.windows import set_window

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value"
TODAY = date(2026, 5, 15)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def good(t) -> str:  # type: ignore[no-untyped-def]
    return f"{t.trust_a.code},AQF-S01,2025/26 Q1,96,100,,"


def bad(
    t,
    indicator: str = "AQF-S01",
    period: str = "2025/26 Q1",
    num: str = "96",  # type: ignore[no-untyped-def]
    den: str = "100",
    org: str | None = None,
) -> str:
    return f"{org or t.trust_a.code},{indicator},{period},{num},{den},,"


# (case, file builder, code, row, column)
CASES = [
    ("empty file", lambda t: b"", "empty_file", None, None),
    ("header only", lambda t: csv(), "no_rows", 2, None),
    (
        "missing column",
        lambda t: csv(good(t), header="org_code,indicator_code,numerator"),
        "missing_column",
        1,
        "period",
    ),
    (
        "unknown column",
        lambda t: csv(good(t) + ",9", header=HEADER + ",points"),
        "unknown_column",
        1,
        "points",
    ),
    (
        "Windows-1252",
        lambda t: (
            csv(good(t))
            + f"{t.ward_a.code},AQF-S03,2025-04,3,800,,\n".encode()
            + "Café,AQF-S01,2025/26 Q1,1,2,,\n".encode("cp1252")
        ),
        "not_utf8",
        4,
        None,
    ),
    ("invalid UTF-8", lambda t: csv(good(t)).replace(b"96", b"9\xff6"), "not_utf8", 2, None),
    ("NUL byte", lambda t: csv(good(t), good(t)[:-3] + "\x00,,"), "nul_byte", 3, None),
    ("renamed binary (PNG)", lambda t: PNG, "nul_byte", 3, None),
    (
        "huge field",
        lambda t: csv(
            good(t) + ",", bad(t, "AQF-S02") + "," + "x" * 5000, header=HEADER + ",comment"
        ),
        "field_too_long",
        3,
        "comment",
    ),
    ("ragged row", lambda t: csv(good(t), good(t) + ",extra"), "ragged_row", 3, None),
    (
        "numerator > denominator",
        lambda t: csv(good(t), bad(t, "AQF-S02", num="101")),
        "numerator_exceeds_denominator",
        3,
        "numerator",
    ),
    (
        "negative count",
        lambda t: csv(good(t), bad(t, "AQF-S02", num="-3")),
        "negative_count",
        3,
        "numerator",
    ),
    ("NaN", lambda t: csv(good(t), bad(t, "AQF-S02", den="NaN")), "not_a_count", 3, "denominator"),
    ("inf", lambda t: csv(good(t), bad(t, "AQF-S02", den="inf")), "not_a_count", 3, "denominator"),
    (
        "1e309",
        lambda t: csv(good(t), bad(t, "AQF-S02", den="1e309")),
        "not_a_count",
        3,
        "denominator",
    ),
    ("1.5", lambda t: csv(good(t), bad(t, "AQF-S02", num="1.5")), "not_a_count", 3, "numerator"),
    (
        "non-ASCII digits",
        lambda t: csv(good(t), bad(t, "AQF-S02", num="٣")),
        "not_a_count",
        3,
        "numerator",
    ),
    (
        "full-width digits",
        lambda t: csv(good(t), bad(t, "AQF-S02", num="３")),
        "not_a_count",
        3,
        "numerator",
    ),
    (
        "1_000",
        lambda t: csv(good(t), bad(t, "AQF-S02", den="1_000")),
        "not_a_count",
        3,
        "denominator",
    ),
    ("+5", lambda t: csv(good(t), bad(t, "AQF-S02", num="+5")), "not_a_count", 3, "numerator"),
    (
        "duplicate rows",
        lambda t: csv(good(t), bad(t, "AQF-S02"), good(t)),
        "duplicate_row",
        4,
        "org_code",
    ),
    (
        "unknown indicator",
        lambda t: csv(good(t), bad(t, "AQF-S99")),
        "unknown_indicator",
        3,
        "indicator_code",
    ),
    (
        "organisation outside scope",
        lambda t: csv(good(t), bad(t, org=t.other_trust.code)),
        "org_not_in_scope",
        3,
        "org_code",
    ),
    (
        "unknown organisation",
        lambda t: csv(good(t), bad(t, org="NOPE1")),
        "org_not_in_scope",
        3,
        "org_code",
    ),
    (
        "malformed period",
        lambda t: csv(good(t), bad(t, "AQF-S02", period="2025-13")),
        "bad_period",
        3,
        "period",
    ),
    (
        "period in words",
        lambda t: csv(good(t), bad(t, "AQF-S02", period="April 2025")),
        "bad_period",
        3,
        "period",
    ),
    (
        "period outside the framework's year",
        lambda t: csv(good(t), bad(t, period="2024/25 Q1")),
        "period_outside_year",
        3,
        "period",
    ),
    (
        "wrong level of organisation",
        lambda t: csv(good(t), bad(t, org=t.ward_a.code)),
        "wrong_level",
        3,
        "org_code",
    ),
    (
        "wrong kind of provider",
        lambda t: csv(good(t), bad(t, org=t.trust_b.code)),
        "wrong_setting",
        3,
        "org_code",
    ),
    (
        "month for a quarterly indicator",
        lambda t: csv(good(t), bad(t, period="2025-05")),
        "wrong_period_kind",
        3,
        "period",
    ),
    (
        "value for a proportion",
        lambda t: csv(good(t), bad(t, "AQF-S02") + "7"),
        "not_allowed",
        3,
        "value",
    ),
    (
        "no denominator",
        lambda t: csv(good(t), bad(t, "AQF-S02", den="")),
        "required",
        3,
        "denominator",
    ),
    (
        "SQL in a code",
        lambda t: csv(good(t), bad(t, org="x'); DROP TABLE measurements;--")),
        "org_not_in_scope",
        3,
        "org_code",
    ),
    (
        "computed indicator typed in",
        lambda t: csv(good(t), f"{t.line_a.code},AQF-X02,2025-04,5,9,,"),
        "computed_indicator",
        3,
        "indicator_code",
    ),
    (
        "bad missing reason",
        lambda t: csv(
            good(t) + ",", bad(t, "AQF-S02", num="", den="") + ",zero", header=HEADER + ",missing"
        ),
        "bad_missing",
        3,
        "missing",
    ),
]


@pytest.fixture
def uploader(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("provider_lead", [tree.trust_a, tree.trust_b])


def written(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    count = lambda model, *where: db.session.scalar(  # noqa: E731
        select(func.count()).select_from(model).where(*where)
    )
    return (
        count(Measurement),
        count(MeasurementImport),
        count(AuditEvent, AuditEvent.action == "measurements.import"),
    )


@pytest.mark.parametrize(
    ("case", "build", "code", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_each_bad_input_is_reported_with_row_and_column_and_nothing_is_written(
    case, build, code, row, column, db, tree, aqf, uploader
):
    data = build(tree)
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, aqf, data, filename="bad.csv", today=TODAY)
    found = {(p.code, p.row, p.column) for p in refused.value.problems}
    assert (code, row, column) in found, refused.value.problems
    assert written(db) == (0, 0, 0)


def test_a_row_for_a_closed_period_is_refused_with_the_date_it_closed(db, tree, aqf, uploader):
    set_window(
        None,
        aqf,
        "2025/26 Q1",
        opens_on=date(2025, 7, 1),
        closes_on=date(2025, 7, 20),
        grace_days=5,
    )
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, aqf, csv(good(tree)), today=TODAY)
    (problem,) = refused.value.problems
    assert (problem.code, problem.row, problem.column) == ("window_closed", 2, "period")
    assert "closed on 25 Jul 2025" in problem.message
    assert written(db) == (0, 0, 0)


def test_a_period_that_has_not_started_is_refused_as_future(db, tree, framework, uploader):
    later = framework(code="AQF27", year="2026/27")
    data = csv(
        f"{tree.trust_a.code},AQF-S01,2026/27 Q1,96,100,,",
        f"{tree.trust_a.code},AQF-S01,2026/27 Q2,96,100,,",
    )
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, later, data, today=TODAY)
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [
        ("future_period", 3, "period")
    ]
    assert written(db) == (0, 0, 0)


def test_a_retired_indicator_code_is_named_as_retired(db, tree, aqf, framework, uploader):
    data = load_library_framework("acute-quality-2025-26")
    kept = [dict(i) for i in data["indicators"] if i["code"] != "AQF-S05"]
    gone = next(i for i in data["indicators"] if i["code"] == "AQF-S05")
    kept[0]["weight"] = kept[0]["weight"] + gone["weight"]  # weights still add up to 1
    newer = framework(indicators=kept)
    assert newer.version == aqf.version + 1
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, newer, csv(good(tree), bad(tree, "AQF-S05")), today=TODAY)
    (problem,) = refused.value.problems
    assert (problem.code, problem.row, problem.column) == ("retired_indicator", 3, "indicator_code")
    assert f"last in version {aqf.version}" in problem.message
    assert written(db) == (0, 0, 0)


def test_an_unknown_organisation_is_named_as_unknown_to_an_admin(db, tree, aqf):
    with pytest.raises(ValidationFailed) as refused:
        import_csv(None, aqf, csv(good(tree), bad(tree, org="NOPE1")), today=TODAY)
    assert [(p.code, p.row) for p in refused.value.problems] == [("unknown_org", 3)]


def test_one_row_outside_scope_refuses_the_whole_file_and_says_so(db, tree, aqf, uploader):
    with pytest.raises(ValidationFailed) as refused:
        import_csv(
            uploader, aqf, csv(good(tree), bad(tree, org=tree.other_trust.code)), today=TODAY
        )
    assert refused.value.message.startswith("The whole file was refused")
    assert written(db) == (0, 0, 0)


def test_every_problem_in_a_file_is_reported_not_only_the_first(db, tree, aqf, uploader):
    data = csv(bad(tree, num="1.5"), bad(tree, "AQF-S02", den="-1"), bad(tree, "AQF-S99"))
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, aqf, data, today=TODAY)
    assert [(p.row, p.code) for p in refused.value.problems] == [
        (2, "not_a_count"),
        (3, "negative_count"),
        (4, "unknown_indicator"),
    ]


def test_a_file_with_too_many_rows_is_refused_at_the_first_row_over(
    app, db, tree, aqf, uploader, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    data = csv(good(tree), bad(tree, "AQF-S02"), bad(tree, "AQF-E01"))
    with pytest.raises(ValidationFailed) as refused:
        import_csv(uploader, aqf, data, today=TODAY)
    assert [(p.code, p.row) for p in refused.value.problems] == [("too_many_rows", 4)]
    assert written(db) == (0, 0, 0)


def test_excels_utf8_byte_order_mark_is_accepted(db, tree, aqf, uploader):
    outcome = import_csv(uploader, aqf, b"\xef\xbb\xbf" + csv(good(tree)), today=TODAY)
    assert outcome.created == 1
