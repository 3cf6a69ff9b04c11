"""The real ISD Scotland QOF 2015/16 file imports whole: nothing lost, suppressed is missing."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qframe.frameworks.library import load_library_framework
from qframe.measurements.models import Measurement
from qframe.measurements.qof_scotland import import_qof_scotland
from qframe.orgs.models import Organisation, OrgRegister

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "qof-scotland-2015-16"
ACHIEVEMENT = DATA / "practice_indicator_achievement_2015_16.csv"


def published_rows() -> list[dict[str, str]]:
    with ACHIEVEMENT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def qof(framework):  # type: ignore[no-untyped-def]
    return framework("qof-scotland-2015-16")


def test_the_published_file_loads_with_every_row_accounted_for(db, qof):
    rows = published_rows()
    measures = {
        i["code"]: i["measure"]
        for i in load_library_framework("qof-scotland-2015-16")["indicators"]
    }
    yes_no = [r for r in rows if measures[r["indicator"]] == "yes_no"]
    suppressed = [
        r
        for r in rows
        if r["num_den_flag"] == "suppressed_lt5" and measures[r["indicator"]] != "yes_no"
    ]
    full = [r for r in yes_no if Decimal(r["points_achieved"]) == Decimal(r["points_available"])]

    result = import_qof_scotland(None, qof, ACHIEVEMENT)

    count = lambda *where: db.session.scalar(  # noqa: E731
        select(func.count())
        .select_from(Measurement)
        .where(Measurement.framework_id == qof.id, *where)
    )
    assert result.rows == count() == len(rows)
    assert result.missing == count(Measurement.missing.is_(True)) == len(suppressed)
    assert count(Measurement.missing.is_(True), Measurement.numerator.is_not(None)) == 0
    assert result.yes_no == count(Measurement.value.is_not(None)) == len(yes_no)
    assert result.yes == count(Measurement.value == Decimal(1)) == len(full)
    counted = len(rows) - len(yes_no) - len(suppressed)
    assert result.counted == count(Measurement.denominator.is_not(None)) == counted
    assert result.practices_created == len({r["practice_code"] for r in rows})


def test_numbers_are_the_published_ones_and_dash_zero_is_zero(db, qof):
    import_qof_scotland(None, qof, ACHIEVEMENT)
    rows = published_rows()
    sample = next(r for r in rows if r["num_den_flag"] == "" and r["numerator"])
    dash = next(
        r
        for r in rows
        if r["num_den_flag"] == "dash_zero" and not r["indicator"].startswith(("CS", "SMOK"))
    )

    def stored(row):  # type: ignore[no-untyped-def]
        return db.session.scalars(
            select(Measurement)
            .join(Measurement.organisation)
            .join(Measurement.indicator)
            .where(Organisation.code == row["practice_code"])
            .where(Measurement.indicator.has(code=row["indicator"]))
        ).one()

    got = stored(sample)
    assert (got.numerator, got.denominator) == (
        int(sample["numerator"]),
        int(sample["denominator"]),
    )
    zero = stored(dash)
    assert (zero.numerator, zero.denominator, zero.missing) == (0, 0, False)


def test_practices_get_their_list_size_and_registers_from_the_files_beside_it(db, qof):
    import_qof_scotland(None, qof, ACHIEVEMENT)
    with (DATA / "practice_lookup_2015_16.csv").open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    practice = db.session.scalars(
        select(Organisation).where(Organisation.code == first["practice_code"])
    ).one()
    assert (practice.kind, practice.list_size) == ("primary_care", int(first["list_size"]))
    assert practice.parent.code == "SCOTLAND"
    groups = set(
        db.session.scalars(
            select(OrgRegister.group).where(OrgRegister.organisation_id == practice.id)
        )
    )
    assert {"AST", "COPD", "STIA", "DM"} <= groups


def test_importing_it_again_changes_nothing(db, qof):
    import_qof_scotland(None, qof, ACHIEVEMENT)
    again = import_qof_scotland(None, qof, ACHIEVEMENT)
    assert again.outcome.already is not None
    assert again.practices_created == 0


def test_the_cli_converts_a_slice_of_the_file_and_reports_the_counts(runner, qof, tmp_path):
    lines = ACHIEVEMENT.read_text(encoding="utf-8").splitlines()[:200]
    (tmp_path / ACHIEVEMENT.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(DATA / "practice_lookup_2015_16.csv", tmp_path)
    result = runner.invoke(
        args=["measurements", "import-qof-scotland", str(tmp_path / ACHIEVEMENT.name)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("199 rows imported into QOF Scotland")
    assert "suppressed by ISD (denominator under 5) recorded as missing, not zero" in result.output
