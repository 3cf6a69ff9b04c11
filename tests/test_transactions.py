"""One transaction per request, command or job (architecture.md rule 2), enforced.

The suite's `db` fixture keeps each test inside one outer transaction; the request boundary's
commit releases a savepoint and its rollback rolls back to one, so what a request keeps and what
it throws away is observable here exactly as on a real server. `STRICT_TRANSACTIONS` (testing)
turns a commit outside the wrapper, or writes left uncommitted, into a failed request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask, abort
from sqlalchemy import select

from qframe.app import create_app
from qframe.cli import in_transaction
from qframe.extensions import db as _db
from qframe.orgs.models import Organisation
from qframe.web.transaction import TransactionMisuse, keep_even_if_refused

QFRAME = Path(__file__).resolve().parents[1] / "qframe"
# The only modules that may end a transaction: the three wrappers and the shared helpers.
HOMES = {
    "web/transaction.py",
    "web/errors.py",
    "cli.py",
    "scheduler/runner.py",
    "database.py",
}
ENDS = re.compile(r"\.(commit|rollback)\(\)")


def test_nothing_outside_the_wrappers_commits_or_rolls_back() -> None:
    offenders = [
        f"{path.relative_to(QFRAME)}:{number}: {line.strip()}"
        for path in sorted(QFRAME.rglob("*.py"))
        if path.relative_to(QFRAME).as_posix() not in HOMES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENDS.search(line)
    ]
    assert offenders == [], (
        "Views, services, commands and jobs never end a transaction: delete the commit() (the "
        "boundary commits) and use qframe.database.discard_changes() instead of rollback():\n"
        + "\n".join(offenders)
    )


def _org(code: str) -> Organisation:
    return Organisation(code=code, name=f"Org {code}", kind="commissioner")


def _stored(code: str) -> bool:
    return _db.session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None


@pytest.fixture
def broken_app(app: Flask, db: Any) -> Flask:
    """A second app on the same database, with views that test the boundary."""
    test_app = create_app(
        {
            "QFRAME_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
        }
    )

    @test_app.post("/adds/<code>")
    def adds(code: str):  # type: ignore[no-untyped-def]
        _db.session.add(_org(code))
        _db.session.flush()
        return "added"

    @test_app.post("/adds-then-refuses/<code>")
    def adds_then_refuses(code: str):  # type: ignore[no-untyped-def]
        _db.session.add(_org(code))
        return "refused", 409

    @test_app.post("/keeps-although-refused/<code>")
    def keeps_although_refused(code: str):  # type: ignore[no-untyped-def]
        _db.session.add(_org(code))
        keep_even_if_refused()
        return "refused", 401

    @test_app.post("/adds-then-fails/<code>")
    def adds_then_fails(code: str):  # type: ignore[no-untyped-def]
        _db.session.add(_org(code))
        _db.session.flush()
        abort(404)

    @test_app.post("/commits-itself/<code>")
    def commits_itself(code: str):  # type: ignore[no-untyped-def]
        _db.session.add(_org(code))
        _db.session.commit()  # the bug this test exists to catch
        return "added"

    @test_app.post("/writes-too-late/<code>")
    def writes_too_late(code: str):  # type: ignore[no-untyped-def]
        return "added"

    @test_app.teardown_request
    def _late_write(_error: BaseException | None) -> None:
        # Runs after the boundary committed: a write that nobody will ever commit.
        from flask import request

        if request.path.startswith("/writes-too-late/"):
            _db.session.add(_org(request.path.rsplit("/", 1)[1]))
            _db.session.flush()

    return test_app


def test_a_successful_request_commits_its_writes_so_a_later_failure_cannot_undo_them(
    broken_app: Flask,
) -> None:
    client = broken_app.test_client()
    assert client.post("/adds/TXOK1").status_code == 200
    assert client.post("/adds-then-fails/TXBAD1").status_code == 404
    # The failed request rolled back to the savepoint after the first request's commit: had the
    # first request only flushed, its row would have gone with the second's.
    assert _stored("TXOK1")
    assert not _stored("TXBAD1")


def test_a_refused_request_keeps_nothing_it_wrote(broken_app: Flask) -> None:
    assert broken_app.test_client().post("/adds-then-refuses/TXNO").status_code == 409
    assert not _stored("TXNO")


def test_a_refusal_that_must_be_remembered_is_kept_by_name(broken_app: Flask) -> None:
    client = broken_app.test_client()
    assert client.post("/keeps-although-refused/TXKEEP").status_code == 401
    assert client.post("/adds-then-fails/TXBAD2").status_code == 404
    assert _stored("TXKEEP")


def test_a_view_that_commits_by_itself_fails_the_request(broken_app: Flask) -> None:
    with pytest.raises(TransactionMisuse, match="committed by itself"):
        broken_app.test_client().post("/commits-itself/TXSELF")


def test_writes_the_boundary_never_commits_fail_the_request(broken_app: Flask) -> None:
    with pytest.raises(TransactionMisuse, match="never committed"):
        broken_app.test_client().post("/writes-too-late/TXLATE")
    assert not _stored("TXLATE")


def test_a_command_keeps_its_writes_only_when_it_succeeds(app: Flask, db: Any) -> None:
    @click.command()
    @click.argument("code")
    @click.option("--fail", is_flag=True)
    def add(code: str, fail: bool) -> None:
        _db.session.add(_org(code))
        _db.session.flush()
        if fail:
            raise click.ClickException("refused")

    add.callback = in_transaction(add.callback)  # type: ignore[arg-type]
    runner = app.test_cli_runner()
    assert runner.invoke(add, ["TXCLI1"]).exit_code == 0
    assert runner.invoke(add, ["TXCLI2", "--fail"]).exit_code == 1
    assert _stored("TXCLI1")
    assert not _stored("TXCLI2")
