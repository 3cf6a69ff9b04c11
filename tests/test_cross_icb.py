"""Two ICBs: neither ICB's commissioner nor its finance user sees the other's data.

The `tree` fixture is ICB A (with an empty "Other ICB" beside it); `region_b` mirrors its
shape under "Other ICB". Each case builds one side's providers, score run, allocation runs,
budget and staff with the access tables' own builders, signs in as the other side's
commissioner or finance user and asserts: object pages answer 404 (or the route's refusal for a
role with no such pages at all), and lists and CSV exports answer as for any user of that role
while naming none of the other side's organisations, by name or by code.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ACCESS_DIR = Path(__file__).parent / "access"
sys.path.insert(0, str(ACCESS_DIR))
from route import Route  # noqa: E402

from tests.conftest import Tree  # noqa: E402


def _table() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for path in sorted(ACCESS_DIR.glob("*.py")):
        if path.stem == "route":
            continue
        spec = importlib.util.spec_from_file_location(f"cross_icb_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        routes.update(module.ROUTES)
    return routes


TABLE = _table()

# Pages of one object of the other ICB: providers, score runs, allocation runs, budgets, staff.
OBJECT_PAGES = (
    "orgs.show",
    "scoring.scorecard_page",
    "scoring.scorecard_csv",
    "scoring.ward_page",
    "scoring_manage.overview",
    "scoring_manage.export",
    "scoring_manage.funnel",
    "rewards.show",
    "rewards.export",
    "rewards.compare",
    "budgets.show",
    "budgets.export",
    "budgets.line",
    "budgets_manage.holder",
    "appraisal.staff",
    "appraisal.edit_staff",
    "appraisal.appraisal",
)
# Extra object pages the tables do not name by these organisations: the other ICB's providers.
ORG_PAGES = ("trust_a", "line_a", "ward_a", "trust_b", "practice")
# Lists and exports each role may open; they must hold none of the other side's rows.
LISTS = (
    "orgs.index",
    "orgs.export",
    "scoring.index",
    "scoring_manage.index",
    "rewards.index",
    "budgets.index",
    "budgets_manage.index",
    "budgets_manage.export",
    "appraisal.rates",
    "appraisal.rates_export",
)
ROLES = ("commissioner", "finance")
# Direction "A→B": ICB A's users look at ICB B's data; "B→A" the reverse.
DIRECTIONS = ("A sees B", "B sees A")


def region_b(tree: Tree, make_org: Callable[..., object]) -> Tree:
    """ICB B shaped like ICB A: the fixture's other trust, line and ward plus a community trust,
    a second line and ward, and a practice (names share no text with ICB A's)."""
    icb, trust = tree.other_icb, tree.other_trust
    line = tree.other_ward.parent
    ward2 = make_org("ward", line, name="Other ward two")
    surgery = make_org("service_line", trust, name="Other surgery")
    community = make_org(
        "community", icb, name="Other community", contract_value_pence=30_000_000_00
    )
    nursing = make_org("service_line", community, name="Other nursing")
    ward_b = make_org("ward", nursing, name="Other nursing ward")
    practice = make_org("primary_care", icb, name="Other practice", list_size=6000)
    trust.contract_value_pence = 90_000_000_00
    return Tree(
        icb, trust, line, tree.other_ward, ward2, surgery, community, nursing, ward_b, practice,
        tree.icb, tree.trust_a, tree.ward_a,
    )  # fmt: skip


def _sides(tree: Tree, make_org: Callable[..., object], direction: str) -> tuple[Tree, Tree]:
    """(the signed-in user's region, the other region whose data is built)."""
    b = region_b(tree, make_org)
    return (tree, b) if direction == "A sees B" else (b, tree)


def _marks(region: Tree) -> list[str]:
    orgs = (
        region.trust_a, region.line_a, region.ward_a, region.ward_a2, region.line_a2,
        region.trust_b, region.line_b, region.ward_b, region.practice,
    )  # fmt: skip
    return [o.name for o in orgs] + [o.code for o in orgs]


def _build_everything(region: Tree) -> None:
    """A score run, two allocation runs, a budget and staff for the region."""
    for endpoint in ("scoring_manage.funnel", "rewards.compare", "budgets.line", "appraisal.staff"):
        TABLE[endpoint].url(region)


def _status(route: Route, role: str, found: bool) -> int:
    if role not in route.allowed:
        return route.denied
    return route.ok if found else 404


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", OBJECT_PAGES)
def test_an_icb_user_gets_not_found_on_the_other_icbs_objects(
    endpoint, role, direction, client, tree, make_org, login_as
):
    mine, theirs = _sides(tree, make_org, direction)
    route = TABLE[endpoint]
    url = route.url(theirs)
    login_as(role, [mine.icb])
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == _status(route, role, found=False), url
    body = response.get_data(as_text=True)
    assert not [m for m in _marks(theirs) if m in body], url


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("attr", ORG_PAGES)
def test_an_icb_user_gets_not_found_on_the_other_icbs_providers(
    attr, role, direction, client, tree, make_org, login_as
):
    mine, theirs = _sides(tree, make_org, direction)
    login_as(role, [mine.icb])
    org = getattr(theirs, attr)
    response = client.get(f"/orgs/{org.id}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert org.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", LISTS)
def test_lists_and_exports_never_hold_the_other_icbs_rows(
    endpoint, role, direction, client, tree, make_org, login_as
):
    mine, theirs = _sides(tree, make_org, direction)
    _build_everything(theirs)
    route = TABLE[endpoint]
    login_as(role, [mine.icb])
    response = client.get(route.url(theirs), headers={"Accept": "text/html"})
    assert response.status_code == _status(route, role, found=True)
    body = response.get_data(as_text=True)
    # Their organisations, and the codes of the frameworks their score runs belong to.
    frameworks = ["ACCESS-SC", "RQF"]
    assert not [m for m in _marks(theirs) + frameworks if m in body]


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_the_same_lists_do_hold_the_users_own_icbs_rows(
    role, direction, client, tree, make_org, login_as
):
    """The absence checks above are not vacuous: the user's own providers are listed."""
    mine, _theirs = _sides(tree, make_org, direction)
    login_as(role, [mine.icb])
    body = client.get("/orgs/organisations.csv").get_data(as_text=True)
    assert all(m in body for m in _marks(mine))
