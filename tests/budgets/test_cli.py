"""`qframe budgets import-ledger`: the same all-or-nothing import as the web upload."""

from __future__ import annotations

from sqlalchemy import func, select

from qframe.budgets.models import BudgetActual, LedgerImport


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_cli_imports_a_ledger_file(db, runner, tree, make_budget, tmp_path):
    ward = make_budget(tree.ward_a, {"pay_nursing": 1_200_000_00})
    path = tmp_path / "ledger.csv"
    path.write_text(
        "cost_centre,month,category,amount\n"
        f"{ward.cost_centre},2025-04,pay_nursing,101000\n"
        f"{ward.cost_centre},2025-05,pay_nursing,-250.50\n"
    )
    result = runner.invoke(args=["budgets", "import-ledger", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 rows for 2025/26" in result.output
    amounts = db.session.scalars(select(BudgetActual.amount_pence).order_by(BudgetActual.month))
    assert list(amounts) == [101_000_00, -250_50]
    again = runner.invoke(args=["budgets", "import-ledger", str(path)])
    assert "nothing changed" in again.output
    assert _count(db, LedgerImport) == 1


def test_the_cli_refuses_a_bad_file_with_the_problem_report(
    db, runner, tree, make_budget, tmp_path
):
    ward = make_budget(tree.ward_a, {"pay_nursing": 1_200_000_00})
    path = tmp_path / "ledger.csv"
    path.write_text(
        "cost_centre,month,category,amount\n"
        f"{ward.cost_centre},2025-04,pay_nursing,100\n"
        f"{ward.cost_centre},2025-04,pay_nursing,100\n"
        "NOWHERE,2025-04,pay_nursing,1e309\n"
    )
    result = runner.invoke(args=["budgets", "import-ledger", str(path), "--year", "2025/26"])
    assert result.exit_code == 1
    assert "Error: Nothing was imported: 3 problem(s)" in result.output
    assert "3,category,duplicate_row" in result.output
    assert "4,amount,bad_amount" in result.output
    assert "4,cost_centre,unknown_cost_centre" in result.output
    assert _count(db, BudgetActual) == 0
    assert _count(db, LedgerImport) == 0


def test_the_cli_dry_run_saves_nothing(db, runner, tree, make_budget, tmp_path):
    ward = make_budget(tree.ward_a, {"pay_nursing": 1_200_000_00})
    path = tmp_path / "ledger.csv"
    path.write_text(
        f"cost_centre,month,category,amount\n{ward.cost_centre},2025-04,pay_nursing,1\n"
    )
    result = runner.invoke(args=["budgets", "import-ledger", str(path), "--dry-run"])
    assert "would be imported" in result.output
    assert _count(db, BudgetActual) == 0
