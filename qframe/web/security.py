"""Security headers, CSRF for cookie-authenticated writes, and no caching of signed-in pages."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

from qframe.extensions import csrf

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def init_security(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def _csrf_for_cookie_writes() -> None:
        # Bearer-token clients send no cookie, so CSRF cannot reach them; browsers always can.
        bearer = request.headers.get("Authorization", "").startswith("Bearer ")
        if request.method in UNSAFE and not bearer and app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response
