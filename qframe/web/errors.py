"""Map domain and HTTP errors to pages (browsers) or JSON (API) in one place."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from qframe.errors import DomainError, ValidationFailed
from qframe.extensions import db
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
}


def _respond(status: int, message: str, problems: list[dict[str, object]] | None = None):  # type: ignore[no-untyped-def]
    if wants_json():
        body: dict[str, object] = {"error": TITLES.get(status, "Error"), "message": message}
        if problems is not None:
            body["problems"] = problems
        return jsonify(body), status
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return (
        render_template(
            template,
            status=status,
            title=TITLES.get(status, "Error"),
            message=message,
            problems=problems,
        ),
        status,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        problems = (
            [p.as_dict() for p in error.problems] if isinstance(error, ValidationFailed) else None
        )
        return _respond(error.status, error.message, problems)

    @app.errorhandler(StaleDataError)
    def _stale(_error: StaleDataError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return _respond(
            409, "Someone else saved a change first. Reload the page to see it, then try again."
        )

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        return _respond(
            400,
            f"The form had expired or was not sent by qframe ({error.description}). "
            "Reload and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        return _respond(status, error.description or TITLES.get(status, ""))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return _respond(500, "The error has been logged. Nothing was saved.")
