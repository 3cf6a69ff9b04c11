"""Virements: within the delegated limit at once, above it with finance; totals never change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qframe.audit.models import AuditEvent
from qframe.budgets.services import holder_lines
from qframe.budgets.virements import decide_virement, request_virement
from qframe.errors import Conflict, Forbidden, NotFound, ValidationFailed

YEAR = "2025/26"
NURSING, DRUGS = 1_200_000_00, 120_000_00


@pytest.fixture
def ward(tree, make_budget):
    """£1.2m nursing and £120k drugs, £25k limit, with actuals for April–September."""
    return make_budget(
        tree.ward_a,
        {"pay_nursing": NURSING, "nonpay_drugs": DRUGS, "income": 10_000_00},
        {"pay_nursing": [100_000_00] * 6, "nonpay_drugs": [10_000_00] * 6},
        limit=25_000_00,
    )


@pytest.fixture
def people(make_user, tree):
    return {
        "director": make_user("clinical_director", [tree.line_a]),
        "finance": make_user("finance", [tree.icb]),
        "checker": make_user("finance", [tree.icb]),
        "elsewhere": make_user("finance", [tree.other_icb]),
    }


def lines(ward):
    return holder_lines(ward.id, YEAR)


def move(actor, ward, amount, source="pay_nursing", target="nonpay_drugs", **kw):
    found = lines(ward)
    return request_virement(
        actor,
        ward,
        YEAR,
        from_line_id=kw.pop("from_line_id", found[source].id),
        to_line_id=kw.pop("to_line_id", found[target].id),
        amount_pence=amount,
        reason=kw.pop("reason", "New chemotherapy regimen"),
        **kw,
    )


def total(ward) -> int:
    return sum(line.annual_pence for line in lines(ward).values() if not line.is_income)


def test_a_virement_within_the_limit_moves_money_at_once_in_the_open_months(ward, people):
    before_total = total(ward)
    virement = move(people["director"], ward, 24_000_00)
    found = lines(ward)
    assert virement.status == "applied"
    assert found["pay_nursing"].annual_pence == NURSING - 24_000_00
    assert found["nonpay_drugs"].annual_pence == DRUGS + 24_000_00
    assert total(ward) == before_total
    # April–September have actuals: their budget must not change retrospectively.
    assert found["pay_nursing"].phases[:6] == [100_000_00] * 6
    assert found["pay_nursing"].phases[6:] == [96_000_00] * 6
    assert found["nonpay_drugs"].phases[6:] == [14_000_00] * 6


def test_a_virement_above_the_limit_waits_and_moves_nothing(ward, people):
    virement = move(people["director"], ward, 25_000_01)
    assert virement.status == "pending"
    assert lines(ward)["pay_nursing"].annual_pence == NURSING


def test_finance_approval_moves_the_money_and_is_audited(db, ward, people):
    virement = move(people["director"], ward, 60_000_00)
    decide_virement(
        people["finance"], virement, approve=True, comment="", expected_version=virement.version
    )
    assert virement.status == "approved"
    assert virement.decided_by_id == people["finance"].id
    assert lines(ward)["nonpay_drugs"].annual_pence == DRUGS + 60_000_00
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "virement", AuditEvent.object_id == str(virement.id)
        )
    ).all()
    assert sorted(actions) == ["budgets.virement.approved", "budgets.virement.request"]


def test_rejection_moves_nothing_and_needs_a_comment(ward, people):
    virement = move(people["director"], ward, 60_000_00)
    with pytest.raises(ValidationFailed, match="why"):
        decide_virement(people["finance"], virement, approve=False, comment=" ", expected_version=1)
    decide_virement(
        people["finance"], virement, approve=False, comment="Recruit instead", expected_version=1
    )
    assert virement.status == "rejected"
    assert virement.decision_comment == "Recruit instead"
    assert lines(ward)["pay_nursing"].annual_pence == NURSING


@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "zero"), (-5_00, "positive amount"), (600_000_00 + 1, "more than the £600,000.00 left")],
)
def test_refused_amounts_change_nothing(ward, people, snapshot, amount, message):
    before = snapshot()
    with pytest.raises(ValidationFailed, match=message):
        move(people["director"], ward, amount)
    assert snapshot() == before


def test_the_whole_remaining_budget_can_be_moved_but_not_a_penny_more(ward, people):
    ward.delegated_limit_pence = 1_000_000_00
    move(people["director"], ward, 600_000_00, reason="all of it")
    assert lines(ward)["pay_nursing"].phases[6:] == [0] * 6
    with pytest.raises(ValidationFailed, match="left"):
        move(people["director"], ward, 1)


def test_a_virement_between_two_holders_is_refused(tree, make_budget, ward, people, snapshot):
    other = make_budget(tree.ward_a2, {"pay_nursing": 1_000_000_00})
    before = snapshot()
    with pytest.raises(ValidationFailed, match="one holder's own lines"):
        move(
            people["director"],
            ward,
            1_000_00,
            to_line_id=holder_lines(other.id, YEAR)["pay_nursing"].id,
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [("pay_nursing", "pay_nursing", "two different"), ("income", "pay_nursing", "Income")],
)
def test_a_line_to_itself_or_from_income_is_refused(
    ward, people, snapshot, source, target, message
):
    before = snapshot()
    with pytest.raises(ValidationFailed, match=message):
        move(people["director"], ward, 1_000_00, source=source, target=target)
    assert snapshot() == before


def test_nobody_approves_their_own_virement(ward, make_user, tree, snapshot):
    admin = make_user("admin")
    virement = move(admin, ward, 60_000_00)
    before = snapshot()
    with pytest.raises(Forbidden, match="you requested"):
        decide_virement(admin, virement, approve=True, comment="", expected_version=1)
    assert snapshot() == before


def test_only_finance_in_scope_decides(ward, people):
    virement = move(people["director"], ward, 60_000_00)
    with pytest.raises(Forbidden, match="Only finance"):
        decide_virement(people["director"], virement, approve=True, comment="", expected_version=1)
    with pytest.raises(NotFound):
        decide_virement(people["elsewhere"], virement, approve=True, comment="", expected_version=1)
    assert virement.status == "pending"


def test_a_stale_decision_or_a_second_decision_is_a_conflict(ward, people):
    virement = move(people["director"], ward, 60_000_00)
    with pytest.raises(Conflict, match="changed"):
        decide_virement(people["finance"], virement, approve=True, comment="", expected_version=0)
    decide_virement(people["finance"], virement, approve=True, comment="", expected_version=1)
    with pytest.raises(Conflict):
        decide_virement(
            people["checker"], virement, approve=False, comment="no", expected_version=2
        )


def test_a_virement_from_a_stale_form_is_a_conflict(ward, people, snapshot):
    found = lines(ward)
    stale = {found["pay_nursing"].id: found["pay_nursing"].version, found["nonpay_drugs"].id: 0}
    before = snapshot()
    with pytest.raises(Conflict, match="changed since you opened"):
        move(people["director"], ward, 1_000_00, expected_versions=stale)
    assert snapshot() == before


def test_approval_rechecks_the_money_left_and_refuses_if_it_has_gone(ward, people):
    waiting = move(people["director"], ward, 590_000_00)
    # Two within the month's £25,000 delegated total (issue 17: the limit is a running total).
    move(people["director"], ward, 12_500_00, reason="small one")
    move(people["director"], ward, 12_500_00, reason="another")
    with pytest.raises(ValidationFailed, match="£575,000.00 left"):
        decide_virement(people["finance"], waiting, approve=True, comment="", expected_version=1)
    assert waiting.status == "pending"
    assert lines(ward)["pay_nursing"].annual_pence == NURSING - 25_000_00


def test_the_delegated_limit_is_a_running_total_so_small_virements_cannot_bypass_finance(
    ward, people
):
    # Limit £25,000 a month. 30 virements of £1,000: the first 25 bring the month's delegated
    # total to exactly £25,000 and move at once; each of the last 5 would take it past the
    # limit (£26,000 …), so finance must see them.
    statuses = [move(people["director"], ward, 1_000_00).status for _ in range(30)]
    assert statuses == ["applied"] * 25 + ["pending"] * 5


def test_virements_from_an_earlier_month_do_not_count_against_this_month(db, ward, people):
    from datetime import timedelta

    first = move(people["director"], ward, 25_000_00)
    assert first.status == "applied"
    assert move(people["director"], ward, 1_00).status == "pending"  # £25,000.01 this month
    first.requested_at = first.requested_at - timedelta(days=40)
    db.session.flush()
    assert move(people["director"], ward, 1_00).status == "applied"


def test_a_virement_finance_approved_does_not_use_up_the_delegated_limit(ward, people):
    big = move(people["director"], ward, 30_000_00)
    assert big.status == "pending"
    decide_virement(people["finance"], big, approve=True, comment="", expected_version=big.version)
    assert move(people["director"], ward, 25_000_00).status == "applied"
