"""Foundation routes: landing, sign-in, home, users, organisations, audit."""

from route import EVERY_ROLE, Route

ROUTES = {
    "static": Route(lambda t: "/static/css/qframe.css", public=True, allowed=EVERY_ROLE),
    "home.landing": Route(
        lambda t: "/", public=True, allowed=(), ok=302, denied=302, anonymous=200
    ),
    "home.healthz": Route(lambda t: "/healthz", public=True, allowed=EVERY_ROLE),
    "home.livez": Route(lambda t: "/livez", public=True, allowed=EVERY_ROLE),
    "home.home": Route(lambda t: "/home", allowed=EVERY_ROLE),
    "auth.login": Route(
        lambda t: "/auth/login", public=True, allowed=(), ok=302, denied=302, anonymous=200
    ),
    "auth.logout": Route(
        lambda t: "/auth/logout", method="POST", allowed=EVERY_ROLE, ok=302, anonymous=302
    ),
    "users.index": Route(lambda t: "/users/", allowed=("admin",)),
    "users.new": Route(lambda t: "/users/new", allowed=("admin",)),
    "users.show": Route(lambda t: f"/users/{t.user_id}", allowed=("admin",)),
    "users.issue_token": Route(
        lambda t: f"/users/{t.user_id}/tokens", method="POST", allowed=("admin",)
    ),
    "orgs.index": Route(lambda t: "/orgs/", allowed=EVERY_ROLE),
    "orgs.export": Route(lambda t: "/orgs/organisations.csv", allowed=EVERY_ROLE),
    "orgs.show": Route(lambda t: f"/orgs/{t.ward_a.id}", allowed=EVERY_ROLE),
    "orgs.edit": Route(lambda t: f"/orgs/{t.ward_a.id}/edit", allowed=("admin",)),
    "orgs.import_csv": Route(lambda t: "/orgs/import", allowed=("admin",)),
    "audit.index": Route(lambda t: "/audit/", allowed=("admin",)),
    "api.openapi": Route(lambda t: "/api/v1/openapi.json", public=True, allowed=EVERY_ROLE),
    "audit.export": Route(lambda t: "/audit/audit.csv", allowed=("admin",)),
}
