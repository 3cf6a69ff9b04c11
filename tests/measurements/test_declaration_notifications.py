"""A declaration tells the commissioners over the provider that it waits for their approval."""

from __future__ import annotations

from sqlalchemy import select

from qframe.extensions import db
from qframe.measurements.declarations import declare
from qframe.measurements.services import import_csv
from qframe.notifications.models import Notification
from qframe.periods.models import get_or_create_period

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value"
# SHMI (AQF-E05) is a ratio: observed deaths and the file's `expected` column (expected deaths).
PROVIDER_CODES = ("AQF-S01", "AQF-S02", "AQF-S05", "AQF-E01", "AQF-E04", "AQF-X03")


def quarter_file(org) -> bytes:  # type: ignore[no-untyped-def]
    """Every provider-level value of AQF for 2025/26 Q1, so the quarter can be declared."""
    lines = [f"{org.code},{c},2025/26 Q1,5,10,,," for c in PROVIDER_CODES]
    lines.append(f"{org.code},AQF-E05,2025/26 Q1,404,,,,400.0")
    return ("\n".join([f"{HEADER},expected", *lines]) + "\n").encode()


def told(user):  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_a_declaration_reaches_the_icb_commissioner_and_not_other_icbs_or_the_declarer(
    tree, aqf, make_user
):
    lead = make_user("provider_lead", [tree.trust_a])
    commissioner = make_user("commissioner", [tree.icb])
    elsewhere = make_user("commissioner", [tree.other_icb])
    finance = make_user("finance", [tree.icb])
    import_csv(lead, aqf, quarter_file(tree.trust_a))
    declare(lead, aqf, tree.trust_a, get_or_create_period("2025/26 Q1"))
    (notice,) = told(commissioner)
    assert notice.title == f"{tree.trust_a.name} declared {aqf.code} 2025/26 Q1 complete"
    assert notice.link.startswith(f"/measurements/manage/frameworks/{aqf.id}/completeness")
    assert told(elsewhere) == []
    assert told(lead) == []
    assert told(finance) == []
