"""Export → import → export through the database gives byte-identical Framework JSON."""

import json
from decimal import Decimal

import pytest

from qframe.frameworks import services
from qframe.frameworks.library import LIBRARY, LIBRARY_DIR
from qframe.frameworks.models import Framework

SLUGS = [entry.slug for entry in LIBRARY]


def reloaded(db, framework: Framework) -> Framework:
    """The framework read back from the database, not from the session's memory."""
    framework_id = framework.id
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Framework, framework_id)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_library_framework_round_trips_through_the_database(slug, db, tree):
    committed = (LIBRARY_DIR / next(e.filename for e in LIBRARY if e.slug == slug)).read_text()
    first = reloaded(db, services.import_library_framework(None, slug, tree.icb))
    exported = services.framework_json(first)
    second = reloaded(
        db, services.import_framework(None, services.parse_framework(exported), tree.icb)
    )
    assert (first.version, second.version) == (1, 2)
    assert exported == committed
    assert services.framework_json(second) == exported


def test_decimals_keep_the_text_they_were_written_with(db, tree, small):
    raw = small()
    raw["indicators"][0]["scoring"].update(lower="90.0", upper="95.50")
    raw["indicators"][0]["weight"] = "0.60"
    raw["payment"]["stake_percent"] = "1.250"
    framework = reloaded(
        db, services.import_framework(None, services.parse_framework(json.dumps(raw)), tree.icb)
    )
    out = json.loads(services.framework_json(framework))
    assert out["indicators"][0]["scoring"]["lower"] == "90.0"
    assert out["indicators"][0]["scoring"]["upper"] == "95.50"
    assert out["indicators"][0]["weight"] == "0.60"
    assert out["payment"]["stake_percent"] == "1.250"
    assert framework.indicators[0].lower == Decimal("90.0")


def test_replacing_a_value_with_an_equal_number_written_differently_keeps_the_new_text(
    db, tree, small
):
    framework = services.import_framework(
        None, services.parse_framework(json.dumps(small())), tree.icb
    )
    raw = small()
    raw["indicators"][0]["scoring"]["lower"] = "90.00"
    services.replace_draft(None, framework, services.parse_framework(json.dumps(raw)))
    out = json.loads(services.framework_json(reloaded(db, framework)))
    assert out["indicators"][0]["scoring"]["lower"] == "90.00"


def test_plain_json_numbers_are_read_exactly_and_written_as_decimal_strings(db, tree, small):
    raw = small()
    raw["indicators"][0]["scoring"].update(max_points=10, lower=90.1, upper=95)
    framework = services.import_framework(None, services.parse_framework(json.dumps(raw)), tree.icb)
    scoring = json.loads(services.framework_json(framework))["indicators"][0]["scoring"]
    assert scoring == {"method": "threshold", "max_points": "10", "lower": "90.1", "upper": "95"}


def test_an_exported_draft_edited_by_hand_imports_as_the_next_version(db, tree, small):
    first = services.import_framework(None, services.parse_framework(json.dumps(small())), tree.icb)
    edited = json.loads(services.framework_json(first))
    edited["indicators"][1]["scoring"]["lower"] = "7"
    second = services.import_framework(None, services.parse_framework(json.dumps(edited)), tree.icb)
    assert second.version == 2
    assert json.loads(services.framework_json(second)) == edited
