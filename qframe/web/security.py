"""Security headers, CSRF for cookie-authenticated writes, proxies, no-store on signed-in pages."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from qframe.extensions import csrf
from qframe.web.hostile import init_hostile_input

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _signed_in() -> bool:
    # Never load the user here: this runs on error pages too, when the database may be down.
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session or "Authorization" in request.headers


def init_security(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        # The client address is the one the Nth proxy saw, from X-Forwarded-For (and the scheme
        # and host from X-Forwarded-Proto/Host): rate limits then apply per real client.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    init_hostile_input(app)

    @app.before_request
    def _csrf_for_cookie_writes() -> None:
        if request.method not in UNSAFE or "Authorization" in request.headers:
            # Header-authenticated requests ignore cookies (qframe.auth.sessions), so a
            # cross-site form cannot ride on them: CSRF cannot reach such a request.
            return
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            abort(401)  # say "sign in" before "bad CSRF token"
        if app.config.get("WTF_CSRF_ENABLED", True):
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
        if response.status_code >= 500 or (
            _signed_in() and not request.path.startswith("/static/")
        ):
            headers["Cache-Control"] = "no-store"
        return response
