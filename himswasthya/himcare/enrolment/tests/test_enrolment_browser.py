"""In Chromium: a clerk enrols a family at the counter, takes the premium and downloads the card; a citizen,
in Hindi, enrols online, pays on the gateway simulator and sees "My HIMCARE card" with the balance."""

from __future__ import annotations

import pytest

from himswasthya.himcare.models import Enrolment
from himswasthya.himcare.tests.browser import signed_in_page
from himswasthya.himcare.tests.factories import make_family, make_scheme_year


def _context(browser, live_server, language, user):
    return signed_in_page(browser, live_server, user, language)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_counter_enrolment_and_citizen_card_in_hindi(
    browser, live_server, settings, persona_district, clerk, citizen, citizen_family
):
    settings.HIMCARE_PAYMENT_GATEWAY_URL = f"{live_server.url}/himcare-paysim"
    settings.SMS_BACKEND = "memory"
    make_scheme_year()
    family, _members = make_family(persona_district, family_id="HP-FAM-BROWSER-1")

    # The clerk at the counter.
    context, page = _context(browser, live_server, "en", clerk)
    page.goto("/home/")
    page.get_by_test_id("himcare-enrol").first.click()
    page.get_by_test_id("family-id").fill(family.family_id)
    page.get_by_test_id("find-family").click()
    assert "Category II:" in page.get_by_test_id("category").inner_text()  # head: single woman over 35
    page.get_by_test_id("enrol").click()
    page.get_by_test_id("receipt-no").fill("RCPT-001")
    page.get_by_test_id("take-payment").click()
    card_number = page.get_by_test_id("card-number").inner_text().strip()
    enrolment = Enrolment.objects.get(family=family)
    assert enrolment.status == "active" and enrolment.card_number == card_number
    with page.expect_download() as download:
        page.get_by_test_id("download-card").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    context.close()

    # The citizen, in Hindi: enrol online, pay on the simulator, see the card and the balance.
    context, page = _context(browser, live_server, "hi", citizen)
    page.goto("/home/")
    page.get_by_test_id("my-himcare-card").click()
    assert "मेरा हिमकेयर कार्ड" in page.locator("h1").inner_text()
    page.get_by_test_id("enrol-online").click()
    assert "₹365" in page.get_by_test_id("paysim-order").inner_text()
    page.get_by_test_id("paysim-pay").click()
    page.wait_for_url("**/himcare/my-card/")
    mine = Enrolment.objects.get(family=citizen_family)
    assert mine.status == "active"
    assert page.get_by_test_id("card-number").inner_text().strip() == mine.card_number
    assert "सक्रिय" in page.get_by_test_id("enrolment-status").inner_text()
    assert (
        "₹5,00,000" in page.get_by_test_id("available").inner_text()
        or "₹500,000" in page.get_by_test_id("available").inner_text()
    )
    assert page.get_by_test_id("download-card").is_visible()
    context.close()
