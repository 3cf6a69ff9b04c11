"""Map domain and HTTP errors to pages (browsers) or JSON (API) in one place."""

from __future__ import annotations

import contextlib

from flask import Flask, g, jsonify, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from qframe.errors import DomainError, ValidationFailed
from qframe.extensions import db, login_manager
from qframe.web.access import wants_json

TITLES = {
    400: "The request could not be understood",
    401: "Please sign in",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "This record changed while you were working",
    413: "The file is too large",
    422: "The input was not accepted",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The service is busy or briefly unavailable",
}
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = (
    "qframe cannot reach its database just now, or it is too busy. Nothing was saved. "
    "Please try again in a minute."
)


def _without_database() -> None:
    """Render as a signed-out visitor: the page must not need the (possibly broken) database."""
    g._login_user = login_manager.anonymous_user()
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()


def database_unusable(error: Exception) -> bool:
    """A lock wait that ran out, a lost connection or a database that cannot be opened."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    text = str(getattr(error, "orig", error)).lower()
    markers = ("database is locked", "unable to open database", "connection", "server closed")
    return type(error).__name__ in {"OperationalError", "InterfaceError"} and any(
        m in text for m in markers
    )


def _respond(status: int, message: str, problems: list[dict[str, object]] | None = None):
    if status >= 500:
        _without_database()
    if wants_json():
        body: dict[str, object] = {"error": TITLES.get(status, "Error"), "message": message}
        if problems is not None:
            body["problems"] = problems
        return jsonify(body), status, _retry_after(status)
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    page = render_template(
        template,
        status=status,
        title=TITLES.get(status, "Error"),
        message=message,
        problems=problems,
    )
    return page, status, _retry_after(status)


def _retry_after(status: int) -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        if error.status < 500:
            db.session.rollback()
        problems = (
            [p.as_dict() for p in error.problems] if isinstance(error, ValidationFailed) else None
        )
        return _respond(error.status, error.message, problems)

    @app.errorhandler(StaleDataError)
    def _stale(_error: StaleDataError):
        db.session.rollback()
        return _respond(
            409, "Someone else saved a change first. Reload the page to see it, then try again."
        )

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _respond(
            400,
            f"The form had expired or was not sent by qframe ({error.description}). "
            "Reload and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        return _respond(status, error.description or TITLES.get(status, ""))

    @app.errorhandler(SQLAlchemyError)
    def _database(error: SQLAlchemyError):
        if database_unusable(error):
            app.logger.warning("Database unusable: %s", error)
            return _respond(503, UNAVAILABLE)
        return _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return _respond(500, "The error has been logged. Nothing was saved.")
