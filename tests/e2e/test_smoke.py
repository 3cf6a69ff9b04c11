"""Smoke test in a real browser: sign in, see the home page, sign out, the old cookie is dead."""

from __future__ import annotations

import urllib.request

import pytest

from qframe.auth.services import create_user
from qframe.extensions import db

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_user(live_app):  # type: ignore[no-untyped-def]
    with live_app.app_context():
        user = create_user(
            None,
            email="e2e.admin@example.test",
            role="admin",
            password="e2e password long",
            name="Edith Admin",
        )
        db.session.commit()
        return user.email


def _get_with_cookie(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"qframe_session={cookie}"})  # noqa: S310 - loopback test server
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_sign_in_home_sign_out_and_the_old_cookie_no_longer_works(
    page, live_server, e2e_user, artifacts
):
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("E-mail address").fill(e2e_user)
    page.get_by_label("Password").fill("e2e password long")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/home")
    assert page.get_by_role("heading", name="Welcome, Edith Admin").is_visible()
    page.screenshot(path=str(artifacts / "home-admin.png"), full_page=True)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "qframe_session")
    assert _get_with_cookie(f"{live_server}/home", cookie) == 200

    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_text("You have signed out.").is_visible()
    assert _get_with_cookie(f"{live_server}/home", cookie) == 302


def test_the_page_works_with_the_keyboard_alone(page, live_server, e2e_user):
    page.goto(f"{live_server}/auth/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
