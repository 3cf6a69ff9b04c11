"""points_entitlement_pence gives exactly the pence of the Decimal formula, ties included.

The reference is the domain formula written out plainly (domain.md §6), as in
test_points_amounts.py: each indicator's points at their shortest decimal form × £/point × CPI
× its group's APDF, in a 34-digit context, summed, rounded half up to the penny once. The float
path may answer only when it provably rounds the same way; near a half penny the exact path
must decide. Half-penny totals are drawn on purpose (points in hundredths, £/point in halves of
a penny), because that is where a float sum goes wrong.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.errors import InvalidInput
from qframe.engine.payments_pence import points_entitlement_pence

GROUPS = ["COPD", "DM", "HYP"]
CODES = st.text("ABCDEFGH0123", min_size=1, max_size=6)


def reference_pence(points, ppp, list_size, national, groups, registers, prevalence):
    with localcontext() as ctx:
        ctx.prec = 34
        cpi = Decimal(list_size) / Decimal(national) if national is not None else Decimal(1)
        total = Decimal(0)
        for code, p in points.items():
            amount = Decimal(repr(float(p))) * ppp * cpi
            group = groups.get(code)
            if group in prevalence:
                amount *= Decimal(registers[group]) / Decimal(list_size) / prevalence[group]
            total += amount
        return int(total.quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)


@settings(max_examples=600, deadline=None, database=None)
@given(
    st.dictionaries(
        CODES,
        st.one_of(
            st.floats(0, 200, allow_nan=False),
            st.integers(0, 100),
            st.integers(0, 20_000).map(lambda n: n / 100),  # hundredths: ties are common
        ),
        max_size=40,
    ),
    st.one_of(st.decimals(0, 500, places=2), st.integers(0, 1_000).map(lambda n: Decimal(n) / 200)),
    st.integers(1, 40_000),
    st.one_of(st.none(), st.integers(1, 20_000), st.sampled_from([1, 2, 4, 5, 8, 10])),
    st.dictionaries(CODES, st.sampled_from(GROUPS)),
    st.fixed_dictionaries({g: st.integers(0, 3_000) for g in GROUPS}),
    st.dictionaries(st.sampled_from(GROUPS), st.decimals("0.001", 1, places=4), max_size=3),
)
def test_every_total_is_the_formula_to_the_penny(
    points, ppp, list_size, national, groups, registers, prevalence
):
    args = (points, ppp, list_size, national, groups, registers, prevalence)
    assert points_entitlement_pence(*args) == reference_pence(*args)


def test_a_half_penny_that_floats_put_below_the_half_is_rounded_up_as_the_rule_says():
    # 0.7 points × £0.05 = £0.035 exactly: 3.5p, half up to 4p. In floats 0.7 × 0.05 × 100 is
    # 3.4999999999999996, which rounds to 3p: the float path must not answer here.
    assert math.floor(0.7 * 0.05 * 100 + 0.5) == 3
    assert points_entitlement_pence({"A": 0.7}, Decimal("0.05"), 100, None, {}, {}, {}) == 4


def test_a_thousand_practices_tie_exactly_and_still_round_up():
    # 7,000 list / 7,000 national (CPI 1), 123.45 points × £1.01 = £124.6845: 12,468.45p → 12,468p;
    # × £0.50 instead: £61.725 exactly, a half penny: 6,173p.
    args = ({"A": 100.0, "B": 23.45}, Decimal("1.01"), 7_000, 7_000, {}, {}, {})
    assert points_entitlement_pence(*args) == 12_468
    args = ({"A": 100.0, "B": 23.45}, Decimal("0.50"), 7_000, 7_000, {}, {}, {})
    assert points_entitlement_pence(*args) == 6_173


@pytest.mark.parametrize(
    ("points", "registers", "prevalence", "message"),
    [
        ({"A": 1.0, "B": float("nan")}, {"COPD": 5}, {"COPD": Decimal("0.1")}, "points of B"),
        ({"A": -1.0}, {"COPD": 5}, {"COPD": Decimal("0.1")}, "points of A"),
        ({"A": 1.0}, {}, {"COPD": Decimal("0.1")}, "no register size"),
        # a prevalence out of range is refused even when no indicator uses its group
        ({"A": 1.0}, {"COPD": 5}, {"COPD": Decimal("0.1"), "DM": Decimal(2)}, "prevalence of DM"),
    ],
)
def test_what_the_exact_path_refuses_is_refused_in_its_words(
    points, registers, prevalence, message
):
    with pytest.raises(InvalidInput, match=message):
        points_entitlement_pence(
            points, Decimal(10), 1000, None, {"A": "COPD"}, registers, prevalence
        )


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(st.integers(0, 2_000).map(lambda n: n / 10), min_size=1, max_size=5),
    st.integers(1, 400).map(lambda n: Decimal(n) / 20),
)
def test_totals_on_a_half_penny_round_up_whatever_the_float_error(tenths, ppp):
    # Tenths of a point at multiples of 5p a point land on whole and half pence only: every
    # other total is a tie, and floats err on either side of it.
    points = {f"I{i}": p for i, p in enumerate(tenths)}
    args = (points, ppp, 1_000, None, {}, {}, {})
    assert points_entitlement_pence(*args) == reference_pence(*args)
