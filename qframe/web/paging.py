"""The page number of a paged list, read from the query string."""

from __future__ import annotations

from flask import request


def page_number() -> int:
    """?page= as a number from 1 (1 when it is missing, not digits, or zero)."""
    arg = request.args.get("page", "1")
    return max(int(arg), 1) if arg.isdigit() else 1
