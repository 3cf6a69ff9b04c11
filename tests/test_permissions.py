"""One permission table (architecture.md rule 3): roles and capabilities live in qframe/auth.

These tests read the code as text, so they also hold for code written after them: a new view
that compares role names, lists roles, or reaches for the scope primitives fails here with the
line to change (see the README's "How to add a role").
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from qframe.auth.models import ROLES
from qframe.auth.permissions import CAPABILITIES, can_role, roles_with
from qframe.web.nav import NAV

QFRAME = Path(__file__).resolve().parents[1] / "qframe"
ACCESS_DIR = Path(__file__).parent / "access"
TEMPLATES = QFRAME.parent / "templates"

ROLE_COMPARISON = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*(==|!=)\s*['\"]")
# Scope primitives: only qframe/auth builds scope; features import qframe.auth.permissions.
SCOPE_PRIMITIVE = re.compile(r"qframe\.auth\.scope\b|\bscope_subquery\b|\bsees_everything\(")
ROLE_LIST_CHECK = re.compile(r"\broles_required\(|\bholds_any_role\(")
OUTSIDE_AUTH_ALLOWED: set[str] = set()  # roles_required is gone: nothing outside auth is excused


def _lines_outside_auth(pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in sorted(QFRAME.rglob("*.py")):
        name = path.relative_to(QFRAME).as_posix()
        if name.startswith("auth/") or name in OUTSIDE_AUTH_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                found.append(f"qframe/{name}:{number}: {line.strip()}")
    return found


def test_nothing_outside_auth_compares_role_names() -> None:
    found = _lines_outside_auth(ROLE_COMPARISON)
    assert found == [], "Ask can(user, capability) instead:\n" + "\n".join(found)


def test_no_template_compares_role_names() -> None:
    found = [
        f"{path.relative_to(TEMPLATES).as_posix()}:{number}: {line.strip()[:120]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_COMPARISON.search(line)
    ]
    assert found == [], "Ask can(current_user, capability) instead:\n" + "\n".join(found)


def test_no_view_checks_a_list_of_roles() -> None:
    found = _lines_outside_auth(ROLE_LIST_CHECK)
    assert found == [], "Use @requires(capability) from qframe.auth.permissions:\n" + "\n".join(
        found
    )


def test_nothing_outside_auth_uses_the_scope_primitives() -> None:
    found = _lines_outside_auth(SCOPE_PRIMITIVE)
    assert found == [], (
        "Import scope-aware loaders and clauses from qframe.auth.permissions:\n" + "\n".join(found)
    )


def test_every_role_has_exactly_one_entry_in_the_permission_table() -> None:
    assert set(CAPABILITIES) == set(ROLES)


def test_every_menu_entry_names_a_capability_some_role_holds() -> None:
    unknown = [item.endpoint for item in NAV if not roles_with(item.capability)]
    assert unknown == []


def test_only_finance_may_approve_a_reward_run_and_admin_may_not() -> None:
    # The two-person rule: approving is finance's alone (domain.md), not an admin override.
    assert roles_with("approve_rewards") == ("finance",)
    assert not can_role("admin", "approve_rewards")


def _access_tables() -> dict[str, Any]:
    sys.path.insert(0, str(ACCESS_DIR))
    routes: dict[str, Any] = {}
    for path in sorted(ACCESS_DIR.glob("*.py")):
        if path.stem == "route":
            continue
        spec = importlib.util.spec_from_file_location(f"perm_access_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        routes.update(module.ROUTES)
    return routes


def _capability(view: Any) -> str | None:
    while view is not None:
        if hasattr(view, "capability"):
            return str(view.capability)
        view = getattr(view, "__wrapped__", None)
    return None


def test_each_routes_capability_gives_exactly_the_roles_the_access_matrix_expects(
    app: Flask,
) -> None:
    # The access tables in tests/access were written by hand from the domain rules; the
    # permission table must agree with them route by route.
    table = _access_tables()
    disagreements = []
    for endpoint, view in app.view_functions.items():
        capability = _capability(view)
        if capability is None or endpoint not in table:
            continue
        expected = set(table[endpoint].allowed)
        if set(roles_with(capability)) != expected:
            disagreements.append(f"{endpoint}: {capability} != {sorted(expected)}")
    assert disagreements == []
