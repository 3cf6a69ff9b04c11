"""Confirmation pages before irreversible steps, one helper and one template for all of them.

The page an irreversible button lives on posts `review=1` to the action's own URL; the action
answers with this page (what will happen, what cannot be undone, who is affected, the money),
whose button posts the same fields again, without `review`, so the action itself stays one
POST with CSRF. Nothing is changed while the page is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import render_template, request

REVIEW = "review"


def wants_review() -> bool:
    """True when the form asked to see the confirmation page first."""
    return request.form.get(REVIEW) == "1"


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says, and where its button posts."""

    title: str
    action: str
    happens: Sequence[str]
    cannot_undo: str
    affected: Sequence[str]
    submit: str
    back: str
    money: Sequence[str] = ()
    warning: bool = False
    hidden: Sequence[tuple[str, str]] = field(default_factory=tuple)


def replayed_fields() -> list[tuple[str, str]]:
    """The submitted fields to post again (CSRF token included), without the review flag."""
    return [
        (name, value) for name, values in request.form.lists() if name != REVIEW for value in values
    ]


def confirmation_page(confirmation: Confirmation):
    """The rendered confirmation page (status 200: nothing has happened yet)."""
    if not confirmation.hidden:
        confirmation = Confirmation(**{**confirmation.__dict__, "hidden": replayed_fields()})
    return render_template("confirm.html", c=confirmation)
