"""End to end in Chromium, in English and in Hindi: a citizen signs in with a mobile OTP and books an OPD
appointment for themself, gets the SMS and the slip; the clerk checks the appointment in by scanning the
slip's QR payload; the doctor calls the next token.

Steps that depend on other modules (all in the registration app) and how the test copes while they land:
- the booking, check-in and SMS: `services.py` + `notifications.py` (booking engine) - required;
- the slip PDF: `slip_views.slip_pdf` (url `registration:slip_pdf`) - skipped with a note if missing;
- calling the token: `queue_views.doctor_queue` (`/opd/doctor/`) - if missing, only "checked in" is asserted.
"""

from __future__ import annotations

import warnings

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from himswasthya.notify import sms
from himswasthya.registration.models import Appointment, AppointmentStatus
from himswasthya.registration.qr import slip_qr_payload
from himswasthya.registration.tests.test_views import family_of, opd_department

# One mobile per language: the OTP send limit per mobile outlives a test (it is in the cache).
MOBILES = {"en": "9833300011", "hi": "9833300022"}


def _url_exists(name: str, *args) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


def _context(browser, live_server, language: str, user=None):
    """A browser context in `language`; signed in as `user` by a session cookie (staff need no OTP)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="hi-IN" if language == "hi" else "en-IN",
        viewport={"width": 412, "height": 915},
    )
    cookies = [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append(
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _submit(page, form_selector: str = "main form") -> None:
    page.locator(form_selector).first.locator("button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_citizen_books_clerk_checks_in_doctor_calls(
    language, browser, live_server, persona_facility, persona_district, clerk, doctor, settings
):
    # The OTP send limits live in the cache (Redis outlives a run): re-runs must not trip them.
    settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 10_000
    settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR = 10_000
    sms.outbox.clear()
    mobile = MOBILES[language]
    opd_department(persona_facility)
    family_of(mobile, persona_district, ("Asha Devi", "आशा देवी", "F", 1985))

    # 1. The citizen signs in with a mobile OTP read from the memory SMS outbox.
    citizen_ctx, page = _context(browser, live_server, language)
    page.goto("/login/mobile/")
    assert page.locator("html").get_attribute("lang") == language
    page.locator("input[name=mobile]").fill(mobile)
    _submit(page)
    page.wait_for_url("**/login/otp/")
    assert sms.outbox and sms.outbox[-1].mobile == mobile
    page.locator("input[name=otp]").fill(sms.outbox[-1].text[:6])
    _submit(page)
    page.wait_for_url("**/home/")

    # 2. Books for themself: person -> facility -> department -> date and session -> confirm.
    page.goto("/opd/book/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == ("ओपीडी अपॉइंटमेंट बुक करें" if language == "hi" else "Book an OPD appointment")
    page.locator("input[name=person]").first.check()
    _submit(page)
    page.locator("input[name=facility]").first.check()
    _submit(page, "main form:has(input[name=facility][type=radio])")
    page.locator("select[name=department]").select_option(index=0)
    _submit(page)
    assert ("सीटें बाकी" if language == "hi" else "seats left") in page.content()
    page.locator("input[name=slot]").first.check()
    _submit(page)
    page.locator("select[name=fee_exemption]").select_option("senior")
    _submit(page, "main form[method=post]")
    page.wait_for_url("**/opd/appointments/*/")
    number = page.get_by_test_id("appointment-number").inner_text().strip()
    token = page.get_by_test_id("token-number").inner_text().strip()
    uhid = page.get_by_test_id("uhid").inner_text().strip()
    appointment = Appointment.objects.get(number=number)
    assert token == str(appointment.token_number) and appointment.fee_exemption == "senior"
    assert uhid and uhid != "—"

    # 3. The booking SMS (sent after commit) carries the appointment number.
    assert any(m.mobile == mobile and number in m.text for m in sms.outbox), [m.text for m in sms.outbox]

    # 4. The slip PDF (slip_views; skipped with a note while it has not landed).
    if _url_exists("registration:slip_pdf", number):
        href = page.get_by_test_id("slip-link").get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/pdf")
        assert response.body().startswith(b"%PDF")
    else:
        warnings.warn("registration:slip_pdf is missing: slip download not tested", stacklevel=1)
    citizen_ctx.close()

    # 5. The clerk scans the slip's QR (a USB scanner types the payload and Enter into the focused box).
    clerk_ctx, counter = _context(browser, live_server, language, clerk)
    counter.goto("/opd/counter/")
    code = counter.locator("input[name=code]")
    assert code.evaluate("el => el === document.activeElement")
    code.fill(slip_qr_payload(number))
    code.press("Enter")
    counter.wait_for_url("**/opd/counter/?last=*")
    assert f"{token}" in counter.get_by_test_id("last").inner_text()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN and appointment.checked_in_at
    clerk_ctx.close()

    # 6. The doctor calls the next token (queue_views; else only "checked in" is asserted above).
    if not _url_exists("registration:doctor_queue"):
        warnings.warn("registration:doctor_queue is missing: calling the token not tested", stacklevel=1)
        return
    doctor_ctx, queue_page = _context(browser, live_server, language, doctor)
    queue_page.goto("/opd/doctor/")
    queue_page.get_by_test_id("call-next").first.click()
    queue_page.wait_for_url("**/opd/doctor/")
    assert queue_page.get_by_test_id("called-uhid").first.inner_text().strip() == uhid
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CALLED and appointment.called_at
    doctor_ctx.close()
