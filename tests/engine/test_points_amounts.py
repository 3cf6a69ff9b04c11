"""points_entitlement's bulk path gives the indicator-by-indicator arithmetic to the last digit.

The reference below is the domain formula written out plainly (domain.md §6): each indicator's
points at their shortest decimal form × £/point × CPI × the APDF of its group, in a 34-digit
context, summed and rounded half up to the penny once. The engine must agree on every total and
every indicator's unrounded amount (value and written form), and refuse what it refuses.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.payments import points_entitlement

GROUPS = ["COPD", "DM", "HYP"]


def reference(points, ppp, list_size, national, groups, registers, prevalence):
    with localcontext() as ctx:
        ctx.prec = 34
        cpi = Decimal(list_size) / Decimal(national) if national is not None else Decimal(1)
        amounts = {}
        for code, p in points.items():
            amount = Decimal(repr(float(p))) * ppp * cpi
            group = groups.get(code)
            if group in prevalence:
                amount *= Decimal(registers[group]) / Decimal(list_size) / prevalence[group]
            amounts[code] = amount
        total = sum(amounts.values(), Decimal(0)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return total, amounts


@settings(max_examples=400, deadline=None, database=None)
@given(
    st.dictionaries(
        st.text("ABCDEFGH0123", min_size=1, max_size=6),
        st.one_of(st.floats(0, 200, allow_nan=False), st.integers(0, 100)),
        max_size=40,
    ),
    st.decimals(0, 500, places=2),
    st.integers(1, 40_000),
    st.one_of(st.none(), st.integers(1, 20_000)),
    st.dictionaries(st.text("ABCDEFGH0123", min_size=1, max_size=6), st.sampled_from(GROUPS)),
    st.fixed_dictionaries({g: st.integers(0, 3_000) for g in GROUPS}),
    st.dictionaries(st.sampled_from(GROUPS), st.decimals("0.001", 1, places=4), max_size=3),
)
def test_every_total_and_amount_is_the_formula_to_the_last_digit(
    points, ppp, list_size, national, groups, registers, prevalence
):
    got = points_entitlement(points, ppp, list_size, national, groups, registers, prevalence)
    total, amounts = reference(points, ppp, list_size, national, groups, registers, prevalence)
    assert got.total == total
    assert [str(a) for a in got.by_indicator.values()] == [str(a) for a in amounts.values()]
    assert list(got.by_indicator) == list(points)


@pytest.mark.parametrize(
    ("points", "registers", "message"),
    [
        ({"A": 1.0, "B": float("nan")}, {"COPD": 5}, "points of B"),
        ({"A": -1.0}, {"COPD": 5}, "points of A"),
        # the group's register is missing before B's bad points come up: the register is named
        ({"A": 1.0, "B": float("inf")}, {}, "no register size for prevalence-adjusted group"),
    ],
)
def test_bad_input_is_refused_naming_the_first_problem_in_indicator_order(
    points, registers, message
):
    with pytest.raises(InvalidInput, match=message):
        points_entitlement(
            points, Decimal(10), 1000, None, {"A": "COPD"}, registers, {"COPD": Decimal("0.1")}
        )
