"""axe-core on every page each role reaches, and no sideways scrolling at 390 px (issue 14).

Each demo login (and a visitor who is not signed in) opens home, the inbox, notifications and
every page in its menu; the links in those pages' main content lead one step further, each kind
of page (its URL with ids as {id}) checked once, by the first role that reaches it. On each page
axe-core runs its WCAG 2.0/2.1/2.2 A and AA rules at 1280 px, then the window narrows to a
390 px phone and the page must not be wider than the window. axe-core is the copy shipped inside
the axe-playwright-python wheel (MPL-2.0); the report names its version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files

import pytest

from qframe.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

# Every role in the README's table of demo logins; admin last, so the pages one step past the
# menus are checked as the role whose job they are rather than as the administrator.
LOGINS = [
    "commissioner", "finance", "finance2", "clinical.director", "nurse.manager",
    "provider.lead", "community.lead", "practice.lead", "commissioner.south", "finance.south",
    "admin",
]  # fmt: skip
PUBLIC_START = ["/published/", "/open-data/", "/auth/login"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# files (CSV, PDF, JSON), the machine API and sign-out are not pages
NOT_PAGES = re.compile(r"\.(csv|pdf|json|xml|zip)$|^/api/|^/auth/logout")
AXE_RUN = (
    "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
    ".then(r => ({version: axe.version, violations: r.violations.map(v => ({id: v.id,"
    " impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))}))"
)
MAIN_SIGNATURE = (
    "(() => { const m = document.querySelector('main'); const s = m ? m.innerHTML : '';"
    " let h = 0; for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; }"
    " return s.length + ':' + h; })()"
)


@dataclass
class Sweep:
    base: str
    checked: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    seen: set[tuple[str, str]] = field(default_factory=set)  # (url, main content signature)
    violations: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    not_ok: list[str] = field(default_factory=list)
    version: str = ""


def kind_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path.split("?")[0].split("#")[0])


def local_path(base: str, href: str) -> str | None:
    if not href.startswith(base):
        return None
    path = href[len(base) :].split("#")[0] or "/"
    return None if NOT_PAGES.search(path.split("?")[0]) else path


def check(page, sweep: Sweep, who: str, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open one page as `who`: axe at 1280 px, width at 390 px. Returns its main-content links."""
    page.set_viewport_size(DESKTOP)
    response = page.goto(sweep.base + path)
    if response is None or response.status != 200:
        sweep.not_ok.append(f"{who} {path}: HTTP {response.status if response else '?'}")
        return []
    sweep.kinds.add(kind_of(path))
    signature = (path, page.evaluate(MAIN_SIGNATURE))
    if signature not in sweep.seen:  # the same page with the same content: checked already
        sweep.seen.add(signature)
        result = page.evaluate(AXE_RUN % AXE_TAGS)
        sweep.version = result["version"]
        sweep.checked.append(f"{who} {path}")
        for v in result["violations"]:
            sweep.violations.append(f"{who} {path}: {v['id']} ({v['impact']}) {v['help']}: "
                                    f"{'; '.join(v['nodes'])}")  # fmt: skip
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            sweep.too_wide.append(f"{who} {path}: {width} px wide at 390 px")
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
    return [p for p in (local_path(sweep.base, h) for h in hrefs) if p]


def sign_in(page, base: str, login: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(f"{login}@demo.qframe.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/home")


def sweep_as(page, sweep: Sweep, who: str, start: list[str]) -> None:  # type: ignore[no-untyped-def]
    onward: list[str] = []
    for path in dict.fromkeys(start):
        onward += check(page, sweep, who, path)
    sweep.kinds.update(kind_of(p) for p in start)
    for path in dict.fromkeys(onward):
        if kind_of(path) not in sweep.kinds:
            check(page, sweep, who, path)


def test_every_page_each_role_reaches_has_no_axe_violations_and_fits_a_390_px_phone(
    browser, demo, artifacts
):
    base, _app = demo
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(files("axe_playwright_python").joinpath("axe.min.js").read_text())
    page = context.new_page()
    sweep = Sweep(base)
    try:
        sweep_as(page, sweep, "public", PUBLIC_START)
        for login in LOGINS:
            sign_in(page, base, login)
            menu = page.eval_on_selector_all("nav.site-nav a", "els => els.map(e => e.href)")
            start = ["/home", "/inbox/", "/notifications/"]
            sweep_as(
                page,
                sweep,
                login,
                start + [p for p in map(lambda h: local_path(base, h), menu) if p],
            )
    finally:
        context.close()
    report = (
        f"axe-core {sweep.version} ({', '.join(AXE_TAGS)}): {len(sweep.checked)} pages checked "
        f"({len(sweep.kinds)} kinds of page) as {len(LOGINS)} demo logins and the public; "
        f"{len(sweep.violations)} violations; {len(sweep.too_wide)} pages wider than 390 px; "
        f"{len(sweep.not_ok)} links not answering 200"
    )
    print(report)
    (artifacts / "axe-report.txt").write_text(
        "\n".join(
            [
                report,
                "",
                *sweep.violations,
                *sweep.too_wide,
                *sweep.not_ok,
                "",
                "Checked:",
                *sweep.checked,
            ]
        )
        + "\n"  # fmt: skip
    )
    assert len(sweep.checked) > 100  # every role's menu, not a sign-in page checked alone
    assert sweep.violations == []
    assert sweep.too_wide == []
    assert sweep.not_ok == []
