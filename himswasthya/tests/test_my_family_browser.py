# ruff: noqa: F401, F811 - the family fixture is imported from the view tests and used as an argument
"""On a 360 px phone in Chromium: a citizen opens "My family", taps "Book an OPD appointment" on her husband's
row and books for him - the booking starts with him chosen (issue #12 item 6)."""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.registration.models import Appointment
from himswasthya.registration.tests.test_views import opd_department

from .test_my_family_actions import family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-IN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _submit(page, form: str = "main form") -> None:
    page.locator(form).first.locator("button[type=submit]").click()


def test_a_citizen_books_for_her_husband_from_my_family(
    family, citizen, persona_facility, phone, live_server
):
    opd_department(persona_facility)
    ramesh = family.members.get(name_roman="Ramesh Thakur")
    sign_in_page(phone, live_server, citizen)
    phone.goto("/families/mine/")
    row = phone.get_by_test_id("member").filter(has_text="Ramesh Thakur")
    book = row.get_by_role("link", name="Book an OPD appointment")
    box = book.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # on screen, not scrolled off
    assert not phone.get_by_test_id("member").filter(has_text="Kaushalya Thakur").get_by_role("link").count()

    book.click()
    assert phone.get_by_test_id("booking-for").inner_text() == "Patient: Ramesh Thakur"
    phone.locator("input[name=facility]").first.check()
    _submit(phone, "main form:has(input[name=facility][type=radio])")
    phone.locator("select[name=department]").select_option(index=0)
    _submit(phone)
    phone.locator("input[name=slot]").first.check()
    _submit(phone)
    _submit(phone, "main form[method=post]")
    phone.wait_for_url("**/opd/appointments/*/")
    number = phone.get_by_test_id("appointment-number").inner_text().strip()
    assert Appointment.objects.get(number=number).person_id == ramesh.person_id
