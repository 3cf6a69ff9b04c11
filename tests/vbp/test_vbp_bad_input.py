"""Bad VBP input is refused with its place named, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from qframe.errors import ValidationFailed
from qframe.frameworks.models import Framework
from qframe.measurements.models import Measurement
from qframe.measurements.services import import_csv

from .conftest import small


def _indicator(data, code):  # type: ignore[no-untyped-def]
    return next(i for i in data["indicators"] if i["code"] == code)


def baseline_in_the_year():  # type: ignore[no-untyped-def]
    return small(vbp={"baseline_period": "2025/26"})


def unknown_stratum():  # type: ignore[no-untyped-def]
    data = small()
    _indicator(data, "S")["scoring"]["composite_of"] = ["S1", "NOPE"]
    return data


def threshold_stratum():  # type: ignore[no-untyped-def]
    data = small()
    _indicator(data, "S1")["scoring"] = {
        "method": "threshold", "max_points": "10", "lower": "1", "upper": "0",
    }  # fmt: skip
    return data


def weights_not_100():  # type: ignore[no-untyped-def]
    data = small()
    data["domains"][0]["weight"] = "60"
    return data


def consistency_without_floor():  # type: ignore[no-untyped-def]
    data = small()
    del _indicator(data, "H")["scoring"]["floor"]
    return data


def step_on_vbp():  # type: ignore[no-untyped-def]
    data = small()
    _indicator(data, "X")["scoring"]["benchmark"] = "0.6"
    return data


@pytest.mark.parametrize(
    ("build", "column", "code"),
    [
        (baseline_in_the_year, "vbp.baseline_period", "baseline_not_before"),
        (unknown_stratum, "indicators[5].scoring.composite_of", "unknown_stratum"),
        (threshold_stratum, "indicators[5].scoring.composite_of", "stratum_not_vbp"),
        (weights_not_100, "domains[1].weight", "weights_not_100"),
        (consistency_without_floor, "domains[1].consistency_points", "missing_floor"),
        (step_on_vbp, "indicators[0].scoring.benchmark", "vbp_step"),
    ],
)
def test_a_bad_vbp_framework_is_refused_with_its_path_and_nothing_is_stored(
    build, column, code, runner, tmp_path, db
):
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(build()))
    result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1
    assert column in result.output
    assert code in result.output
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0


def refused(framework, text: str) -> list[tuple[int | None, str | None, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        import_csv(None, framework, text.encode())
    return [(p.row, p.column, p.code) for p in caught.value.problems]


def test_data_finer_than_the_indicators_frequency_is_refused_with_row_and_column(
    vbp_framework, tree, db
):
    framework = vbp_framework()
    code = tree.trust_a.code
    text = f"org_code,indicator_code,period,value\n{code},X,2025/26,0.7\n{code},X,2025/26 Q1,0.7\n"
    assert refused(framework, text) == [(3, "period", "wrong_period_kind")]
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0


def test_the_baseline_period_is_accepted_only_for_vbp_indicators(vbp_framework, tree, db):
    data = small()
    data["indicators"].append(
        {"code": "T", "domain": "OUT", "title": "Threshold", "measure": "value",
         "polarity": "higher_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "threshold", "max_points": "1", "lower": "0", "upper": "1"}}
    )  # fmt: skip
    framework = vbp_framework(data)
    code = tree.trust_a.code
    text = f"org_code,indicator_code,period,value\n{code},X,2023/24,0.5\n{code},T,2023/24,1\n"
    assert refused(framework, text) == [(3, "period", "period_outside_year")]
    # Earlier than the baseline is outside both.
    text = f"org_code,indicator_code,period,value\n{code},X,2022/23,0.5\n"
    assert refused(framework, text) == [(2, "period", "period_outside_year")]
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0


def test_a_weight_is_refused_on_a_non_vbp_indicator_and_when_negative(vbp_framework, tree, db):
    data = small()
    data["indicators"].append(
        {"code": "T", "domain": "OUT", "title": "Threshold", "measure": "value",
         "polarity": "higher_is_better", "level": "provider", "frequency": "year",
         "scoring": {"method": "threshold", "max_points": "1", "lower": "0", "upper": "1"}}
    )  # fmt: skip
    framework = vbp_framework(data)
    code = tree.trust_a.code
    text = (
        "org_code,indicator_code,period,value,weight\n"
        f"{code},T,2025/26,1,3\n{code},S1,2025/26,0.5,-1\n"
    )
    assert refused(framework, text) == [(2, "weight", "not_allowed"), (3, "weight", "bad_weight")]
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0
