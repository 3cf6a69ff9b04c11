"""Shared fixtures: app, db (rolled back per test), client, login_as, factories, a standard tree.

The suite runs on SQLite by default and on PostgreSQL when QFRAME_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, request_finished, request_started
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import scoped_session, sessionmaker

from qframe.app import create_app
from qframe.auth.models import User
from qframe.auth.services import create_user
from qframe.database import has_unsaved_writes
from qframe.extensions import db as _db
from qframe.orgs.models import Organisation

PASSWORD = "correct horse battery staple"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


# Hypothesis profiles: `ci` (the default) runs each property test's own number of examples;
# `HYPOTHESIS_PROFILE=dev` caps every test at DEV_EXAMPLES for a fast inner loop. Neither has a
# per-example deadline: speed is measured by the benchmarks, and a busy machine must not turn a
# correct property into a failure (nor slow generation of its examples).
DEV_EXAMPLES = 10
_UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", **_UNTIMED)
settings.register_profile("dev", max_examples=DEV_EXAMPLES, **_UNTIMED)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On the dev profile, cap the tests that ask for more examples explicitly too."""
    if HYPOTHESIS_PROFILE != "dev":
        return
    for item in items:
        test = getattr(item, "obj", None)
        chosen = getattr(test, "_hypothesis_internal_use_settings", None)
        if chosen is not None and chosen.max_examples > DEV_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
                chosen, max_examples=DEV_EXAMPLES
            )


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("QFRAME_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def make_app(url: str, **overrides: Any) -> Flask:
    return create_app(
        {
            "QFRAME_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            **overrides,
        }
    )


def _fresh_globals(sender: Flask, **_extra: Any) -> None:
    # A real request starts from what is stored: save what the test set up (a fixture that
    # added rows without committing), so the request's own writes are all that it must commit.
    if has_unsaved_writes(_db.session()):
        _db.session.commit()
    g.__dict__.clear()


def _open_next_savepoint(sender: Flask, **_extra: Any) -> None:
    # The fixture's savepoint (a test artefact: a server opens a fresh transaction per request)
    # is opened as a request ends, so query-count tests measure only the page's own queries.
    _db.session.connection()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_app(database_url(tmp_path_factory.mktemp("db")))
    # Tests hold an app context, which requests then share; give each request a fresh `g`
    # (as a real server does), so a signed-in user is never cached from an earlier request.
    request_started.connect(_fresh_globals, application)
    request_finished.connect(_open_next_savepoint, application)
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database inside a transaction that is rolled back after the test.

    Services and views may commit: with `create_savepoint` their commits release savepoints
    inside the outer transaction, which the fixture throws away.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        # A plain Session: Flask-SQLAlchemy's own one would pick the engine, not this connection.
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        original, _db.session = _db.session, session
        try:
            yield _db
        finally:
            session.remove()
            outer.rollback()
            connection.close()
            _db.session = original


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Any):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    counter = iter(range(1, 100_000))

    def factory(
        kind: str, parent: Organisation | None = None, code: str | None = None, **fields: Any
    ) -> Organisation:
        n = next(counter)
        org = Organisation(
            code=code or f"T{kind[:2].upper()}{n:04d}",
            name=fields.pop("name", f"Test {kind} {n}"),
            kind=kind,
            parent=parent,
            **fields,
        )
        db.session.add(org)
        # Commit (a savepoint release inside the test's transaction) so that a request ending
        # in an error, whose handler rolls back, cannot take the test's setup with it.
        db.session.commit()
        return org

    return factory


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 100_000))

    def factory(
        role: str,
        orgs: list[Organisation] | tuple[Organisation, ...] = (),
        email: str | None = None,
    ) -> User:
        n = next(counter)
        user = create_user(
            None,
            email=email or f"{role}{n}@example.test",
            role=role,
            password=PASSWORD,
            org_codes=[o.code for o in orgs],
        )
        db.session.commit()  # see make_org
        return user

    return factory


@dataclass
class Tree:
    """A region: ICB → trusts A and B → service lines → wards, a practice, and a second ICB."""

    icb: Organisation
    trust_a: Organisation
    line_a: Organisation
    ward_a: Organisation
    ward_a2: Organisation
    line_a2: Organisation
    trust_b: Organisation
    line_b: Organisation
    ward_b: Organisation
    practice: Organisation
    other_icb: Organisation
    other_trust: Organisation
    other_ward: Organisation

    def scope_for(self, role: str) -> list[Organisation]:
        """The organisation each role is scoped to in the access tests (all cover ward_a)."""
        return {
            "admin": [],
            "commissioner": [self.icb],
            "finance": [self.icb],
            "provider_lead": [self.trust_a],
            "clinical_director": [self.line_a],
            "nurse_manager": [self.ward_a],
        }[role]


@pytest.fixture
def tree(make_org: Callable[..., Organisation]) -> Tree:
    icb = make_org("commissioner", name="Test ICB")
    trust_a = make_org("acute", icb, name="Trust A", contract_value_pence=100_000_000_00)
    line_a = make_org("service_line", trust_a, name="Medicine A")
    ward_a = make_org("ward", line_a, name="Ward A1")
    ward_a2 = make_org("ward", line_a, name="Ward A2")
    line_a2 = make_org("service_line", trust_a, name="Surgery A")
    trust_b = make_org("community", icb, name="Trust B", contract_value_pence=40_000_000_00)
    line_b = make_org("service_line", trust_b, name="District nursing B")
    ward_b = make_org("ward", line_b, name="Ward B1")
    practice = make_org("primary_care", icb, name="Practice P", list_size=8000)
    other_icb = make_org("commissioner", name="Other ICB")
    other_trust = make_org("acute", other_icb, name="Other Trust")
    other_line = make_org("service_line", other_trust, name="Other line")
    other_ward = make_org("ward", other_line, name="Other ward")
    return Tree(
        icb,
        trust_a,
        line_a,
        ward_a,
        ward_a2,
        line_a2,
        trust_b,
        line_b,
        ward_b,
        practice,
        other_icb,
        other_trust,
        other_ward,
    )


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user with the role and scope, and sign the test client in as them."""

    def login(role: str, scope: list[Organisation] | tuple[Organisation, ...] = ()) -> User:
        user = make_user(role, scope)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login
