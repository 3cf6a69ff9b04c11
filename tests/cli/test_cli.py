"""The qframe command: users, organisations and the demo region."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from qframe.auth.models import User
from qframe.extensions import db
from qframe.orgs.models import Organisation


def test_users_create_reads_the_password_from_stdin(runner, tree):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "CD@Example.test",
            "--role",
            "clinical_director",
            "--org",
            tree.line_a.code,
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cd@example.test"))
    assert user.scope_orgs == [tree.line_a]


def test_users_create_with_an_unknown_role_exits_1_with_one_clear_line(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.test", "--role", "king", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 1
    assert "Error: The user was not created" in result.output
    assert "unknown_role" in result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.test")) is None


def test_orgs_import_reports_every_problem_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("code,name,kind,parent_code\nA1,Ward,ward,NOPE\nB1,Thing,castle,\n")
    result = runner.invoke(args=["orgs", "import", str(path)])
    assert result.exit_code == 1
    assert "missing_parent" in result.output
    assert "unknown_kind" in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_small_demo_loads_a_realistic_region_and_prints_logins(runner):
    result = runner.invoke(args=["demo", "--scale", "small", "--seed", "7"])
    assert result.exit_code == 0, result.output
    icbs = {
        o.code: o
        for o in db.session.scalars(select(Organisation).where(Organisation.kind == "commissioner"))
    }
    # The region (QF1), and a small second ICB (QF2) for cross-ICB access (issue 17, item 8).
    assert sorted(icbs) == ["QF1", "QF2"]
    kinds = Counter(o.kind for o in icbs["QF1"].children)
    assert kinds["acute"] == 3
    assert kinds["community"] == 2
    assert kinds["primary_care"] == 30
    assert Counter(o.kind for o in icbs["QF2"].children) == {"acute": 1, "primary_care": 2}
    trusts = [o for o in icbs["QF1"].children if o.kind == "acute"]
    for trust in trusts:
        assert 6 <= len(trust.children) <= 8
        assert all(3 <= len(line.children) <= 6 for line in trust.children)
    practices = db.session.scalars(
        select(Organisation).where(Organisation.kind == "primary_care")
    ).all()
    assert all(p.list_size and p.registers for p in practices)
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {
        "admin",
        "commissioner",
        "finance",
        "clinical_director",
        "nurse_manager",
        "provider_lead",
    }
    assert "password for all" in result.output
    assert "nurse.manager@demo.qframe.test" in result.output
    assert "commissioner.south@demo.qframe.test" in result.output
    assert "finance.south@demo.qframe.test" in result.output


def test_demo_if_empty_leaves_an_existing_database_alone(runner, tree):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "already has data" in result.output
