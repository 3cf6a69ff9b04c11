"""Organisation kinds, without the database: pure modules (scoring.rollup) read them."""

PROVIDER_KINDS = ("acute", "community", "mental_health", "primary_care")
