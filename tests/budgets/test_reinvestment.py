"""Reward reinvestment: an approved allocation run credits quality reinvestment exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from qframe.audit.models import AuditEvent
from qframe.budgets.models import BudgetHolder, Reinvestment
from qframe.budgets.reinvestment import credit_reinvestment
from qframe.budgets.services import holder_lines
from qframe.errors import ValidationFailed

YEAR = "2025/26"


@pytest.fixture
def line_a(tree, make_budget):
    return make_budget(tree.line_a, {"pay_medical": 2_400_000_00}, {"pay_medical": [1] * 6})


def quality(holder) -> int:
    line = holder_lines(holder.id, YEAR).get("quality_reinvestment")
    return 0 if line is None else line.annual_pence


def test_a_run_credits_each_service_lines_quality_reinvestment_line(db, tree, line_a):
    credits = credit_reinvestment(None, 7, [(tree.line_a.id, 45_000_00)], YEAR)
    assert [(c.allocation_run_id, c.holder_id, c.amount_pence) for c in credits] == [
        (7, line_a.id, 45_000_00)
    ]
    line = holder_lines(line_a.id, YEAR)["quality_reinvestment"]
    # Six months have closed: the money is there to spend in October–March.
    assert line.phases == [0] * 6 + [7_500_00] * 6
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "budgets.reinvestment"))
        == 1
    )


def test_calling_twice_for_the_same_run_credits_once(db, tree, line_a, snapshot):
    credit_reinvestment(None, 7, [(tree.line_a.id, 45_000_00)], YEAR)
    before = snapshot()
    again = credit_reinvestment(None, 7, [(tree.line_a.id, 45_000_00)], YEAR)
    assert [c.amount_pence for c in again] == [45_000_00]
    assert snapshot() == before
    assert quality(line_a) == 45_000_00


def test_a_later_run_credits_again(tree, line_a):
    credit_reinvestment(None, 7, [(tree.line_a.id, 45_000_00)], YEAR)
    credit_reinvestment(None, 8, [(tree.line_a.id, 5_000_00)], YEAR)
    assert quality(line_a) == 50_000_00


def test_a_service_line_without_a_budget_gets_one(db, tree):
    credit_reinvestment(None, 9, [(tree.line_b.id, 10_000_00), (tree.line_a2.id, 0)], YEAR)
    holder = db.session.scalar(
        select(BudgetHolder).where(BudgetHolder.organisation_id == tree.line_b.id)
    )
    assert quality(holder) == 10_000_00
    assert db.session.scalar(select(func.count()).select_from(Reinvestment)) == 1


@pytest.mark.parametrize(
    ("credits", "code"),
    [
        (lambda t: [(t.line_a.id, -1)], "bad_amount"),
        (lambda t: [(t.line_a.id, 1.5)], "bad_amount"),
        (lambda t: [(t.trust_a.id, 100)], "not_a_holder"),
        (lambda t: [(999_999, 100)], "not_a_holder"),
        (lambda t: [(t.line_a.id, 100), (t.line_a.id, 100)], "duplicate"),
    ],
)
def test_bad_credits_are_refused_and_nothing_is_credited(tree, line_a, snapshot, credits, code):
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        credit_reinvestment(None, 7, credits(tree), YEAR)
    assert code in {p.code for p in caught.value.problems}
    assert snapshot() == before


def test_the_database_refuses_a_second_credit_for_the_same_run_and_holder(db, tree, line_a):
    [credit] = credit_reinvestment(None, 7, [(tree.line_a.id, 45_000_00)], YEAR)
    duplicate = Reinvestment(
        allocation_run_id=7,
        holder_id=credit.holder_id,
        line_id=credit.line_id,
        year=YEAR,
        amount_pence=1,
    )
    with db.session.begin_nested():
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.flush()
