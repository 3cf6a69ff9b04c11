"""`qframe frameworks …`: import, import-library, publish, export, list, update, close."""

import json

from sqlalchemy import select

from qframe.frameworks import services
from qframe.frameworks.library import LIBRARY, LIBRARY_DIR
from qframe.frameworks.models import Framework


def test_import_prints_code_and_version_and_the_next_import_gets_the_next_version(
    runner, tmp_path, small_json, tree
):
    path = tmp_path / "tqf.json"
    path.write_text(small_json())
    first = runner.invoke(args=["frameworks", "import", str(path), "--owner", tree.icb.code])
    second = runner.invoke(args=["frameworks", "import", str(path)])
    assert (first.exit_code, first.output) == (0, "TQF 1\n")
    assert (second.exit_code, second.output) == (0, "TQF 2\n")
    assert services.find_framework("TQF", 2).owner_id == tree.icb.id  # inherited owner


def test_import_with_an_unknown_owner_fails_and_writes_nothing(
    runner, tmp_path, small_json, counts
):
    path = tmp_path / "tqf.json"
    path.write_text(small_json())
    before = counts()
    result = runner.invoke(args=["frameworks", "import", str(path), "--owner", "NOPE"])
    assert result.exit_code == 1
    assert result.output == "Error: No organisation NOPE\n"
    assert counts() == before


def test_import_library_imports_one_or_all(runner, db, tree):
    one = runner.invoke(args=["frameworks", "import-library", "qof-scotland-2015-16"])
    assert (one.exit_code, one.output) == (0, "QOF-SCO 1\n")
    everything = runner.invoke(args=["frameworks", "import-library", "--all"])
    assert everything.exit_code == 0
    assert len(everything.output.splitlines()) == len(LIBRARY)
    assert "QOF-SCO 2" in everything.output.splitlines()


def test_import_library_refuses_an_unknown_slug_and_writes_nothing(runner, counts):
    before = counts()
    result = runner.invoke(args=["frameworks", "import-library", "qof-mars"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No library framework qof-mars")
    assert counts() == before


def test_import_library_needs_a_slug_or_all(runner):
    result = runner.invoke(args=["frameworks", "import-library"])
    assert result.exit_code == 2
    assert "Give one library slug or --all" in result.output


def test_publish_and_export_to_a_file_round_trip(runner, tmp_path, tree):
    runner.invoke(
        args=["frameworks", "import-library", "acute-quality-2025-26", "--owner", tree.icb.code]
    )
    published = runner.invoke(args=["frameworks", "publish", "AQF"])
    assert (published.exit_code, published.output) == (0, "AQF 1 published\n")
    out = tmp_path / "aqf.json"
    exported = runner.invoke(args=["frameworks", "export", "AQF", "--version", "1", "-o", str(out)])
    assert exported.exit_code == 0
    assert out.read_text() == (LIBRARY_DIR / "acute-quality-2025-26.json").read_text()
    to_stdout = runner.invoke(args=["frameworks", "export", "AQF"])
    assert to_stdout.output == out.read_text()


def test_publishing_an_incomplete_framework_fails_with_the_report(runner, db, tree):
    runner.invoke(
        args=["frameworks", "import-library", "qof-england-2023-24", "--owner", tree.icb.code]
    )
    result = runner.invoke(args=["frameworks", "publish", "QOF-ENG"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Error: QOF-ENG v1 cannot be published yet")
    assert lines[1] == "row,column,code,message"
    assert any(",indicators[1].scoring.lower,missing_threshold," in line for line in lines)
    stmt = select(Framework.status).where(Framework.code == "QOF-ENG")
    assert db.session.scalar(stmt) == "draft"


def test_export_of_an_unknown_framework_fails_without_writing_a_file(runner, tmp_path):
    out = tmp_path / "none.json"
    result = runner.invoke(args=["frameworks", "export", "NOPE", "-o", str(out)])
    assert (result.exit_code, result.output) == (1, "Error: No framework NOPE\n")
    assert not out.exists()


def test_update_replaces_a_draft_from_a_file(runner, tmp_path, small, make_draft):
    draft = make_draft()
    raw = small(title="Renamed by file")
    path = tmp_path / "tqf.json"
    path.write_text(json.dumps(raw))
    result = runner.invoke(args=["frameworks", "update", "TQF", str(path)])
    assert (result.exit_code, result.output) == (0, "TQF 1 updated\n")
    assert draft.title == "Renamed by file"


def test_update_with_another_framework_s_file_is_refused(runner, tmp_path, small, make_draft):
    make_draft()
    path = tmp_path / "other.json"
    path.write_text(json.dumps(small(code="OTHER")))
    result = runner.invoke(args=["frameworks", "update", "TQF", str(path)])
    assert result.exit_code == 1
    assert "code_mismatch" in result.output


def test_close_and_list(runner, make_published):
    make_published()
    assert runner.invoke(args=["frameworks", "close", "TQF"]).output == "TQF 1 closed\n"
    listing = runner.invoke(args=["frameworks", "list"]).output.split()
    assert listing[:4] == ["TQF", "1", "closed", "2025/26"]
