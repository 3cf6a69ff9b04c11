"""Ledger import: all or nothing, month replacement, idempotent re-upload, and every bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qframe.audit.models import AuditEvent
from qframe.budgets.ledger import import_ledger
from qframe.budgets.models import BudgetActual, BudgetLine, LedgerImport
from qframe.errors import ValidationFailed

HEADER = "cost_centre,month,category,amount"


def ledger(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


@pytest.fixture
def holders(tree, make_budget):
    ward = make_budget(tree.ward_a, {"pay_nursing": 1_200_000_00, "nonpay_drugs": 120_000_00})
    line = make_budget(tree.line_a, {"pay_medical": 2_400_000_00, "income": 600_000_00})
    other = make_budget(tree.other_ward, {"pay_nursing": 1_200_000_00})
    return ward, line, other


@pytest.fixture
def finance(make_user, tree):
    return make_user("finance", [tree.icb])


def actuals(db, holder) -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        select(BudgetLine.category, BudgetActual.month, BudgetActual.amount_pence)
        .join(BudgetLine, BudgetLine.id == BudgetActual.line_id)
        .where(BudgetLine.holder_id == holder.id)
    )
    return {(c, m): a for c, m, a in rows}


def test_a_ledger_file_posts_each_row_as_a_monthly_actual(db, holders, finance):
    ward, line, _ = holders
    result = import_ledger(
        finance,
        ledger(
            f"{ward.cost_centre},2025-04,pay_nursing,101000.50",
            f"{ward.cost_centre},2025-05,pay_nursing,99000",
            f"{line.cost_centre},2026-03,income,-250.75",
        ),
        year="2025/26",
    )
    assert actuals(db, ward) == {("pay_nursing", 1): 101_000_50, ("pay_nursing", 2): 99_000_00}
    assert actuals(db, line) == {("income", 12): -250_75}
    assert (result.rows, result.total_pence) == (3, 101_000_50 + 99_000_00 - 250_75)
    record = db.session.get(LedgerImport, result.import_id)
    assert len(record.content_hash) == 64
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "budgets.import_ledger"))
        == 1
    )


def test_reimporting_a_month_replaces_it_and_leaves_other_months_and_cost_centres(
    db, holders, finance
):
    ward, line, _ = holders
    import_ledger(
        finance,
        ledger(
            f"{ward.cost_centre},2025-04,pay_nursing,100",
            f"{ward.cost_centre},2025-04,nonpay_drugs,20",
            f"{ward.cost_centre},2025-05,pay_nursing,110",
            f"{line.cost_centre},2025-04,pay_medical,300",
        ),
    )
    import_ledger(finance, ledger(f"{ward.cost_centre},2025-04,pay_nursing,105"))
    # April for the ward is exactly the new file: the drugs row it no longer carries is gone.
    assert actuals(db, ward) == {("pay_nursing", 1): 105_00, ("pay_nursing", 2): 110_00}
    assert actuals(db, line) == {("pay_medical", 1): 300_00}


def test_uploading_the_same_file_again_changes_nothing(db, holders, finance, snapshot):
    ward, _, _ = holders
    data = ledger(f"{ward.cost_centre},2025-04,pay_nursing,100")
    first = import_ledger(finance, data)
    before = snapshot()
    again = import_ledger(finance, data)
    assert again.unchanged
    assert again.import_id == first.import_id
    assert snapshot() == before


def test_the_same_file_after_a_correction_is_applied_again(db, holders, finance):
    ward, _, _ = holders
    data = ledger(f"{ward.cost_centre},2025-04,pay_nursing,100")
    import_ledger(finance, data)
    import_ledger(finance, ledger(f"{ward.cost_centre},2025-04,pay_nursing,90"))
    result = import_ledger(finance, data)
    assert not result.unchanged
    assert actuals(db, ward) == {("pay_nursing", 1): 100_00}


def test_a_preview_reports_what_would_happen_and_saves_nothing(db, holders, finance, snapshot):
    ward, _, _ = holders
    import_ledger(finance, ledger(f"{ward.cost_centre},2025-04,pay_nursing,100"))
    before = snapshot()
    result = import_ledger(
        finance,
        ledger(
            f"{ward.cost_centre},2025-04,pay_nursing,90", f"{ward.cost_centre},2025-04,pay_other,5"
        ),
        dry_run=True,
    )
    assert (result.rows, result.replaced_rows, result.new_lines) == (2, 1, 1)
    assert result.import_id is None
    assert snapshot() == before


def test_spend_on_an_unbudgeted_category_opens_a_zero_budget_line(db, holders, finance):
    ward, _, _ = holders
    import_ledger(finance, ledger(f"{ward.cost_centre},2025-06,pay_other,5000"))
    line = db.session.scalar(
        select(BudgetLine).where(
            BudgetLine.holder_id == ward.id, BudgetLine.category == "pay_other"
        )
    )
    assert line.annual_pence == 0
    assert actuals(db, ward) == {("pay_other", 3): 5000_00}


def test_the_year_is_taken_from_the_file_when_not_given(db, holders, finance):
    ward, _, _ = holders
    result = import_ledger(finance, ledger(f"{ward.cost_centre},2026-01,pay_nursing,1"))
    assert result.year == "2025/26"
    assert actuals(db, ward) == {("pay_nursing", 10): 1_00}


def _refused(finance, data: bytes, **kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        import_ledger(finance, data, **kwargs)
    assert caught.value.message.startswith("Nothing was imported")
    return [(p.row, p.column, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("NOPE,2025-04,pay_nursing,1", (2, "cost_centre", "unknown_cost_centre")),
        ("{ward},2024-04,pay_nursing,1", (2, "month", "month_outside_year")),
        ("{ward},2026-04,pay_nursing,1", (2, "month", "month_outside_year")),
        ("{ward},2025-13,pay_nursing,1", (2, "month", "bad_month")),
        ("{ward},April,pay_nursing,1", (2, "month", "bad_month")),
        ("{ward},2025/26,pay_nursing,1", (2, "month", "bad_month")),
        ("{ward},2025-04,agency,1", (2, "category", "unknown_category")),
        ("{ward},2025-04,pay_nursing,abc", (2, "amount", "bad_amount")),
        ("{ward},2025-04,pay_nursing,NaN", (2, "amount", "bad_amount")),
        ("{ward},2025-04,pay_nursing,1e309", (2, "amount", "bad_amount")),
        ("{ward},2025-04,pay_nursing,inf", (2, "amount", "bad_amount")),
        ("{ward},2025-04,pay_nursing,1.234", (2, "amount", "bad_amount")),
        ('{ward},2025-04,pay_nursing,"1,000"', (2, "amount", "bad_amount")),
        ("{ward},2025-04,pay_nursing,", (2, "amount", "bad_amount")),
        (",2025-04,pay_nursing,1", (2, "cost_centre", "required")),
    ],
)
def test_a_bad_row_refuses_the_whole_file_with_its_row_and_column(
    db, holders, finance, snapshot, row, expected
):
    ward, _, _ = holders
    good = f"{ward.cost_centre},2025-05,pay_nursing,100"
    before = snapshot()
    data = ledger(good, row.format(ward=ward.cost_centre))
    problems = _refused(finance, data, year="2025/26")
    assert problems == [(3, *expected[1:])]
    assert snapshot() == before


def test_duplicate_rows_are_refused_naming_the_first(db, holders, finance, snapshot):
    ward, _, _ = holders
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        import_ledger(
            finance,
            ledger(
                f"{ward.cost_centre},2025-04,pay_nursing,100",
                f"{ward.cost_centre},2025-05,pay_nursing,100",
                f"{ward.cost_centre},2025-04,pay_nursing,200",
            ),
        )
    [problem] = caught.value.problems
    assert (problem.row, problem.code) == (4, "duplicate_row")
    assert "row 2" in problem.message
    assert snapshot() == before


def test_a_cost_centre_outside_the_uploaders_scope_refuses_the_whole_file(
    db, holders, finance, snapshot
):
    ward, _, other = holders
    before = snapshot()
    problems = _refused(
        finance,
        ledger(
            f"{ward.cost_centre},2025-04,pay_nursing,100",
            f"{other.cost_centre},2025-04,pay_nursing,100",
        ),
    )
    assert problems == [(3, "cost_centre", "out_of_scope")]
    assert snapshot() == before


def test_a_month_that_has_not_started_is_refused(db, holders, finance):
    ward, _, _ = holders
    problems = _refused(
        finance,
        ledger(f"{ward.cost_centre},2025-09,pay_nursing,1"),
        today=date(2025, 8, 31),
    )
    assert problems == [(2, "month", "future_month")]


def test_every_problem_in_a_file_is_reported_at_once(db, holders, finance):
    ward, _, _ = holders
    problems = _refused(
        finance,
        ledger("NOPE,2025-04,pay_nursing,1", f"{ward.cost_centre},2025-99,drinks,x"),
        year="2025/26",
    )
    assert problems == [
        (2, "cost_centre", "unknown_cost_centre"),
        (3, "amount", "bad_amount"),
        (3, "category", "unknown_category"),
        (3, "month", "bad_month"),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (HEADER.encode() + b"\n", "no_rows"),
        (b"cost_centre,month,amount\nX,2025-04,1\n", "missing_column"),
        (b"cost_centre,month,category,amount,extra\nX,2025-04,pay_other,1,2\n", "unknown_column"),
        (b"cost_centre,month,category,amount\nX,2025-04\n", "ragged_row"),
        (HEADER.encode() + b"\nCAF\xe9,2025-04,pay_other,1\n", "not_utf8"),
        (HEADER.encode() + b"\nX\x00,2025-04,pay_other,1\n", "nul_byte"),
    ],
)
def test_unreadable_files_are_refused(db, holders, finance, snapshot, data, code):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        import_ledger(finance, data, year="2025/26")
    assert code in {p.code for p in caught.value.problems}
    assert snapshot() == before


def test_a_bom_from_excel_is_accepted(db, holders, finance):
    ward, _, _ = holders
    import_ledger(finance, b"\xef\xbb\xbf" + ledger(f"{ward.cost_centre},2025-04,pay_nursing,7"))
    assert actuals(db, ward) == {("pay_nursing", 1): 7_00}


def test_a_malformed_year_is_refused(db, holders, finance):
    ward, _, _ = holders
    with pytest.raises(ValidationFailed, match="2025/27"):
        import_ledger(finance, ledger(f"{ward.cost_centre},2025-04,pay_nursing,7"), year="2025/27")
