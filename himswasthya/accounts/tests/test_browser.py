"""A citizen signs in with a mobile OTP in headless Chromium, then switches English -> Hindi -> English."""

import pytest

from himswasthya.notify import sms

MOBILE = "9833344455"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_otp_login_and_language_switch(page):
    page.goto("/")
    page.get_by_role("link", name="Login with mobile").click()
    page.get_by_label("Mobile number").fill(MOBILE)
    page.get_by_role("button", name="Send OTP").click()
    page.wait_for_url("**/login/otp/")
    assert sms.outbox and sms.outbox[-1].mobile == MOBILE
    page.get_by_label("OTP", exact=True).fill(sms.outbox[-1].text[:6])
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url("**/home/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Namaste")
    assert page.locator("html").get_attribute("lang") == "en"

    # Keyboard-only language switch: focus the button and press Enter.
    page.get_by_role("button", name="हिन्दी में देखें").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("html[lang=hi]")
    assert "नमस्ते" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("button", name="साइन आउट करें").is_visible()
    assert "ओपीडी अपॉइंटमेंट बुक करें" in page.content()

    page.get_by_role("button", name="Switch to English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Login with mobile").is_visible()
