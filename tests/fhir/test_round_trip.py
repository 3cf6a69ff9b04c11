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
KEPT = ("code", "title", "year", "setting", "domains", "indicators")


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
