"""Local commitments (domain.md §9): what a provider promises, with status derived from data."""
