"""Checks before publishing, and the field-by-field diff of two framework versions."""

import json
from decimal import Decimal

import pytest

from qframe.frameworks.schemas import load_framework_json
from qframe.frameworks.validation import Change, diff_frameworks, publish_problems


def indicator(code: str, **changes) -> dict:
    base = {
        "code": code,
        "domain": "SAF",
        "title": f"Indicator {code}",
        "description": None,
        "group": None,
        "measure": "proportion",
        "polarity": "higher_is_better",
        "level": "provider",
        "scoring": {"method": "threshold", "max_points": "10", "lower": "60", "upper": "80"},
        "minimum_standard": None,
        "min_denominator": None,
    }
    scoring = changes.pop("scoring", {})
    base["scoring"] = {**base["scoring"], **scoring}
    return {**base, **changes}


def framework(*indicators: dict, payment: dict | None = None) -> dict:
    """Load a framework through the schema, as publish_problems receives it."""
    doc = {
        "code": "AQF",
        "title": "Acute quality",
        "year": "2025/26",
        "setting": "acute",
        "payment": payment or {"model": "contract_share", "stake_percent": "1.25"},
        "domains": [{"code": "SAF", "title": "Safety"}],
        "indicators": list(indicators),
    }
    return load_framework_json(json.dumps(doc))


def codes(problems) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in problems}


def test_a_complete_framework_has_no_publish_problems():
    data = framework(indicator("A"), indicator("B", polarity="lower_is_better", scoring={
        "lower": "20", "upper": "10"}))  # fmt: skip
    assert publish_problems(data) == []


def test_a_framework_without_indicators_cannot_be_published():
    assert codes(publish_problems(framework())) == {("indicators", "no_indicators")}


def test_missing_thresholds_are_named_one_by_one():
    data = framework(indicator("A", scoring={"lower": None, "upper": None}), indicator("B"))
    assert codes(publish_problems(data)) == {
        ("indicators[0].scoring.lower", "missing_threshold"),
        ("indicators[0].scoring.upper", "missing_threshold"),
    }


@pytest.mark.parametrize("measure", ["yes_no", "register"])
def test_all_or_nothing_measures_need_no_thresholds(measure):
    data = framework(indicator("A", measure=measure, scoring={"lower": None, "upper": None}))
    assert publish_problems(data) == []


@pytest.mark.parametrize("max_points", [None, "0"])
def test_threshold_scoring_needs_points_above_zero(max_points):
    data = framework(indicator("A", scoring={"max_points": max_points}))
    assert codes(publish_problems(data)) == {("indicators[0].scoring.max_points", "not_positive")}


def test_equal_thresholds_are_a_step_and_can_be_published():
    # QOF Scotland 2014/15 CVD-PP003(S): lower 90%, upper 90% (issue #12: this was refused).
    data = framework(indicator("A", scoring={"lower": "90", "upper": "90.0"}))
    assert publish_problems(data) == []


def test_thresholds_running_against_the_polarity_cannot_be_published():
    # Import refuses this too; the publish check stands on its own for data built elsewhere.
    data = framework(indicator("A"))
    data["indicators"][0]["polarity"] = "lower_is_better"
    assert codes(publish_problems(data)) == {("indicators[0].scoring.lower", "thresholds_reversed")}


def test_vbp_scoring_needs_a_weight_above_zero():
    vbp = {"method": "vbp", "max_points": None, "lower": None, "upper": None, "weight": "0"}
    data = framework(indicator("A", scoring=vbp))
    assert codes(publish_problems(data)) == {("indicators[0].scoring.weight", "not_positive")}
    data["indicators"][0]["scoring"]["weight"] = Decimal("1")
    assert publish_problems(data) == []


def test_a_rate_needs_a_multiplier():
    data = framework(indicator("A", measure="rate", multiplier="1000"))
    assert publish_problems(data) == []
    data["indicators"][0]["multiplier"] = None
    assert codes(publish_problems(data)) == {("indicators[0].multiplier", "missing_multiplier")}


def test_contract_share_weights_must_add_up_to_exactly_one():
    data = framework(indicator("A", weight="0.6"), indicator("B", weight="0.3"))
    assert codes(publish_problems(data)) == {("indicators", "weights_not_one")}
    thirds = framework(*(indicator(c, weight="0.333333") for c in "ABC"))
    assert codes(publish_problems(thirds)) == {("indicators", "weights_not_one")}
    exact = framework(indicator("A", weight="0.6"), indicator("B", weight="0.40"))
    assert publish_problems(exact) == []


