"""`qframe measurements import`: row count on success; the error report and exit 1 otherwise."""

from __future__ import annotations

from sqlalchemy import func, select

from qframe.measurements.models import Measurement

HEADER = "org_code,indicator_code,period,numerator,denominator,exclusions,value"


def write(tmp_path, *lines: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "measurements.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_imports_and_prints_the_row_count(db, runner, tree, aqf, tmp_path):
    path = write(
        tmp_path,
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,,",
        f"{tree.ward_a.code},AQF-S03,2025-04,3,812,,",
    )
    result = runner.invoke(args=["measurements", "import", str(path), "--framework", "AQF"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 rows imported into AQF v1")
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 2
    again = runner.invoke(args=["measurements", "import", str(path), "--framework", "AQF"])
    assert again.exit_code == 0
    assert "already imported" in again.output


def test_a_bad_file_prints_every_problem_and_exits_1_leaving_nothing(
    db, runner, tree, aqf, tmp_path
):
    path = write(
        tmp_path,
        f"{tree.trust_a.code},AQF-S01,2025/26 Q1,4012,4200,,",
        f"{tree.trust_a.code},AQF-S02,2025/26 Q1,12,1_000,,",
        f"{tree.trust_a.code},AQF-S99,2025/26 Q1,1,2,,",
    )
    result = runner.invoke(args=["measurements", "import", str(path), "--framework", "AQF"])
    assert result.exit_code == 1
    assert "Error: No measurements were imported" in result.output
    assert "3,denominator,not_a_count," in result.output
    assert "4,indicator_code,unknown_indicator," in result.output
    assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0


def test_an_unknown_framework_is_a_one_line_error(runner, tmp_path, db):
    result = runner.invoke(
        args=["measurements", "import", str(write(tmp_path)), "--framework", "NOPE"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Error: No published framework NOPE"
