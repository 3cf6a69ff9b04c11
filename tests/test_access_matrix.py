"""Every route is classified, and every role gets exactly the access its table entry gives."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ACCESS_DIR = Path(__file__).parent / "access"
sys.path.insert(0, str(ACCESS_DIR))
from route import ROLES, Route  # noqa: E402


def _load_tables() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for path in sorted(ACCESS_DIR.glob("*.py")):
        if path.stem == "route":
            continue
        spec = importlib.util.spec_from_file_location(f"access_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for endpoint, route in module.ROUTES.items():
            assert endpoint not in routes, f"{endpoint} classified twice"
            routes[endpoint] = route
    return routes


TABLE = _load_tables()


def test_every_route_in_the_app_is_classified_in_an_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - TABLE.keys())
    stale = sorted(TABLE.keys() - endpoints)
    assert not unclassified, f"routes missing from tests/access/*.py: {unclassified}"
    assert not stale, f"access tables name routes the app no longer has: {stale}"


def _cases() -> list[tuple[str, str | None]]:
    cases = []
    for endpoint, route in sorted(TABLE.items()):
        for role in (None, *ROLES):
            if route.method == "POST" and role in route.allowed:
                continue  # a permitted POST would act; feature tests cover it
            cases.append((endpoint, role))
    return cases


def _expected(route: Route, role: str | None, url: str) -> int:
    if role is None:
        if route.anonymous is not None:
            return route.anonymous
        if route.public:
            return route.ok
        return 401 if url.startswith("/api/") else 302
    return route.ok if role in route.allowed else route.denied


@pytest.mark.parametrize(("endpoint", "role"), _cases())
def test_role_gets_the_expected_status(endpoint, role, client, tree, make_user, login_as):
    route = TABLE[endpoint]
    tree.user_id = make_user("nurse_manager", [tree.ward_a]).id
    if role is not None:
        login_as(role, tree.scope_for(role))
    url = route.url(tree)
    with client.open(url, method=route.method, headers={"Accept": "text/html"}) as response:
        assert response.status_code == _expected(route, role, url), response.get_data(as_text=True)[
            :500
        ]
