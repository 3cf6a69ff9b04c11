"""Scheduler routes: the run history is for administrators."""

from route import Route

ROUTES = {
    "scheduler.index": Route(lambda t: "/scheduler/", allowed=("admin",)),
}