def test_weights_given_for_some_indicators_must_be_given_for_all():
    data = framework(indicator("A", weight="1"), indicator("B"))
    assert codes(publish_problems(data)) == {("indicators[1].weight", "missing_weight")}


def test_no_weights_means_equal_weights():
    assert publish_problems(framework(*(indicator(c) for c in "ABC"))) == []


@pytest.mark.parametrize(
    ("payment", "path"),
    [
        ({"model": "points", "pound_per_point": "0"}, "payment.pound_per_point"),
        ({"model": "contract_share", "stake_percent": "0"}, "payment.stake_percent"),
    ],
)
def test_the_payment_rate_must_be_above_zero(payment, path):
    data = framework(indicator("A"), payment=payment)
    assert codes(publish_problems(data)) == {(path, "not_positive")}


def test_a_prevalence_adjusted_indicator_needs_its_groups_national_prevalence():
    payment = {"model": "points", "pound_per_point": "135.06"}
    adjusted = indicator("A", group="COPD", prevalence_adjusted=True)
    data = framework(adjusted, payment=payment)
    assert codes(publish_problems(data)) == {("indicators[0].group", "missing_prevalence")}
    payment["national_prevalence"] = {"COPD": "2.39"}
    assert publish_problems(framework(adjusted, payment=payment)) == []


def test_a_draft_lists_every_publish_problem_at_once():
    data = framework(
        indicator("A", scoring={"lower": None}),
        indicator("B", scoring={"max_points": "0"}),
        indicator("C", weight="0.5"),
    )
    assert codes(publish_problems(data)) == {
        ("indicators[0].scoring.lower", "missing_threshold"),
        ("indicators[1].scoring.max_points", "not_positive"),
        ("indicators[0].weight", "missing_weight"),
        ("indicators[1].weight", "missing_weight"),
        ("indicators", "weights_not_one"),
    }


def test_identical_frameworks_have_an_empty_diff():
    data = framework(indicator("A"), indicator("B"))
    diff = diff_frameworks(data, framework(indicator("A"), indicator("B")))
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])


def test_equal_decimals_written_differently_are_not_a_change():
    diff = diff_frameworks(
        framework(indicator("A")), framework(indicator("A", scoring={"lower": "60.0"}))
    )
    assert diff.changed == []


def test_added_and_removed_indicators_are_listed_by_code():
    diff = diff_frameworks(
        framework(indicator("A"), indicator("B")), framework(indicator("B"), indicator("C"))
    )
    assert (diff.added, diff.removed, diff.changed) == (["C"], ["A"], [])


def test_indicator_changes_are_listed_field_by_field():
    old = framework(indicator("A"), indicator("B"))
    new = framework(
        indicator("A", scoring={"lower": "65", "max_points": "12"}, title="Renamed"),
        indicator("B", polarity="lower_is_better", scoring={"lower": "80", "upper": "60"},
                  minimum_standard="50"),
    )  # fmt: skip
    assert diff_frameworks(old, new).changed == [
        Change("A", "title", "Indicator A", "Renamed"),
        Change("A", "scoring.max_points", Decimal("10"), Decimal("12")),
        Change("A", "scoring.lower", Decimal("60"), Decimal("65")),
        Change("B", "polarity", "higher_is_better", "lower_is_better"),
        Change("B", "scoring.lower", Decimal("60"), Decimal("80")),
        Change("B", "scoring.upper", Decimal("80"), Decimal("60")),
        Change("B", "minimum_standard", None, Decimal("50")),
    ]


def test_framework_level_changes_have_no_indicator_code():
    old = framework(indicator("A"), payment={"model": "points", "pound_per_point": "213.43"})
    new_payment = {
        "model": "points",
        "pound_per_point": "220.62",
        "national_prevalence": {"AST": "6.46"},
    }
    new = framework(indicator("A"), payment=new_payment)
    new["title"] = "Acute quality 2"
    new["domains"][0]["title"] = "Patient safety"
    assert diff_frameworks(old, new).changed == [
        Change(None, "title", "Acute quality", "Acute quality 2"),
        Change(None, "payment.pound_per_point", Decimal("213.43"), Decimal("220.62")),
        Change(None, "domains[SAF].title", "Safety", "Patient safety"),
        Change(None, "payment.national_prevalence.AST", None, Decimal("6.46")),
    ]


def test_a_change_reads_as_a_tuple_of_code_field_old_new():
    code, field, old, new = Change("A", "title", "x", "y")
    assert (code, field, old, new) == ("A", "title", "x", "y")
