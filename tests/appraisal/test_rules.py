"""Pure appraisal rules: registration formats, revalidation, reminders, standing, the rate."""

from datetime import date

import pytest

from qframe.appraisal import rules
from qframe.appraisal.rules import StaffFacts

D = date


@pytest.mark.parametrize(
    ("group", "body", "number"),
    [
        ("medical", "GMC", "1234567"),
        ("nursing", "NMC", "12A3456E"),
        ("midwifery", "NMC", "99Z0000A"),
        ("ahp", "HCPC", "PH123456"),
        ("ahp", "HCPC", "OT12345"),
        ("other", "", ""),
    ],
)
def test_well_formed_registrations_are_accepted(group, body, number):
    assert rules.registration_problems(group, body, number) == []


@pytest.mark.parametrize(
    ("group", "body", "number", "column"),
    [
        ("medical", "GMC", "123456", "registration_number"),  # 6 digits
        ("medical", "GMC", "12345678", "registration_number"),  # 8 digits
        ("medical", "GMC", "12345a7", "registration_number"),
        ("medical", "GMC", "１２３４５６７", "registration_number"),  # full-width digits
        ("medical", "GMC", "", "registration_number"),
        ("nursing", "NMC", "12A3456", "registration_number"),  # no final letter
        ("nursing", "NMC", "1A23456E", "registration_number"),
        ("nursing", "NMC", "12A3456E1", "registration_number"),
        ("midwifery", "NMC", "AB123456", "registration_number"),
        ("ahp", "HCPC", "P123456", "registration_number"),  # one letter
        ("ahp", "HCPC", "PH12", "registration_number"),
        ("ahp", "HCPC", "12345678", "registration_number"),
        ("medical", "NMC", "12A3456E", "registration_body"),  # doctors are on the GMC register
        ("nursing", "", "", "registration_body"),
        ("ahp", "GMC", "1234567", "registration_body"),
        ("other", "XYZ", "1", "registration_body"),
    ],
)
def test_malformed_registrations_are_refused_on_the_right_field(group, body, number, column):
    problems = rules.registration_problems(group, body, number)
    assert [c for c, _ in problems] == [column]


def test_the_number_format_message_shows_an_example():
    ((_, message),) = rules.registration_problems("nursing", "NMC", "12345678")
    assert "12A3456E" in message


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2020, 6, 30), 60, D(2025, 6, 30)),
    ],
)
def test_adding_months_clamps_to_the_end_of_short_months(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("group", "last", "due"),
    [
        ("medical", D(2021, 5, 10), D(2026, 5, 10)),
        ("nursing", D(2023, 2, 1), D(2026, 2, 1)),
        ("midwifery", D(2024, 2, 29), D(2027, 2, 28)),
        ("ahp", D(2024, 1, 1), None),
        ("other", D(2024, 1, 1), None),
        ("medical", None, None),
    ],
)
def test_doctors_revalidate_every_five_years_and_nurses_and_midwives_every_three(group, last, due):
    assert rules.revalidation_due(group, last) == due


TODAY = D(2026, 1, 15)


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [
        (200, None),
        (91, None),
        (90, "90"),
        (31, "90"),
        (30, "30"),
        (1, "30"),
        (0, "30"),
        (-1, "overdue"),
        (-400, "overdue"),
    ],
)
def test_reminders_fall_at_90_and_30_days_and_when_overdue(days_left, threshold):
    from datetime import timedelta

    assert rules.reminder_threshold(TODAY + timedelta(days=days_left), TODAY) == threshold


def test_no_due_date_means_no_reminder():
    assert rules.reminder_threshold(None, TODAY) is None


@pytest.mark.parametrize(
    ("status", "meeting", "counts"),
    [
        ("completed", D(2025, 1, 16), True),  # first day of the 12-month window
        ("completed", D(2025, 1, 15), False),  # exactly a year before: outside
        ("signed_off", D(2026, 1, 15), True),  # on the day itself
        ("completed", D(2026, 1, 16), False),  # in the future
        ("scheduled", D(2025, 6, 1), False),
        ("not_started", D(2025, 6, 1), False),
        ("completed", None, False),
    ],
)
def test_the_rate_counts_completed_appraisals_met_in_the_last_12_months(status, meeting, counts):
    assert rules.counts_for_rate(status, meeting, TODAY) is counts


def test_the_rate_denominator_is_staff_in_post_on_the_day():
    staff = [
        StaffFacts(D(2020, 1, 1), None, (D(2025, 6, 1),)),  # appraised
        StaffFacts(D(2020, 1, 1), None, (D(2024, 6, 1),)),  # appraised too long ago
        StaffFacts(D(2020, 1, 1), D(2025, 12, 31), (D(2025, 6, 1),)),  # has left
        StaffFacts(D(2026, 1, 16), None, ()),  # not started yet
        StaffFacts(D(2026, 1, 15), None, ()),  # started today
    ]
    assert rules.count_appraised(staff, TODAY) == (1, 3)


def test_nobody_in_post_gives_zero_over_zero():
    assert rules.count_appraised([], TODAY) == (0, 0)


def test_the_trend_is_eleven_month_ends_and_then_the_day_itself():
    days = rules.trend_dates(D(2026, 3, 10))
    assert len(days) == 12
    assert days[0] == D(2025, 4, 30)
    assert days[-2:] == [D(2026, 2, 28), D(2026, 3, 10)]


