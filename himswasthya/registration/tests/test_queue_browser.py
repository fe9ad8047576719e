"""In Chromium: a doctor calls the next token and the waiting-hall display, open in a second page, updates
in place (no reload), in English and in Hindi."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from himswasthya.accounts.tests.fixtures import session_cookie
from himswasthya.registration.tests import queue_factories as make

CALL_NEXT = {"en": "Call next token", "hi": "अगला टोकन बुलाएँ"}
CALLED = {"en": "Token 1 called.", "hi": "टोकन 1 बुलाया गया।"}


def _sign_in(page, live_server, user, language: str) -> None:
    page.context.add_cookies(
        [
            session_cookie(user, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_display_updates_without_reload_when_the_doctor_calls(
    page, live_server, doctor, persona_facility, language
):
    day = make.session_day(persona_facility)
    patient = make.person(persona_facility, name="Meena Sharma", name_deva="मीना शर्मा")
    make.appointment(day, patient)
    make.appointment(day)

    display = page.context.browser.new_page(base_url=live_server.url)
    display.goto(f"/opd/queue/{persona_facility.code}/{day.department.code}/")
    expect(display.get_by_test_id("now-serving-none")).to_be_visible()
    expect(display.get_by_test_id("next-tokens")).to_have_text("12")
    display.evaluate("window.__notReloaded = true")

    _sign_in(page, live_server, doctor, language)
    page.goto("/opd/doctor/")
    page.get_by_role("button", name=CALL_NEXT[language]).click()
    expect(page.get_by_role("status")).to_have_text(CALLED[language])
    expect(page.get_by_test_id("called-appointment")).to_contain_text("मीना शर्मा")

    expect(display.get_by_test_id("now-serving")).to_have_text("1", timeout=15_000)
    expect(display.get_by_test_id("next-tokens")).to_have_text("2")
    assert display.evaluate("window.__notReloaded") is True
    assert "Meena" not in display.content() and "मीना" not in display.content()
    display.close()
