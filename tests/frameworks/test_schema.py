"""Framework JSON: exact loading, canonical dumping, and every kind of bad input at once."""

import copy
import json
from decimal import Decimal

import pytest

from qframe.frameworks.schemas import FrameworkFormatError, dump_framework_json, load_framework_json


def framework() -> dict:
    """A small valid framework in the JSON shape of formats.md."""
    return {
        "code": "QOF-SCO",
        "title": "QOF Scotland",
        "year": "2015/16",
        "setting": "primary_care",
        "payment": {"model": "points", "pound_per_point": "135.06"},
        "domains": [{"code": "CL", "title": "Clinical"}, {"code": "PH", "title": "Public Health"}],
        "indicators": [
            {
                "code": f"IND{n:03}",
                "domain": "CL",
                "title": f"Indicator {n}",
                "description": "…",
                "group": "COPD",
                "measure": "proportion",
                "polarity": "higher_is_better",
                "level": "provider",
                "scoring": {"method": "threshold", "max_points": "9", "lower": "50", "upper": "90"},
                "minimum_standard": None,
                "min_denominator": None,
            }
            for n in range(3)
        ],
    }


def load(doc: dict) -> dict:
    return load_framework_json(json.dumps(doc, ensure_ascii=False))


def problems_of(source: str | bytes) -> set[tuple[str, str]]:
    with pytest.raises(FrameworkFormatError) as caught:
        load_framework_json(source)
    return {(p.path, p.code) for p in caught.value.problems}


def test_a_framework_round_trips_byte_for_byte():
    text = dump_framework_json(load(framework()))
    assert dump_framework_json(load_framework_json(text)) == text


def test_the_canonical_form_keeps_the_key_order_of_the_format():
    text = dump_framework_json(load(framework()))
    keys = list(json.loads(text))
    assert keys == ["code", "title", "year", "setting", "payment", "domains", "indicators"]
    indicator = json.loads(text)["indicators"][0]
    assert list(indicator) == list(framework()["indicators"][0])
    assert text.startswith('{\n  "code": "QOF-SCO"')
    assert text.endswith("}\n")
    assert '"description": "…"' in text  # not escaped as \u2026


def test_decimals_stay_exact_and_are_written_as_loaded():
    doc = framework()
    doc["indicators"][0]["scoring"].update(max_points=0.1, lower=50, upper=90.0)
    data = load(doc)
    scoring = data["indicators"][0]["scoring"]
    assert isinstance(scoring["max_points"], Decimal)
    assert scoring["max_points"] == Decimal("0.1")
    written = json.loads(dump_framework_json(data))["indicators"][0]["scoring"]
    assert written == {"method": "threshold", "max_points": "0.1", "lower": "50", "upper": "90.0"}


def test_optional_fields_get_their_defaults_and_are_left_out_when_unset():
    data = load(framework())
    indicator = data["indicators"][0]
    assert indicator["data_source"] == "submitted"
    assert indicator["prevalence_adjusted"] is False
    assert indicator["weight"] is None
    written = json.loads(dump_framework_json(data))
    assert "data_source" not in written["indicators"][0]
    assert "source" not in written
    assert "stake_percent" not in written["payment"]


def test_added_optional_fields_round_trip():
    doc = framework()
    doc["source"] = "ISD Scotland"
    doc["payment"].update(national_list_size="5846.10", national_prevalence={"COPD": "2.388"})
    doc["indicators"][0].update(
        measure="rate", multiplier="1000", unit="per 1,000 occupied bed days", rationale="Why."
    )
    doc["indicators"][1].update(data_source="appraisal", prevalence_adjusted=True)
    data = load(doc)
    assert data["payment"]["national_prevalence"] == {"COPD": Decimal("2.388")}
    text = dump_framework_json(data)
    assert load_framework_json(text) == data
    assert json.loads(text)["indicators"][0]["multiplier"] == "1000"


def test_a_draft_may_leave_thresholds_and_points_empty():
    doc = framework()
    doc["indicators"][0]["scoring"] = {"method": "threshold", "max_points": None}
    data = load(doc)
    assert data["indicators"][0]["scoring"]["lower"] is None
    assert json.loads(dump_framework_json(data))["indicators"][0]["scoring"] == {
        "method": "threshold",
        "max_points": None,
        "lower": None,
        "upper": None,
    }


def test_bytes_with_a_utf8_bom_are_accepted():
    text = json.dumps(framework())
    assert load_framework_json(b"\xef\xbb\xbf" + text.encode()) == load_framework_json(text)


