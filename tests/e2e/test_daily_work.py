"""Each role's main job in a real browser, on the demo region (issue 14).

The commissioner publishes a new framework version through its confirmation page; a nurse
manager fills the ward's entry grid, sees a validation error without losing what was typed,
and is told who declares, and the provider lead declares from the same page; a finance user
proposes and a second approves from the inbox; a clinical director applies a virement; the
public reads an annual report. Screenshots go to QFRAME_TEST_ARTIFACTS (not the repository).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from qframe.demo import DEMO_PASSWORD
from qframe.extensions import db
from qframe.orgs.models import Organisation

pytestmark = pytest.mark.e2e


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/home")


def org_id(app, code: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.code == code))


def test_the_commissioner_publishes_a_new_version_through_its_confirmation_page(
    page, demo, artifacts
):
    base, app = demo
    from qframe.frameworks.models import Framework

    with app.app_context():
        aqf = db.session.scalar(
            select(Framework.id).where(Framework.code == "AQF", Framework.status == "published")
        )
    sign_in(page, base, "commissioner@demo.qframe.test")
    page.goto(f"{base}/frameworks/{aqf}")
    page.get_by_role("link", name="Create a new version").click()
    page.get_by_label("Why is a new version needed?").fill("Falls threshold revised for 2026")
    page.get_by_role("button", name=re.compile("Create")).click()
    page.get_by_role("button", name="Publish…").click()
    confirm = page.get_by_test_id("confirmation")
    assert "This cannot be undone." in confirm.inner_text()
    assert "becomes the current version of AQF" in confirm.inner_text()
    page.screenshot(path=str(artifacts / "e2e-publish-confirm.png"), full_page=True)
    confirm.get_by_role("button", name=re.compile(r"^Publish AQF v\d+$")).click()
    assert page.get_by_text(re.compile(r"AQF v\d+ is published")).is_visible()


def test_a_nurse_manager_keeps_typed_values_after_an_error_and_is_told_who_declares(
    page, demo, artifacts
):
    base, app = demo
    ward = org_id(app, "RQF01-W001")
    sign_in(page, base, "nurse.manager@demo.qframe.test")
    page.goto(f"{base}/measurements/orgs/{ward}")
    grid = page.get_by_test_id("entry-grid")
    numerators = grid.locator("input[name$='-numerator']")
    denominators = grid.locator("input[name$='-denominator']")
    numerators.nth(0).fill("3")
    denominators.nth(0).fill("412")
    numerators.nth(1).fill("7")
    denominators.nth(1).fill("1.5")  # not a whole number: refused beside its field
    comment = grid.locator("input[name$='-comment']").nth(0)
    comment.fill("Typed before the error")
    grid.get_by_role("button", name=re.compile("^Save all")).click()
    assert page.get_by_text("is not a whole number").first.is_visible()
    assert numerators.nth(0).input_value() == "3"
    assert denominators.nth(0).input_value() == "412"
    assert comment.input_value() == "Typed before the error"
    assert "provider lead of" in page.get_by_test_id("who-declares").inner_text()
    page.screenshot(path=str(artifacts / "e2e-grid-error.png"), full_page=True)
    denominators.nth(1).fill("150")
    page.get_by_role("button", name=re.compile("^Save all")).click()
    assert page.get_by_text(re.compile(r"^Saved \d+ value")).is_visible()
    sign_in(page, base, "provider.lead@demo.qframe.test")
    page.goto(f"{base}/measurements/orgs/{ward}")
    declare = page.get_by_role("button", name=re.compile("^Declare .* complete for"))
    assert declare.is_visible()
    declare.click()
    page.screenshot(path=str(artifacts / "e2e-declare.png"), full_page=True)
    # the demo's other wards have not all sent this month: declaring is refused with the list
    outcome = page.locator(".error-summary").first.inner_text()
    assert "AQF-X01 for RQF01-W021 is not submitted" in outcome


def test_finance_proposes_and_a_second_finance_user_approves_from_the_inbox(page, demo, artifacts):
    base, _app = demo
    sign_in(page, base, "finance@demo.qframe.test")
    page.goto(f"{base}/rewards/new")
    page.get_by_label("Period").select_option("2025/26 Q3")
    page.get_by_label("Reward pot (£)").fill("£1,500,000")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_url(re.compile(r"/rewards/\d+$"))
    run_id = page.url.rsplit("/", 1)[1]
    page.screenshot(path=str(artifacts / "e2e-proposed.png"), full_page=True)
    assert page.get_by_text(f"Run {run_id} proposed").is_visible()
    sign_in(page, base, "finance2@demo.qframe.test")
    assert page.get_by_test_id("inbox-link").inner_text().strip() != "Inbox"  # a count shows
    page.get_by_test_id("inbox-link").click()
    page.screenshot(path=str(artifacts / "e2e-inbox.png"), full_page=True)
    page.get_by_role("link", name=re.compile(rf"Review and approve\W+Run {run_id}\b")).click()
    page.get_by_role("button", name=f"Approve run {run_id}…").click()
    confirm = page.get_by_test_id("confirmation")
    assert "£1,500,000.00" in confirm.inner_text()
    assert "finance@demo.qframe.test" in confirm.inner_text()
    page.screenshot(path=str(artifacts / "e2e-approve-confirm.png"), full_page=True)
    confirm.get_by_role("button", name=f"Approve run {run_id}").click()
    assert page.get_by_text(f"Run {run_id} approved").is_visible()


def test_a_clinical_director_applies_a_virement_after_confirming_it(page, demo, artifacts):
    base, app = demo
    from qframe.budgets.models import BudgetHolder

    with app.app_context():
        holder = db.session.scalar(
            select(BudgetHolder.id)
            .join(Organisation, Organisation.id == BudgetHolder.organisation_id)
            .where(Organisation.code == "RQF01-SUR")
        )
    sign_in(page, base, "clinical.director@demo.qframe.test")
    page.goto(f"{base}/budgets/{holder}/virements/new")
    page.get_by_label("Move money to").select_option(index=1)
    page.get_by_label("Amount (£)").fill("£1,000")
    page.get_by_label("Reason").fill("Extra equipment for theatre recovery")
    page.get_by_role("button", name="Review the move…").click()
    confirm = page.get_by_test_id("confirmation")
    assert "Move £1,000.00?" in confirm.inner_text()
    page.screenshot(path=str(artifacts / "e2e-virement-confirm.png"), full_page=True)
    confirm.get_by_role("button", name="Move £1,000.00").click()
    assert page.get_by_text(re.compile("Virement applied|waiting for finance")).is_visible()


def test_the_public_reads_an_annual_report_without_signing_in(page, demo, artifacts):
    base, _app = demo
    page.goto(f"{base}/published/")
    reports = page.locator("a[href*='/published/reports/']:not([href$='.pdf'])")
    assert reports.count() > 0
    target = reports.first.get_attribute("href")
    reports.first.click()
    page.wait_for_url(f"{base}{target}")  # the report itself, not the list still showing
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("table").count() > 0
    page.screenshot(path=str(artifacts / "e2e-annual-report.png"), full_page=True)
