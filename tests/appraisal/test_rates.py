"""The appraisal rate service: the data source for indicators with data_source "appraisal"."""

from datetime import date

import pytest

from qframe.appraisal.rates import (
    DATA_SOURCE,
    appraisal_rate,
    appraisal_rate_trends,
    appraisal_rates_for_period,
)
from qframe.frameworks.schemas import DATA_SOURCES

AS_OF = date(2026, 1, 15)


@pytest.fixture
def staffed(tree, make_staff, make_appraisal):
    """Ward A1: 2 of 4 appraised; ward A2: 1 of 1; line A itself: 0 of 1; Surgery A: 1 of 1."""
    boss = make_staff(tree.line_a, "medical", name="Clinical Director")
    done = make_staff(tree.ward_a)
    make_appraisal(done, boss, status="completed", meeting_date=date(2025, 6, 1))
    make_appraisal(
        done,
        boss,
        year="2024/25",
        due_date=date(2025, 2, 1),
        status="completed",
        meeting_date=date(2025, 2, 1),
    )  # a second one in the window still counts the person once
    edge = make_staff(tree.ward_a)
    make_appraisal(edge, boss, status="signed_off", meeting_date=date(2025, 1, 16))
    stale = make_staff(tree.ward_a)
    make_appraisal(stale, boss, status="completed", meeting_date=date(2025, 1, 15))
    planned = make_staff(tree.ward_a)
    make_appraisal(planned, boss, status="scheduled", meeting_date=date(2025, 12, 1))
    leaver = make_staff(tree.ward_a, left_on=date(2025, 12, 31))
    make_appraisal(leaver, boss, status="completed", meeting_date=date(2025, 6, 1))
    make_staff(tree.ward_a, start_date=date(2026, 2, 1))  # not yet in post on the day
    other_ward = make_staff(tree.ward_a2)
    make_appraisal(other_ward, boss, status="completed", meeting_date=date(2025, 7, 1))
    surgeon = make_staff(tree.line_a2, "medical")
    make_appraisal(surgeon, boss, status="signed_off", meeting_date=date(2025, 10, 1))
    outsider = make_staff(tree.other_ward)
    make_appraisal(outsider, boss, status="completed", meeting_date=date(2025, 10, 1))
    return tree


def test_a_wards_rate_counts_completed_appraisals_of_staff_in_post(staffed):
    assert appraisal_rate(staffed.ward_a.id, AS_OF) == (2, 4)


def test_a_service_line_counts_its_wards_and_its_own_staff(staffed):
    assert appraisal_rate(staffed.line_a.id, AS_OF) == (3, 6)


def test_a_provider_counts_every_service_line_below_it(staffed):
    rates = appraisal_rates_for_period(
        [staffed.trust_a.id, staffed.ward_a2.id, staffed.ward_b.id, staffed.other_ward.id], AS_OF
    )
    assert rates == {
        staffed.trust_a.id: (4, 7),
        staffed.ward_a2.id: (1, 1),
        staffed.ward_b.id: (0, 0),
        staffed.other_ward.id: (1, 1),
    }


def test_months_later_old_appraisals_lapse_and_the_new_starter_is_counted(staffed):
    assert appraisal_rate(staffed.ward_a.id, date(2026, 7, 1)) == (0, 5)


def test_the_trend_rises_in_the_month_the_appraisal_happened(staffed):
    (series,) = appraisal_rate_trends([staffed.ward_a2.id], AS_OF).values()
    assert [d for d, _, _ in series][:2] == [date(2025, 2, 28), date(2025, 3, 31)]
    assert series[-1][0] == AS_OF
    assert [(n, d) for _, n, d in series] == [(0, 1)] * 5 + [(1, 1)] * 7


def test_appraisal_is_a_data_source_frameworks_accept():
    assert DATA_SOURCE in DATA_SOURCES


def test_no_organisations_gives_no_rates(db):
    assert appraisal_rates_for_period([], AS_OF) == {}
