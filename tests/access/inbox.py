"""The inbox: every signed-in role sees what waits for it (scoped by each source's own query)."""

from route import EVERY_ROLE, Route

ROUTES = {
    "inbox.index": Route(lambda t: "/inbox/", allowed=EVERY_ROLE),
}
