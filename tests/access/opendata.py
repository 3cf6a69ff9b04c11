"""Open data: public, read-only; anyone (signed in or not) may read it."""

from route import EVERY_ROLE, Route

ROUTES = {
    "opendata.guide": Route(lambda t: "/open-data/", allowed=EVERY_ROLE, public=True),
    "opendata_api.list_publications": Route(
        lambda t: "/api/v1/open/publications", allowed=EVERY_ROLE, public=True
    ),
    "opendata_api.results": Route(
        lambda t: "/api/v1/open/results", allowed=EVERY_ROLE, public=True
    ),
    "opendata_api.results_csv": Route(
        lambda t: "/api/v1/open/results.csv", allowed=EVERY_ROLE, public=True
    ),
}