def _set(path: str, value):
    """A mutation that sets a dotted path (numbers index lists) in the document."""

    def mutate(doc: dict) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _reversed_lower_is_better(doc: dict) -> None:
    doc["indicators"][0]["polarity"] = "lower_is_better"


BAD_DOCUMENTS = {
    "unknown field at the top": (_set("points", 5), {("points", "unknown_field")}),
    "mass assignment of amount": (
        _set("payment.amount", "9"),
        {("payment.amount", "unknown_field")},
    ),
    "unknown nested field": (
        _set("indicators.2.scoring.bonus", "1"),
        {("indicators[2].scoring.bonus", "unknown_field")},
    ),
    "duplicate indicator code": (
        _set("indicators.2.code", "IND000"),
        {("indicators[2].code", "duplicate_code")},
    ),
    "duplicate domain code": (
        _set("domains.1.code", "CL"),
        {("domains[1].code", "duplicate_code")},
    ),
    "unknown domain": (
        _set("indicators.1.domain", "ZZ"),
        {("indicators[1].domain", "unknown_domain")},
    ),
    "negative points": (
        _set("indicators.0.scoring.max_points", "-1"),
        {("indicators[0].scoring.max_points", "negative")},
    ),
    "points model without pound_per_point": (
        _set("payment", {"model": "points"}),
        {("payment.pound_per_point", "missing_parameter")},
    ),
    "contract share without stake_percent": (
        _set("payment", {"model": "contract_share"}),
        {("payment.stake_percent", "missing_parameter")},
    ),
    "a parameter of the other payment model": (
        _set("payment.stake_percent", "1.25"),
        {("payment.stake_percent", "not_applicable")},
    ),
    "unknown setting": (_set("setting", "hospice"), {("setting", "invalid_choice")}),
    "unknown measure": (
        _set("indicators.0.measure", "odds_ratio"),
        {("indicators[0].measure", "invalid_choice")},
    ),
    "unknown polarity": (
        _set("indicators.0.polarity", "up"),
        {("indicators[0].polarity", "invalid_choice")},
    ),
    "unknown level": (
        _set("indicators.0.level", "bed"),
        {("indicators[0].level", "invalid_choice")},
    ),
    "unknown method": (
        _set("indicators.0.scoring.method", "linear"),
        {("indicators[0].scoring.method", "invalid_choice")},
    ),
    "unknown payment model": (
        _set("payment.model", "bonus"),
        {("payment.model", "invalid_choice")},
    ),
    "rate without multiplier": (
        _set("indicators.0.measure", "rate"),
        {("indicators[0].multiplier", "missing_multiplier")},
    ),
    "year with a dash": (_set("year", "2015-16"), {("year", "invalid_year")}),
    "year spanning two years": (_set("year", "2015/17"), {("year", "invalid_year")}),
    "nesting deeper than the format": (
        _set("indicators.0.scoring.lower", {"value": {"deeper": 1}}),
        {
            ("indicators[0].scoring.lower.value", "too_deep"),
            ("indicators[0].scoring.lower", "invalid_number"),
        },
    ),
    "title too long": (_set("title", "x" * 201), {("title", "too_long")}),
    "description too long": (
        _set("indicators.1.description", "x" * 4001),
        {("indicators[1].description", "too_long")},
    ),
    "control character in a title": (
        _set("indicators.0.title", "a\u0000b"),
        {("indicators[0].title", "control_character")},
    ),
    "lower above upper for higher is better": (
        _set("indicators.0.scoring.lower", "95"),
        {("indicators[0].scoring.lower", "thresholds_reversed")},
    ),
    "lower below upper for lower is better": (
        _reversed_lower_is_better,
        {("indicators[0].scoring.lower", "thresholds_reversed")},
    ),
    "percentage above 100": (
        _set("indicators.0.scoring.upper", "101"),
        {("indicators[0].scoring.upper", "out_of_range")},
    ),
    "boolean where a number belongs": (
        _set("indicators.0.scoring.max_points", True),
        {("indicators[0].scoring.max_points", "invalid_number")},
    ),
    "exponent in a decimal string": (
        _set("indicators.0.scoring.upper", "1e309"),
        {("indicators[0].scoring.upper", "invalid_number")},
    ),
    "NaN as a string": (
        _set("payment.pound_per_point", "NaN"),
        {("payment.pound_per_point", "invalid_number")},
    ),
    "fractional min_denominator": (
        _set("indicators.0.min_denominator", 1.5),
        {("indicators[0].min_denominator", "invalid_count")},
    ),
    "negative min_denominator": (
        _set("indicators.0.min_denominator", -1),
        {("indicators[0].min_denominator", "negative")},
    ),
    "missing required field": (_set("indicators.0", {"code": "X"}), None),
    "weight under the points model": (
        _set("indicators.0.weight", "0.5"),
        {("indicators[0].weight", "not_applicable")},
    ),
    "prevalence flag that is not a boolean": (
        _set("indicators.0.prevalence_adjusted", 1),
        {("indicators[0].prevalence_adjusted", "invalid_type")},
    ),
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS, ids=str)
def test_each_bad_document_is_refused_with_the_path_and_code_of_the_problem(case):
    mutate, expected = BAD_DOCUMENTS[case]
    doc = framework()
    mutate(doc)
    found = problems_of(json.dumps(doc))
    if expected is None:  # a missing-fields object: every required field is named
        expected = {
            (f"indicators[0].{name}", "required")
            for name in ("domain", "title", "measure", "polarity", "level", "scoring")
        }
    assert found == expected