@pytest.mark.parametrize(
    ("start", "last", "open_due", "state", "due"),
    [
        (D(2015, 1, 1), D(2025, 6, 1), None, "done", D(2026, 6, 1)),
        # An open appraisal still to be completed is due, not done, though the last was recent.
        (D(2015, 1, 1), D(2025, 6, 1), D(2026, 5, 1), "due", D(2026, 5, 1)),
        (D(2015, 1, 1), D(2025, 6, 1), D(2026, 1, 16), "due", D(2026, 1, 16)),  # due tomorrow
        (D(2015, 1, 1), D(2025, 6, 1), D(2026, 1, 14), "overdue", D(2026, 1, 14)),
        (D(2015, 1, 1), D(2024, 12, 1), None, "overdue", D(2025, 12, 1)),
        (D(2015, 1, 1), None, D(2026, 3, 1), "due", D(2026, 3, 1)),
        (D(2025, 9, 1), None, None, "due", D(2026, 9, 1)),  # new starter: a year to go
        (D(2024, 9, 1), None, None, "overdue", D(2025, 9, 1)),
        (D(2015, 1, 1), D(2025, 1, 15), D(2026, 1, 15), "due", D(2026, 1, 15)),
    ],
)
def test_appraisal_standing(start, last, open_due, state, due):
    assert rules.appraisal_standing(TODAY, start, last, open_due) == rules.Standing(state, due)


@pytest.mark.parametrize(
    ("rows", "last_done_year", "expected"),
    [
        ([], None, None),
        ([("2025/26", D(2025, 9, 1))], None, D(2025, 9, 1)),
        ([("2023/24", D(2023, 9, 1)), ("2025/26", D(2025, 9, 1))], "2024/25", D(2025, 9, 1)),
        ([("2023/24", D(2023, 9, 1))], "2024/25", None),  # overtaken by a later appraisal
    ],
)
def test_an_open_appraisal_older_than_a_completed_one_no_longer_counts(
    rows, last_done_year, expected
):
    assert rules.current_open_due(rows, last_done_year) == expected


@pytest.mark.parametrize(
    ("group", "due", "state"),
    [
        ("ahp", D(2026, 1, 1), "not_required"),
        ("other", None, "not_required"),
        ("medical", None, "unknown"),
        ("medical", D(2026, 6, 1), "ok"),
        ("nursing", D(2026, 4, 15), "due"),
        ("midwifery", D(2026, 1, 14), "overdue"),
    ],
)
def test_revalidation_standing(group, due, state):
    assert rules.revalidation_standing(group, due, TODAY) == state


YEAR = {"year_start": D(2025, 4, 1), "year_end": D(2026, 3, 31), "today": TODAY}


@pytest.mark.parametrize(
    ("staff_start", "due", "meeting", "status", "columns"),
    [
        (D(2015, 1, 1), D(2025, 9, 1), None, "not_started", []),
        (D(2015, 1, 1), D(2025, 9, 1), D(2025, 9, 3), "completed", []),
        (D(2015, 1, 1), D(2027, 9, 1), None, "not_started", ["due_date"]),
        (D(2015, 1, 1), D(2025, 3, 31), None, "not_started", ["due_date"]),
        (D(2025, 10, 1), D(2025, 9, 1), None, "not_started", ["due_date"]),
        (D(2025, 10, 1), D(2025, 11, 1), D(2025, 9, 30), "completed", ["meeting_date"]),
        (D(2015, 1, 1), D(2025, 9, 1), D(2025, 3, 30), "completed", ["meeting_date"]),
        (D(2015, 1, 1), D(2025, 9, 1), None, "scheduled", ["meeting_date"]),
        (D(2015, 1, 1), D(2025, 9, 1), D(2026, 2, 1), "completed", ["meeting_date"]),
        (D(2015, 1, 1), D(2025, 9, 1), D(2026, 2, 1), "scheduled", []),
    ],
)
def test_appraisal_dates_must_be_in_order(staff_start, due, meeting, status, columns):
    problems = rules.appraisal_date_problems(
        staff_start=staff_start, due=due, meeting=meeting, status=status, **YEAR
    )
    assert [c for c, _ in problems] == columns


@pytest.mark.parametrize(
    ("start", "left", "revalidated", "columns"),
    [
        (D(2020, 1, 1), None, D(2024, 1, 1), []),
        (D(2026, 1, 16), None, None, ["start_date"]),
        (D(2020, 1, 1), D(2019, 12, 31), None, ["left_on"]),
        (D(2020, 1, 1), None, D(2026, 2, 1), ["revalidated_on"]),
    ],
)
def test_staff_dates_cannot_be_in_the_future_or_out_of_order(start, left, revalidated, columns):
    assert [c for c, _ in rules.staff_date_problems(TODAY, start, left, revalidated)] == columns


def test_a_development_activity_cannot_be_due_before_its_appraisal_year():
    assert rules.pdp_date_problems(D(2025, 4, 1), D(2025, 3, 31))
    assert rules.pdp_date_problems(D(2025, 4, 1), D(2025, 4, 1)) == []
    assert rules.pdp_date_problems(D(2025, 4, 1), None) == []
