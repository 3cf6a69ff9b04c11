"""whole_period builds exactly what select_in_time builds when no row is for a sub-period.

select_in_time (scoring.rollup) is the row-by-row reference: the fast path must give the same
observation for every (organisation, indicator), in the same order (a value's mean over units
is summed in that order), and step aside when a sub-period's row is present.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.scoring.inputs import Readings, observations, whole_period
from qframe.scoring.rollup import MISSING, select_in_time

PERIOD = 7
ROW = st.tuples(
    st.integers(1, 30),  # organisation
    st.integers(1, 6),  # indicator
    st.just(PERIOD),
    st.one_of(st.none(), st.integers(0, 500)),
    st.one_of(st.none(), st.integers(0, 500)),
    st.sampled_from([0, 0, 0, 1]),  # missing
)


def readings(rows, values):
    # as read_measurements reads them: every row of the period, then those marked missing
    own = [(o, i, n, d) for o, i, p, n, d, _missing in rows if p == PERIOD]
    rest = [row for row in rows if row[2] != PERIOD or row[5]]
    return Readings(own, rest, values)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(ROW, max_size=80, unique_by=lambda row: row[:3]), st.data())
def test_the_same_observations_in_the_same_order_as_row_by_row(rows, data):
    keys = sorted({(org, indicator, period) for org, indicator, period, *_ in rows})
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    values = {key: data.draw(st.floats(0, 100)) for key in chosen}
    read = readings(rows, values)
    fast = whole_period(read, PERIOD)
    slow, combined = select_in_time(observations(read.rows(PERIOD), values), PERIOD, {}, {})
    assert combined == set()
    assert fast == slow
    assert sorted(read.rows(PERIOD)) == sorted(
        rows
    )  # in the same order where order counts (a unit's value joins a mean in that order)
    for indicator, column in slow.items():
        assert [k for k, v in fast[indicator].items() if v != MISSING] == [
            k for k, v in column.items() if v != MISSING
        ]


def test_a_row_for_a_quarter_leaves_it_to_the_row_by_row_path():
    quarter = (1, 1, 8, 1, 2, 0)  # period 8: a quarter inside the scored period
    assert whole_period(Readings([(1, 1, 3, 4)], [quarter], {}), PERIOD) is None
    marked = (1, 2, PERIOD, None, None, 1)  # read once as the period's and once as missing
    read = Readings([(1, 1, 3, 4), (1, 2, None, None)], [marked, quarter], {})
    assert sorted(read.rows(PERIOD)) == [(1, 1, PERIOD, 3, 4, 0), quarter, marked]
    assert whole_period(Readings([(1, 1, 3, 4)], [], {}), PERIOD) == {1: {1: (3, 4, None)}}