# Cases that touch different parts of one document, so they can all be applied together.
COMBINED = [
    "unknown field at the top",
    "mass assignment of amount",
    "unknown nested field",
    "duplicate indicator code",
    "duplicate domain code",
    "unknown domain",
    "negative points",
    "a parameter of the other payment model",
    "NaN as a string",
    "unknown setting",
    "unknown polarity",
    "unknown level",
    "rate without multiplier",
    "year spanning two years",
    "nesting deeper than the format",
    "title too long",
    "description too long",
    "control character in a title",
    "fractional min_denominator",
    "weight under the points model",
    "prevalence flag that is not a boolean",
]


def test_every_problem_is_reported_at_once_not_only_the_first():
    doc = framework()
    for case in COMBINED:
        BAD_DOCUMENTS[case][0](doc)
    expected = set().union(*(BAD_DOCUMENTS[case][1] for case in COMBINED))
    assert problems_of(json.dumps(doc)) == expected


BAD_TEXTS = {
    "not JSON": ("{", {("", "invalid_json")}),
    "empty file": ("", {("", "invalid_json")}),
    "not an object": ("[]", {("", "not_an_object")}),
    "a number": ("7", {("", "not_an_object")}),
    "nesting beyond any parser-safe depth": ("[" * 100_000 + "]" * 100_000, {("", "too_deep")}),
    "not UTF-8": (b'{"code": "\xff"}', {("", "invalid_encoding")}),
    "bare NaN": (None, {("indicators[0].scoring.lower", "not_finite")}),
    "bare Infinity": (None, {("indicators[0].scoring.upper", "not_finite")}),
    "1e309 as a number": (None, {("indicators[0].scoring.upper", "too_large")}),
    "a key written twice": (None, {("indicators[0].code", "duplicate_key")}),
}
_RAW = {
    "bare NaN": ('"lower": "50"', '"lower": NaN'),
    "bare Infinity": ('"upper": "90"', '"upper": Infinity'),
    "1e309 as a number": ('"upper": "90"', '"upper": 1e309'),
    "a key written twice": ('"code": "IND000",', '"code": "IND000", "code": "IND009",'),
}


@pytest.mark.parametrize("case", BAD_TEXTS, ids=str)
def test_each_bad_text_is_refused_with_the_path_and_code_of_the_problem(case):
    text, expected = BAD_TEXTS[case]
    if text is None:
        old, new = _RAW[case]
        text = json.dumps(framework(), ensure_ascii=False).replace(old, new, 1)
    assert problems_of(text) == expected


def test_broken_json_is_reported_with_its_line_and_column():
    with pytest.raises(FrameworkFormatError) as caught:
        load_framework_json('{\n  "code": "A",\n  "title" "x"\n}')
    (problem,) = caught.value.problems
    assert "line 3, column 11" in problem.message


def test_the_error_message_names_the_first_problems():
    doc = framework()
    doc["year"] = "2015/17"
    with pytest.raises(FrameworkFormatError, match=r"year: Must be a financial year"):
        load(doc)


def test_loading_does_not_change_the_document_it_was_given():
    doc = framework()
    before = copy.deepcopy(doc)
    load(doc)
    assert doc == before


def test_codes_with_a_space_or_a_newline_after_valid_characters_are_refused():
    doc = framework()
    doc["code"] = "QOF SCO"
    doc["indicators"][0]["code"] = "IND000\n"
    doc["domains"][0]["code"] = "CL;DROP"
    found = problems_of(json.dumps(doc))
    assert {
        ("code", "invalid_code"),
        ("indicators[0].code", "invalid_code"),
        ("domains[0].code", "invalid_code"),
    } <= found
