"""A signed-in phone-sized browser context for the HIMCARE browser tests (session cookie from force_login)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from himswasthya.accounts.tests.fixtures import session_cookie


def signed_in_page(browser: Any, live_server: Any, user: Any, language: str = "en") -> tuple[Any, Any]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="hi-IN" if language == "hi" else "en-IN",
        viewport={"width": 412, "height": 915},
        accept_downloads=True,
    )
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            session_cookie(user, live_server.url),
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def write_discharge_summary(
    page: Any, *, course: str, codes: str, procedure: tuple[str, str, str] | None = None
) -> None:
    """On a discharged case's page: open its admission record, write the discharge summary (course, the
    condition "recovered", the ICD-10 codes; a procedure (name, code, ISO date) if given), save and sign it,
    and come back to the case page. By test ids only, so it works in either language."""
    from playwright.sync_api import expect

    page.get_by_test_id("record-link").click()
    page.get_by_test_id("record-open").click()
    expect(page.get_by_test_id("record-form")).to_be_visible()
    if procedure is not None:
        name, code, day = procedure
        page.locator("#procedure_name_0").fill(name)
        page.locator("#procedure_code_0").fill(code)
        page.locator("#procedure_on_0").fill(day)
    page.locator("#condition_at_discharge").select_option("recovered")
    page.locator("#course_in_hospital").fill(course)
    page.locator("#diagnoses").fill(codes)
    page.get_by_test_id("record-save").click()
    expect(page.get_by_test_id("record-course")).to_have_text(course)
    page.get_by_test_id("record-sign").click()
    expect(page.get_by_test_id("record-correct")).to_be_visible()
    page.get_by_test_id("case-no").wait_for()
    page.goto(page.url.removesuffix("record/"))
    page.wait_for_load_state()
