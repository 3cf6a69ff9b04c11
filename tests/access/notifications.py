"""Notification routes: every signed-in user, for their own notifications only."""

from route import EVERY_ROLE, Route

ROUTES = {
    "notifications.index": Route(lambda t: "/notifications/", allowed=EVERY_ROLE),
    "notifications.read": Route(
        lambda t: "/notifications/1/read", method="POST", allowed=EVERY_ROLE
    ),
    "notifications.read_all": Route(
        lambda t: "/notifications/read-all", method="POST", allowed=EVERY_ROLE
    ),
}
