"""Local health economy view: commissioners, their own ICB only."""

from route import Route

ROLES = ("admin", "commissioner")

ROUTES = {
    "economy.index": Route(lambda t: "/economy/", allowed=ROLES),
    "economy.show": Route(lambda t: f"/economy/{t.icb.id}", allowed=ROLES),
    "economy.export": Route(lambda t: f"/economy/{t.icb.id}/economy.csv", allowed=ROLES),
    "economy_api.show": Route(lambda t: f"/api/v1/economy/{t.icb.id}", allowed=ROLES),
}
