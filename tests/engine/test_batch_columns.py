"""score_column's numpy path gives score_indicator's floats for long columns, steps included.

test_batch.py checks short columns against score_indicator; here columns run to hundreds of
rows with missing rows, empty denominators, small numbers, floors and step thresholds
(lower == upper, QOF Scotland CVD-PP003(S)), and each row is compared with score_indicator.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from qframe.engine.batch import score_column
from qframe.engine.points import score_indicator
from qframe.engine.types import IndicatorSpec, Observation


@st.composite
def specs(draw):  # type: ignore[no-untyped-def]
    measure = draw(st.sampled_from(["proportion", "rate"]))
    polarity = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
    a = draw(st.integers(0, 1000))
    b = a if draw(st.booleans()) else draw(st.integers(a, 1000))
    lower, upper = (a / 10, b / 10) if polarity == "higher_is_better" else (b / 10, a / 10)
    return IndicatorSpec(
        code="X",
        measure=measure,
        polarity=polarity,
        method="threshold",
        max_points=draw(st.sampled_from([0.0, 1.0, 9.0, 54.73, 7.123456789])),
        lower=lower,
        upper=upper,
        multiplier=draw(st.sampled_from([1.0, 100.0, 1000.0, 0.37])) if measure == "rate" else None,
        minimum_standard=draw(st.one_of(st.none(), st.floats(0, 100))),
        min_denominator=draw(st.one_of(st.none(), st.integers(0, 60))),
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_long_columns_match_score_indicator_row_by_row(data):
    spec = data.draw(specs())
    size = data.draw(st.integers(0, 400))
    rows = []
    for _ in range(size):
        kind = data.draw(st.integers(0, 19))
        if kind == 0:
            rows.append((None, data.draw(st.integers(0, 50)), None))
        elif kind == 1:
            rows.append((0, 0, None))
        else:
            n = data.draw(st.integers(1, 5000))
            x = data.draw(st.integers(0, n if spec.measure == "proportion" else 3 * n))
            rows.append((x, n, None))
    column = score_column(spec, rows)
    expected = [score_indicator(spec, Observation(*row)) for row in rows]
    assert column.achievement == [e.achievement for e in expected]
    assert column.points == [e.points for e in expected]
    assert column.status == [e.status for e in expected]
    assert column.breach == [e.breach for e in expected]
    assert all(type(p) is float for p in column.points)
