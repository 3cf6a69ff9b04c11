"""Export: each indicator as a FHIR R4 Measure carrying everything it is scored by."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.measure import Measure

from qframe.fhir.codes import dumps, ext_url, parse_measure_url
from qframe.fhir.measures import framework_bundle
from qframe.fhir.problems import read_json
from qframe.frameworks.library import LIBRARY

from .conftest import library

SLUGS = [entry.slug for entry in LIBRARY]


def _ext(resource, name):  # type: ignore[no-untyped-def]
    found = [e for e in resource.get("extension", []) if e["url"] == ext_url(name)]
    return found[0] if found else None


def _code(concept):  # type: ignore[no-untyped-def]
    return concept["coding"][0]["code"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_library_framework_exports_one_valid_r4_measure_per_indicator(db, publish, slug):
    framework = publish(slug)
    text = dumps(framework_bundle(framework))
    bundle, problems = read_json(text)
    assert problems == []
    # The FHIR models of fhir.resources are the independent judge of validity.
    Bundle.model_validate_json(text)
    source = library(slug)
    assert len(bundle["entry"]) == len(source["indicators"])
    for entry, indicator in zip(bundle["entry"], source["indicators"], strict=True):
        measure = entry["resource"]
        Measure.model_validate_json(dumps(measure))
        assert measure["identifier"][0]["value"] == indicator["code"]
        assert measure["version"] == "1"
        assert parse_measure_url(measure["url"]) == (source["code"], indicator["code"], None)
        assert measure["title"] == indicator["title"]


def test_scoring_and_improvement_notation_follow_the_measure_type_and_polarity(db, publish):
    bundle = framework_bundle(publish("acute-quality-2025-26"))
    by_code = {e["resource"]["identifier"][0]["value"]: e["resource"] for e in bundle["entry"]}
    # AQF-S01 is a proportion where higher is better; AQF-S03 a rate per 1,000 bed days where
    # lower is better; AQF-E05 SHMI, an indirectly standardised ratio (observed / expected
    # deaths), lower is better: FHIR's "ratio" scoring, its only population the numerator.
    assert _code(by_code["AQF-S01"]["scoring"]) == "proportion"
    assert _code(by_code["AQF-S01"]["improvementNotation"]) == "increase"
    assert _code(by_code["AQF-S03"]["scoring"]) == "ratio"
    assert _code(by_code["AQF-S03"]["improvementNotation"]) == "decrease"
    assert _code(by_code["AQF-E05"]["scoring"]) == "ratio"
    shmi = [_code(p["code"]) for p in by_code["AQF-E05"]["group"][0]["population"]]
    assert shmi == ["numerator"]
    populations = [_code(p["code"]) for p in by_code["AQF-S01"]["group"][0]["population"]]
    assert populations == ["numerator", "denominator", "denominator-exclusion"]


def test_thresholds_and_points_travel_as_exact_decimal_extensions(db, publish):
    text = dumps(framework_bundle(publish("acute-quality-2025-26")))
    bundle, _ = read_json(text)
    s03 = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["identifier"][0]["value"] == "AQF-S03"
    )
    # The library file says: max_points "10", lower "6.6", upper "4.0", multiplier "1000".
    assert _ext(s03, "max-points")["valueDecimal"] == Decimal("10")
    assert str(_ext(s03, "lower-threshold")["valueDecimal"]) == "6.6"
    assert str(_ext(s03, "upper-threshold")["valueDecimal"]) == "4.0"
    assert _ext(s03, "multiplier")["valueDecimal"] == Decimal("1000")
    assert _ext(s03, "level")["valueCode"] == "ward"
    # Written as JSON numbers with their exact text (4.0 stays 4.0, not 4).
    assert '"valueDecimal": 4.0\n' in text


def test_a_published_framework_exports_active_measures_and_a_draft_draft_ones(db, tree):
    from qframe.frameworks.services import import_framework

    draft = import_framework(None, library("cquin-2023-24-acute"), tree.icb)
    statuses = {e["resource"]["status"] for e in framework_bundle(draft)["entry"]}
    assert statuses == {"draft"}
