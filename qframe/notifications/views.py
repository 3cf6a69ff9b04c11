"""Notification pages: the list, marking read, and the unread count for the header bell."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from qframe.notifications.services import (
    get_notification_or_404,
    mark_all_read,
    mark_read,
    notifications_for,
    unread_count,
)
from qframe.web.access import login_required
from qframe.web.paging import page_number

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _bell() -> dict[str, object]:
    if not current_user.is_authenticated or request.path.startswith("/static/"):
        return {}
    return {"unread_notifications": unread_count(current_user)}


@bp.get("/")
@login_required
def index():
    page = page_number()
    rows, more = notifications_for(current_user, page)
    return render_template("notifications/index.html", rows=rows, page=page, more=more)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = get_notification_or_404(notification_id, current_user)
    mark_read(notification)
    # Links are checked to be qframe paths when the notification is made: no open redirect.
    if request.form.get("open") and notification.link:
        return redirect(notification.link)
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    mark_all_read(current_user)
    return redirect(url_for("notifications.index"))
