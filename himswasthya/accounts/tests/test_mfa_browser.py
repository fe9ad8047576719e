"""A state administrator's first sign-in in headless Chromium: password, authenticator set-up from the key the
page shows (computed here as a phone app would), then a later sign-in with a code (issue #10 item 1)."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD, totp_code


def _sign_in_with_password(page) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("state_admin")
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_state_admin_sets_up_an_authenticator_and_signs_in_with_it(page, state_admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no 1 s wait after the wrong code below (test_mfa.py tests it)
    _sign_in_with_password(page)
    page.wait_for_url("**/login/second-factor/enrol/")
    assert page.get_by_test_id("totp-qr").locator("svg").count() == 1
    # Nothing else opens before the code is confirmed.
    page.goto("/audit/")
    page.wait_for_url("**/login/second-factor/enrol/")

    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    app = TOTP(b32decode(secret), step=30, digits=6)  # what an authenticator app computes from the key
    page.get_by_label("Code from your authenticator app").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/home/")
    assert "Your authenticator app is set up." in page.content()
    page.get_by_role("button", name="Sign out").click()

    _sign_in_with_password(page)
    page.wait_for_url("**/login/second-factor/")
    page.get_by_label("Code from your authenticator app").fill("000000" if app.token() else "111111")
    page.get_by_role("button", name="Verify and continue").click()
    assert "Wrong code" in page.get_by_role("alert").inner_text()
    state_admin.refresh_from_db()
    device = state_admin.totpdevice_set.get(confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Verify and continue").click()
    page.wait_for_url("**/home/")
    page.goto("/admin/")
    assert page.get_by_role("link", name="Users").is_visible()
