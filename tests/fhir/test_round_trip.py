"""Round trips: framework → Measures → draft framework keeps every scoring rule."""

from __future__ import annotations

import pytest

from qframe.fhir.codes import dumps
from qframe.fhir.measure_import import import_measures
from qframe.fhir.measures import framework_bundle
from qframe.frameworks.demo import national_framework
from qframe.frameworks.io import export_framework
from qframe.frameworks.library import LIBRARY

SLUGS = [entry.slug for entry in LIBRARY]
# Everything a framework is scored by; payment amounts have no place in a FHIR Measure.
KEPT = ("code", "title", "year", "setting", "vbp", "domains", "indicators")


def _round_trip(db, tree, framework):  # type: ignore[no-untyped-def]
    result = import_measures(None, dumps(framework_bundle(framework)), tree.icb)
    return result


@pytest.mark.parametrize("slug", SLUGS)
def test_each_library_framework_comes_back_from_fhir_with_the_same_scoring_rules(
    db, tree, publish, slug
):
    original = publish(slug)
    result = _round_trip(db, tree, original)
    back = result.framework
    assert back.status == "draft"
    assert back.version == original.version + 1
    before, after = export_framework(original), export_framework(back)
    for key in KEPT:
        assert after[key] == before[key], key
    assert after["payment"]["model"] == before["payment"]["model"]
    assert any(note.startswith("payment:") for note in result.notes)


def test_the_demo_national_framework_comes_back_from_fhir_with_the_same_scoring_rules(
    db, tree, publish
):
    original = publish(national_framework())
    back = _round_trip(db, tree, original).framework
    before, after = export_framework(original), export_framework(back)
    assert len(before["indicators"]) == 75
    for key in KEPT:
        assert after[key] == before[key], key


def test_payment_amounts_are_reported_as_not_carried_and_left_at_nothing(db, tree, publish):
    # CQUIN acute stakes 1.25% of contract value; FHIR Measure cannot say so.
    original = publish("cquin-2023-24-acute")
    result = _round_trip(db, tree, original)
    assert export_framework(original)["payment"]["stake_percent"] is not None
    assert str(result.framework.payment.get("stake_percent")) == "0"
    assert "payment" in result.notes[0]


def _foreign_measure(name: str, scoring: str, improvement: str) -> dict:  # type: ignore[type-arg]
    """A Measure as another system (CMS-style eCQM tooling) writes it: no qframe extensions."""
    return {
        "resourceType": "Measure",
        "url": f"https://example.org/fhir/Measure/{name}",
        "name": name,
        "title": f"{name} from elsewhere",
        "status": "active",
        "effectivePeriod": {"start": "2025-04-01", "end": "2026-03-31"},
        "scoring": {"coding": [{"code": scoring}]},
        "improvementNotation": {"coding": [{"code": improvement}]},
        "group": [
            {
                "population": [
                    {
                        "code": {"coding": [{"code": "numerator"}]},
                        "criteria": {"language": "text/cql", "expression": "Numerator"},
                    }
                ]
            }
        ],
    }


def test_measures_from_another_system_become_a_draft_with_what_is_missing_reported(db, tree):
    import json

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "identifier": {"value": "EXT-QM"},
        "entry": [
            {"resource": _foreign_measure("CMS122", "proportion", "decrease")},
            {"resource": _foreign_measure("CMS165", "ratio", "increase")},
        ],
    }
    result = import_measures(None, json.dumps(bundle), tree.icb)
    data = export_framework(result.framework)
    assert (data["code"], data["year"], result.framework.status) == ("EXT-QM", "2025/26", "draft")
    got = [(i["code"], i["measure"], i["polarity"]) for i in data["indicators"]]
    assert got == [
        ("CMS122", "proportion", "lower_is_better"),
        ("CMS165", "rate", "higher_is_better"),
    ]
    assert any("CMS122: no thresholds or points" in note for note in result.notes)
