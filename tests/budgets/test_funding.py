"""Finance actions: funding (the only change to a total), phasing, limits, opening a budget."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qframe.audit.models import AuditEvent
from qframe.budgets.models import BudgetHolder
from qframe.budgets.services import (
    adjust_funding,
    holder_lines,
    open_holder,
    set_delegated_limit,
    set_phasing,
)
from qframe.errors import Conflict, ValidationFailed

YEAR = "2025/26"


@pytest.fixture
def ward(tree, make_budget):
    return make_budget(
        tree.ward_a, {"pay_nursing": 1_200_000_00}, {"pay_nursing": [100_000_00] * 9}
    )


@pytest.fixture
def finance(make_user, tree):
    return make_user("finance", [tree.icb])


def test_adding_funding_raises_the_total_in_the_open_months_and_is_audited(db, ward, finance):
    line = adjust_funding(finance, ward, YEAR, "pay_nursing", 30_000_00, "Winter escalation beds")
    assert line.annual_pence == 1_230_000_00
    assert line.phases[:9] == [100_000_00] * 9
    assert line.phases[9:] == [110_000_00] * 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budgets.funding"))
    assert event.detail == "Winter escalation beds"
    assert event.before["annual_pence"] == 1_200_000_00
    assert event.after["annual_pence"] == 1_230_000_00


def test_funding_for_a_new_category_opens_the_line(ward, finance):
    line = adjust_funding(finance, ward, YEAR, "nonpay_other", 12_000_00, "Ward refurbishment")
    assert line.category == "nonpay_other"
    assert line.phases == [0] * 9 + [4_000_00] * 3


def test_removing_funding_cannot_take_more_than_the_open_months_hold(ward, finance, snapshot):
    adjust_funding(finance, ward, YEAR, "pay_nursing", -300_000_00, "Ward closure")
    assert holder_lines(ward.id, YEAR)["pay_nursing"].phases[9:] == [0] * 3
    before = snapshot()
    with pytest.raises(ValidationFailed, match="larger than the budget left"):
        adjust_funding(finance, ward, YEAR, "pay_nursing", -1, "one more penny")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [(0, "why", "other than zero"), (5_00, " ", "reason")],
)
def test_funding_needs_an_amount_and_a_reason(ward, finance, snapshot, amount, reason, message):
    before = snapshot()
    with pytest.raises(ValidationFailed, match=message):
        adjust_funding(finance, ward, YEAR, "pay_nursing", amount, reason)
    assert snapshot() == before


def test_funding_from_a_stale_form_is_a_conflict(ward, finance, snapshot):
    line = holder_lines(ward.id, YEAR)["pay_nursing"]
    before = snapshot()
    with pytest.raises(Conflict):
        adjust_funding(
            finance, ward, YEAR, "pay_nursing", 5_00, "x", expected_versions={line.id: 0}
        )
    assert snapshot() == before


def test_phasing_can_be_set_for_the_open_months_if_it_still_adds_up(ward, finance):
    line = holder_lines(ward.id, YEAR)["pay_nursing"]
    phased = [100_000_00] * 9 + [80_000_00, 120_000_00, 100_000_00]
    set_phasing(finance, line, phased, expected_version=line.version)
    assert line.phases == phased
    assert line.annual_pence == 1_200_000_00


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        ([100_000_00] * 9 + [100_000_00, 100_000_00, 100_000_01], "total"),
        ([90_000_00] + [100_000_00] * 8 + [110_000_00, 100_000_00, 100_000_00], "closed"),
        ([100_000_00] * 9 + [-1, 200_000_00, 100_000_01], "negative"),
        ([100_000_00] * 11, "months"),
    ],
)
def test_phasing_that_does_not_add_up_or_rewrites_closed_months_is_refused(
    ward, finance, snapshot, amounts, code
):
    line = holder_lines(ward.id, YEAR)["pay_nursing"]
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        set_phasing(finance, line, amounts, expected_version=line.version)
    assert code in {p.code for p in caught.value.problems}
    assert snapshot() == before


def test_the_delegated_limit_is_set_by_finance_and_a_stale_form_is_refused(ward, finance):
    set_delegated_limit(finance, ward, 40_000_00, expected_version=ward.version)
    assert ward.delegated_limit_pence == 40_000_00
    with pytest.raises(Conflict):
        set_delegated_limit(finance, ward, 10_000_00, expected_version=ward.version - 1)
    with pytest.raises(ValidationFailed, match="negative"):
        set_delegated_limit(finance, ward, -1, expected_version=ward.version)
    assert ward.delegated_limit_pence == 40_000_00


def test_a_budget_opens_with_the_org_code_as_cost_centre_and_the_default_limit(db, tree):
    ward = open_holder(None, tree.ward_b)
    line = open_holder(None, tree.line_b)
    assert (ward.cost_centre, ward.delegated_limit_pence) == (tree.ward_b.code, 25_000_00)
    assert (line.cost_centre, line.delegated_limit_pence) == (tree.line_b.code, 100_000_00)


def test_only_service_lines_and_wards_hold_budgets_and_only_once(db, tree):
    with pytest.raises(ValidationFailed, match="Only service lines and wards"):
        open_holder(None, tree.trust_a)
    open_holder(None, tree.ward_b)
    with pytest.raises(Conflict, match="already"):
        open_holder(None, tree.ward_b)
    count = db.session.scalars(
        select(BudgetHolder).where(BudgetHolder.organisation_id == tree.ward_b.id)
    ).all()
    assert len(count) == 1
