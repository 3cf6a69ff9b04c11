"""Publication (domain.md §12): immutable snapshots of results and annual quality reports."""
