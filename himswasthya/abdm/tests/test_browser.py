"""The staff verify page in headless Chromium: number -> OTP -> profile, on a phone-sized screen."""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page

from .conftest import DEMO_ABHA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_verifies_an_abha_with_an_otp(abdm_sim, demo_account, clerk, page, live_server):
    sign_in_page(page, live_server, clerk)
    page.goto("/abdm/verify/")
    page.get_by_role("textbox", name="ABHA number").fill(DEMO_ABHA)
    page.get_by_role("button", name="Send OTP").click()
    page.get_by_role("textbox", name="OTP").fill("123456")
    page.get_by_role("button", name="Verify OTP").click()
    assert page.get_by_test_id("abha-number").inner_text() == "91-7604-8764-7595"
    assert page.get_by_role("heading", name="ABHA profile").is_visible()
    assert "Shimla" in page.content()
