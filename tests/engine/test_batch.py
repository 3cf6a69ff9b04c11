"""score_column gives exactly score_indicator's result for every row, or the same refusal."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.batch import score_column
from qframe.engine.errors import InvalidInput
from qframe.engine.points import score_indicator
from qframe.engine.types import IndicatorSpec, Observation


@st.composite
def specs(draw):  # type: ignore[no-untyped-def]
    measure = draw(st.sampled_from(["proportion", "rate", "value", "yes_no", "register"]))
    polarity = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
    a, b = sorted(draw(st.lists(st.integers(0, 1000), min_size=2, max_size=2, unique=True)))
    lower, upper = (a / 10, b / 10) if polarity == "higher_is_better" else (b / 10, a / 10)
    return IndicatorSpec(
        code="X",
        measure=measure,
        polarity=polarity,
        method="threshold",
        max_points=draw(st.sampled_from([0.0, 1.0, 9.0, 54.73])),
        lower=lower,
        upper=upper,
        multiplier=draw(st.sampled_from([1.0, 100.0, 1000.0])) if measure == "rate" else None,
        minimum_standard=draw(st.one_of(st.none(), st.floats(0, 100))),
        min_denominator=draw(st.one_of(st.none(), st.integers(0, 30))),
    )


def observations(measure):  # type: ignore[no-untyped-def]
    counts = st.tuples(
        st.one_of(st.none(), st.integers(0, 400)),
        st.one_of(st.none(), st.integers(0, 400)),
        st.none(),
    )
    if measure == "proportion":
        counts = counts.map(
            lambda r: (
                r if r[0] is None or r[1] is None else (min(r[0], r[1]), max(r[0], r[1]), None)
            )
        )
    if measure in ("proportion", "rate"):
        return counts
    values = st.sampled_from([0.0, 1.0]) if measure == "yes_no" else st.floats(0, 1e6)
    return st.tuples(st.none(), st.none(), st.one_of(st.none(), values))


@settings(max_examples=300)
@given(st.data())
def test_every_row_matches_score_indicator(data):
    spec = data.draw(specs())
    rows = data.draw(st.lists(observations(spec.measure), max_size=30))
    column = score_column(spec, rows)
    expected = [score_indicator(spec, Observation(*row)) for row in rows]
    assert column.achievement == [e.achievement for e in expected]
    assert column.points == [e.points for e in expected]
    assert column.status == [e.status for e in expected]
    assert column.breach == [e.breach for e in expected]


@pytest.mark.parametrize("row", [(5, 4, None), (-1, 4, None), (1, -4, None)])
def test_impossible_counts_are_refused_as_score_indicator_refuses_them(row):
    spec = IndicatorSpec("X", "proportion", "higher_is_better", "threshold", 9.0, 50.0, 90.0)
    with pytest.raises(InvalidInput):
        score_indicator(spec, Observation(*row))
    with pytest.raises(InvalidInput):
        score_column(spec, [(1, 2, None), row])


def test_the_copd003_example_gives_exactly_the_published_points():
    spec = IndicatorSpec(
        "COPD003(S)", "proportion", "higher_is_better", "threshold", 9.0, 50.0, 90.0
    )
    assert score_column(spec, [(214, 271, None)]).points == [6.517527675276753]
