"""Open data: published public results through a read-only JSON and CSV API, and its guide."""
