"""A virement above the delegated limit tells finance users over the ward; one within it, nobody."""

from __future__ import annotations

from sqlalchemy import select

from qframe.budgets.services import holder_lines
from qframe.budgets.virements import request_virement
from qframe.extensions import db
from qframe.notifications.models import Notification

YEAR = "2025/26"


def told(user):  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def move(actor, ward, amount):  # type: ignore[no-untyped-def]
    found = holder_lines(ward.id, YEAR)
    return request_virement(
        actor,
        ward,
        YEAR,
        from_line_id=found["pay_nursing"].id,
        to_line_id=found["nonpay_drugs"].id,
        amount_pence=amount,
        reason="New chemotherapy regimen",
    )


def test_only_a_virement_pending_approval_reaches_finance_in_scope(tree, make_budget, make_user):
    # £25,000 delegated limit: £10,000 moves at once, £40,000 waits for finance.
    ward = make_budget(
        tree.ward_a,
        {"pay_nursing": 1_200_000_00, "nonpay_drugs": 120_000_00, "income": 10_000_00},
        {"pay_nursing": [100_000_00] * 6, "nonpay_drugs": [10_000_00] * 6},
        limit=25_000_00,
    )
    director = make_user("clinical_director", [tree.line_a])
    finance = make_user("finance", [tree.icb])
    elsewhere = make_user("finance", [tree.other_icb])
    move(director, ward, 10_000_00)
    assert told(finance) == []
    pending = move(director, ward, 40_000_00)
    (notice,) = told(finance)
    assert "£40,000" in notice.title
    assert notice.link == f"/budgets/manage/virements/{pending.id}"
    assert told(elsewhere) == []
    assert told(director) == []
