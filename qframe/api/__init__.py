"""The JSON API under /api/v1: shared helpers and the OpenAPI document."""
