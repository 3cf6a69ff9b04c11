"""QOF aspiration and achievement payments, CQUIN payment on account and reconciliation."""

import pytest

from qframe.engine.cashflow import (
    adjustment,
    cquin_on_account,
    monthly,
    qof_aspiration,
    settle,
)
from qframe.engine.errors import InvalidInput


def test_aspiration_payments_are_a_twelfth_of_seventy_percent_each_month():
    # Aspiration value £12,345.67: 70% = £8,641.969 → £8,641.97 (864,197p); / 12 = 72,016 r 5:
    # the first five months 72,017p, the other seven 72,016p.
    lines = qof_aspiration(1_234_567)
    assert [line.pence for line in lines] == [72_017] * 5 + [72_016] * 7
    assert sum(line.pence for line in lines) == 864_197
    assert [line.month for line in lines] == list(range(1, 13))
    assert "70% of the aspiration value £12,345.67" in lines[0].why


def test_the_achievement_payment_is_earned_value_net_of_aspiration_payments():
    paid = qof_aspiration(1_234_567)
    # earned £13,000.00: 1,300,000 − 864,197 = 435,803p paid at year end
    line = settle("achievement", 1_300_000, paid)
    assert (line.month, line.kind, line.pence) == (None, "achievement", 435_803)
    # earned £5,000.00: 500,000 − 864,197 = −364,197p, a recovery
    recovery = settle("achievement", 500_000, paid)
    assert recovery.pence == -364_197
    assert "£3,641.97 recovered" in recovery.why


def test_cquin_is_paid_on_account_and_the_unearned_part_recovered():
    # Stake 1.25% of £10m = £125,000 = 12,500,000p = 12 × 1,041,666 + 8: the first 8 months
    # get 1,041,667p, the other 4 get 1,041,666p.
    paid = cquin_on_account(12_500_000)
    assert [line.pence for line in paid] == [1_041_667] * 8 + [1_041_666] * 4
    # 60% earned: 7,500,000 − 12,500,000 = −5,000,000p recovered
    assert settle("reconciliation", 7_500_000, paid).pence == -5_000_000


def test_a_declaration_changed_after_payment_is_a_new_adjustment_line():
    line = adjustment(1_300_000, 1_310_000, "declaration amended on 2026-05-03")
    assert line is not None
    assert (line.kind, line.pence) == ("adjustment", 10_000)
    assert "declaration amended" in line.why
    assert adjustment(1_300_000, 1_300_000, "no change") is None


def test_monthly_instalments_always_add_up_and_negative_amounts_are_refused():
    for total in (0, 1, 11, 12, 13, 999_999_999):
        parts = monthly(total)
        assert sum(parts) == total
        assert max(parts) - min(parts) <= 1
    with pytest.raises(InvalidInput):
        monthly(-1)
