"""Two proposals at the same instant for the same inputs produce one run.

Against a fresh file-based SQLite database (writers queue on BEGIN IMMEDIATE, so the second
finds the first's run), and against PostgreSQL when QFRAME_TEST_DATABASE_URL is set (both
solve, the unique live inputs hash refuses the second insert, which then returns the first).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from qframe.app import create_app
from qframe.extensions import db
from qframe.frameworks.models import Framework
from qframe.orgs.models import Organisation
from qframe.periods.models import Period
from qframe.rewards import services
from qframe.rewards.models import AllocationLine, AllocationRun
from qframe.rewards.policy import parse_policy
from qframe.rewards.services import propose_run


def _postgres_database(url: str) -> Iterator[str]:
    """A throwaway database beside the test one (the session's own tables stay untouched)."""
    base = make_url(url)
    name = f"{base.database}_race"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'race.sqlite3'}"
        return
    url = os.environ.get("QFRAME_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("set QFRAME_TEST_DATABASE_URL to a PostgreSQL database to race there too")
    yield from _postgres_database(url)


def test_two_simultaneous_identical_proposals_make_one_run(fresh_url, build):
    app = create_app({"QFRAME_ENV": "testing", "SQLALCHEMY_DATABASE_URI": fresh_url,
                      "SECRET_KEY": "x"})  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
        icb = Organisation(code="ICB1", name="ICB", kind="commissioner")
        trusts = [
            Organisation(code=f"T{n}", name=f"Trust {n}", kind="acute", parent=icb,
                         contract_value_pence=10_000_000_00 * n)
            for n in range(1, 4)
        ]  # fmt: skip
        db.session.add_all([icb, *trusts])
        db.session.flush()
        framework = build.make_framework(icb)
        build.make_scores(framework, [(t, {"entitlement_pence": 100_000_00}) for t in trusts])
        db.session.commit()
        framework_id = framework.id
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def propose() -> None:
        try:
            with app.app_context():
                # like two requests arriving together: each reads and proposes in one transaction
                barrier.wait(timeout=30)
                framework = db.session.get(Framework, framework_id)
                period = db.session.scalar(select(Period).where(Period.label == "2025/26"))
                proposal = propose_run(None, framework, period, 150_000_00, parse_policy({}))
                db.session.commit()
                results.append((proposal.run.id, proposal.created))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    workers = [threading.Thread(target=propose) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    try:
        assert errors == []
        assert len({run_id for run_id, _ in results}) == 1
        assert sorted(created for _, created in results) == [False, True]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 1
            assert db.session.scalar(select(func.count()).select_from(AllocationLine)) == 3
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_proposal_that_loses_the_race_returns_the_winners_run(
    db, framework, scores, period, monkeypatch
):
    first = propose_run(None, framework, period, 1_000_000_00, parse_policy({}))
    real, calls = services.live_run, []

    def blind_first_time(digest: str) -> Any:
        calls.append(digest)
        return None if len(calls) == 1 else real(digest)

    # the second proposal does not see the first until its insert hits the unique hash
    monkeypatch.setattr(services, "live_run", blind_first_time)
    second = propose_run(None, framework, period, 1_000_000_00, parse_policy({}))
    assert len(calls) == 2
    assert not second.created
    assert second.run.id == first.run.id
    assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 1
    assert db.session.scalar(select(func.count()).select_from(AllocationLine)) == 2
