"""Real data: QOF Scotland 2015/16 imported and scored through qframe's own paths, compared
with ISD Scotland's published points per practice and indicator, and per practice."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from qframe.extensions import db as _db
from qframe.frameworks.models import Indicator
from qframe.frameworks.services import import_library_framework, publish_framework
from qframe.measurements.qof_scotland import import_qof_scotland
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.scoring.models import ProviderScore, Score
from qframe.scoring.runs import score_period

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "qof-scotland-2015-16"
TOLERANCE = 1e-6


@pytest.fixture(autouse=True)
def _the_data_set_is_present() -> None:
    # CI always has ../shared/data: a missing data set is a failure that says what is missing.
    if not DATA.is_dir():
        pytest.fail(f"{DATA} is missing: copy the shared QOF Scotland 2015-16 data set there")


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_qof_scotland_points_are_reproduced_row_by_row_and_practice_totals_are_explained(db):
    """One import and scoring run (it is the slow part), checked two ways."""
    stored, totals = import_and_score()
    check_rows(stored)
    check_totals(stored, totals)


def import_and_score():  # type: ignore[no-untyped-def]
    """Library framework → publish → ISD file through import-qof-scotland → score_period."""
    framework = publish_framework(
        None, import_library_framework(None, "qof-scotland-2015-16", None)
    )
    import_qof_scotland(None, framework, DATA / "practice_indicator_achievement_2015_16.csv")
    period = _db.session.scalar(select(Period).where(Period.label == framework.year))
    run = score_period(None, framework, period)
    print(f"\nscore_period: {run.counts['scores']:,} scores in {run.counts['seconds']} s")
    stored = {
        (org, code): (status, points, measure)
        for org, code, status, points, measure in _db.session.execute(
            select(Organisation.code, Indicator.code, Score.status, Score.points, Indicator.measure)
            .join(Organisation, Organisation.id == Score.organisation_id)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .where(Score.run_id == run.id)
        )
    }
    totals = dict(
        _db.session.execute(
            select(Organisation.code, ProviderScore.points)
            .join(Organisation, Organisation.id == ProviderScore.organisation_id)
            .where(ProviderScore.run_id == run.id)
        ).all()
    )
    return stored, totals


def check_rows(stored) -> None:  # type: ignore[no-untyped-def]
    """Every checkable row matches to 1e-6 except practice 78190's 22 board adjustments."""
    published = read("practice_indicator_achievement_2015_16.csv")
    assert len(stored) == len(published)
    checkable = [r for r in published if r["numerator"] and r["denominator"]]
    checkable = [r for r in checkable if int(r["denominator"]) > 0]
    mismatches = []
    for row in checkable:
        status, points, _measure = stored[(row["practice_code"], row["indicator"])]
        assert status == "scored"
        if abs(points - float(row["points_achieved"])) > TOLERANCE:
            mismatches.append((row, points))
    matched = len(checkable) - len(mismatches)
    print(f"\nQOF Scotland 2015/16: {matched:,} of {len(checkable):,} checkable rows match to 1e-6")
    for row, points in mismatches:
        print(
            f"  {row['practice_code']} {row['indicator']}: published {row['points_achieved']}"
            f" qframe {points!r}"
        )
    # ISD: figures include "notifications of adjustments from NHS Boards"; one practice's.
    assert len(mismatches) == 22
    assert {row["practice_code"] for row, _ in mismatches} == {"78190"}
    assert all(float(row["points_achieved"]) > points for row, points in mismatches)


def check_totals(stored, totals) -> None:  # type: ignore[no-untyped-def]
    """Practice totals differ only by rows the published data cannot reproduce."""
    published_rows = read("practice_indicator_achievement_2015_16.csv")
    published_totals = {r["practice_code"]: r for r in read("practice_totals_2015_16.csv")}
    # Why a stored row can differ from ISD's, judged from what was imported and scored.
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    explained: dict[str, list[float]] = defaultdict(list)
    for row in published_rows:
        status, points, measure = stored[(row["practice_code"], row["indicator"])]
        gap = float(row["points_achieved"]) - points
        if abs(gap) <= TOLERANCE:
            continue
        if status == "missing":
            reason = "suppressed by ISD (imported as missing)"
        elif measure == "yes_no":
            reason = "partial award on an all-or-nothing indicator (imported as 0)"
        elif status == "no_eligible":
            reason = "points awarded with no eligible patients"
        else:
            reason = "board adjustment"
        reasons[row["practice_code"]][reason] += 1
        explained[row["practice_code"]].append(gap)
    compared = sorted(set(published_totals) & set(totals))
    matching = 0
    for code in compared:
        gap = float(published_totals[code]["points_achieved_total"]) - totals[code]
        assert gap == pytest.approx(math.fsum(explained[code]), abs=TOLERANCE), code
        matching += abs(gap) <= TOLERANCE
    by_reason = Counter(reason for counts in reasons.values() for reason in counts)
    rows_by_reason = sum((counts for counts in reasons.values()), Counter())
    print(
        f"\nPractice totals: {matching} of {len(compared)} practices match to 1e-6 "
        f"({len(published_totals) - len(compared)} practices in the totals file have no rows)"
    )
    for reason, practices in by_reason.most_common():
        print(f"  {reason}: {rows_by_reason[reason]} rows in {practices} practices")
    assert set(totals) <= set(published_totals)
    assert matching == len(compared) - len(reasons)
    assert by_reason["board adjustment"] == 1  # practice 78190 alone
    # Pinned on the published 2015-16 files (README "Validated on real data"): a change in any
    # count means the import or the scoring of the real data set changed.
    assert (matching, len(compared), len(published_totals) - len(compared)) == (39, 870, 21)
    assert {r: (rows_by_reason[r], by_reason[r]) for r in by_reason} == {
        "suppressed by ISD (imported as missing)": (5040, 829),
        "partial award on an all-or-nothing indicator (imported as 0)": (9, 9),
        "board adjustment": (22, 1),
        "points awarded with no eligible patients": (1, 1),
    }
