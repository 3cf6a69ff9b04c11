"""/inbox: what waits for the signed-in user, and the count in the header."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from qframe.inbox import sources  # noqa: F401  (registers the built-in sources first)

# isort: split
# Features' own sources, shown after the built-in ones.
from qframe.devplans import inbox as _devplans_inbox  # noqa: F401  (overdue milestones)
from qframe.escalation import inbox as _escalation_inbox  # noqa: F401  (board acknowledgements)
from qframe.inbox.registry import inbox_count, inbox_for
from qframe.web.access import login_required

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.app_context_processor
def _count() -> dict[str, object]:
    if not current_user.is_authenticated or request.path.startswith("/static/"):
        return {}
    return {"inbox_waiting": lambda: inbox_count(current_user, date.today())}


@bp.get("/")
@login_required
def index():
    return render_template("inbox/index.html", groups=inbox_for(current_user, date.today()))
