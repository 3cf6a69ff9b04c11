"""Framework routes. The Tree has no frameworks, so URLs needing one create it on the fly.

`published(t)` / `draft(t)` add a framework owned by t.icb through the test's own session (it is
rolled back with the test). Drafts are only reachable by commissioners in scope and admins
(others get 404, tested in tests/frameworks/test_access.py); published ones by everyone.
"""

from route import EVERY_ROLE, Route

from qframe.extensions import db
from qframe.frameworks.models import Framework, FrameworkDomain, Indicator

MANAGERS = ("admin", "commissioner")


def _framework(t, status: str) -> Framework:
    framework = Framework(
        code=f"ACC-{status[:3].upper()}",
        version=1,
        title=f"Access test {status}",
        setting="acute",
        year="2025/26",
        owner_id=t.icb.id,
        status="draft",
        payment_model="contract_share",
        payment={"stake_percent": "1.25"},
    )
    domain = FrameworkDomain(code="SAF", title="Safety", position=0)
    framework.domains.append(domain)
    framework.indicators.append(
        Indicator(
            code="VTE01",
            domain=domain,
            title="VTE risk assessment",
            measure="proportion",
            polarity="higher_is_better",
            level="provider",
            method="threshold",
            max_points=10,
            lower=90,
            upper=95,
        )
    )
    db.session.add(framework)
    db.session.flush()
    if status != "draft":
        framework.status = status  # allowed: a draft may move on
        db.session.flush()
    return framework


def published(t, tail: str = "") -> str:
    return f"/frameworks/{_framework(t, 'published').id}{tail}"


def draft(t, tail: str = "") -> str:
    return f"/frameworks/{_framework(t, 'draft').id}{tail}"


def public(t, tail: str = "") -> str:
    return f"/frameworks/public/{_framework(t, 'published').id}{tail}"


def api(t, tail: str = "", status: str = "published") -> str:
    return f"/api/v1/frameworks/{_framework(t, status).id}{tail}"


def indicator(t, tail: str) -> str:
    framework = _framework(t, "draft")
    return f"/frameworks/{framework.id}/indicators/{framework.indicators[0].id}{tail}"


ROUTES = {
    "frameworks.index": Route(lambda t: "/frameworks/", allowed=EVERY_ROLE),
    "frameworks.show": Route(lambda t: published(t), allowed=EVERY_ROLE),
    "frameworks.download": Route(lambda t: published(t, "/framework.json"), allowed=EVERY_ROLE),
    "frameworks.indicators_csv": Route(
        lambda t: published(t, "/indicators.csv"), allowed=EVERY_ROLE
    ),
    "frameworks.diff": Route(lambda t: published(t, "/diff"), allowed=EVERY_ROLE),
    "frameworks.public_index": Route(
        lambda t: "/frameworks/public/", public=True, allowed=EVERY_ROLE
    ),
    "frameworks.public_show": Route(lambda t: public(t), public=True, allowed=EVERY_ROLE),
    "frameworks.public_download": Route(
        lambda t: public(t, "/framework.json"), public=True, allowed=EVERY_ROLE
    ),
    "frameworks.public_diff": Route(lambda t: public(t, "/diff"), public=True, allowed=EVERY_ROLE),
    "frameworks_manage.new": Route(lambda t: "/frameworks/new", allowed=MANAGERS),
    "frameworks_manage.edit": Route(lambda t: draft(t, "/edit"), allowed=MANAGERS),
    "frameworks_manage.new_indicator": Route(
        lambda t: draft(t, "/indicators/new"), allowed=MANAGERS
    ),
    "frameworks_manage.edit_indicator": Route(lambda t: indicator(t, "/edit"), allowed=MANAGERS),
    "frameworks_manage.delete_indicator": Route(
        lambda t: indicator(t, "/delete"), method="POST", allowed=MANAGERS
    ),
    "frameworks_manage.publish": Route(
        lambda t: draft(t, "/publish"), method="POST", allowed=MANAGERS
    ),
    "frameworks_manage.close": Route(
        lambda t: published(t, "/close"), method="POST", allowed=MANAGERS
    ),
    "frameworks_manage.delete": Route(
        lambda t: draft(t, "/delete"), method="POST", allowed=MANAGERS
    ),
    "frameworks_manage.new_version": Route(
        lambda t: published(t, "/new-version"), allowed=MANAGERS
    ),
    "frameworks_manage.import_json": Route(lambda t: "/frameworks/import", allowed=MANAGERS),
    "frameworks_manage.library": Route(lambda t: "/frameworks/library", allowed=MANAGERS),
    "frameworks_manage.import_library": Route(
        lambda t: "/frameworks/library/acute-quality-2025-26", method="POST", allowed=MANAGERS
    ),
    "frameworks_api.list_frameworks": Route(lambda t: "/api/v1/frameworks", allowed=EVERY_ROLE),
    "frameworks_api.get_one": Route(lambda t: api(t), allowed=EVERY_ROLE),
    "frameworks_api.import_one": Route(
        lambda t: "/api/v1/frameworks", method="POST", allowed=MANAGERS
    ),
    "frameworks_api.replace": Route(
        # Allowed roles get past access control to the body check: no JSON sent, so 422.
        lambda t: api(t, status="draft"),
        method="PUT",
        allowed=MANAGERS,
        ok=422,
    ),
    "frameworks_api.publish": Route(
        lambda t: api(t, "/publish", status="draft"), method="POST", allowed=MANAGERS
    ),
}
