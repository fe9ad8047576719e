"""The consultation workbench in Chromium: an error comes back at its field with everything typed kept, a
medicine not in the list is written as free text by keyboard, and on a 360 px phone nothing overflows. (The
whole consultation from the OPD queue, timed, is registration/tests/test_consultation_browser.py.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from himswasthya.accounts.tests.fixtures import session_cookie
from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.people.tests.factories import named_person
from himswasthya.records import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinical_lists(db):
    for code, title in (
        ("J06.9", "Acute upper respiratory infection, unspecified"),
        ("I10", "Essential (primary) hypertension"),
        ("R50.9", "Fever, unspecified"),
    ):
        Icd10Code.objects.create(code=code, title=title, kind="subcategory", chapter="X", is_codable=True)
    rows = [
        ("Paracetamol", "Injection", "150 mg/ mL"),
        ("Paracetamol", "Tablet", "500 mg"),
        ("Cetirizine", "Tablet", "10 mg"),
        ("Amlodipine", "Tablet", "5 mg"),
    ]
    for name, form, strength in rows:
        Medicine.objects.create(
            name=name, dosage_form=form, strength=strength, section_number=1, section_name="Test"
        )


def _sign_in(page, live_server, user, language: str) -> None:
    page.context.add_cookies(
        [
            session_cookie(user, live_server.url),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )


class Keys:
    """The keyboard, counting keystrokes (a typed character or a key press is one)."""

    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def test_an_error_comes_back_at_its_field_and_a_free_text_medicine_by_keyboard(
    page, live_server, doctor, persona_facility, clinical_lists
):
    patient = named_person(
        persona_facility.district, "Meena Sharma", name_deva="मीना शर्मा", sex="F", year_of_birth=1980
    )
    encounter = services.open_encounter(doctor, patient, persona_facility, source_ref="opd:BROWSER-2")
    _sign_in(page, live_server, doctor, "en")
    page.goto(f"/records/encounters/{encounter.pk}/")
    page.keyboard.press("Alt+KeyV")
    page.keyboard.type("400")
    page.keyboard.press("Alt+KeyM")
    page.keyboard.type("Betadine gargle")
    page.keyboard.press("Enter")  # nothing in the list: the free-text choice is the first
    expect(page.get_by_test_id("free-text-flag")).to_be_visible()
    page.keyboard.type("10 mL")
    page.keyboard.press("Alt+KeyS")
    page.wait_for_load_state()
    error = page.locator('[data-field="vitals.bp_systolic"]')
    expect(error).to_have_text("Systolic blood pressure must be between 50 and 300 mmHg.")
    expect(page.locator("#v-bp_systolic")).to_be_focused()
    expect(page.locator("#v-bp_systolic")).to_have_value("400")
    expect(page.locator("input[name='prescriptions[0].name']")).to_have_value("Betadine gargle")
    assert not encounter.prescriptions.exists()


def test_the_workbench_fits_a_360_px_phone(browser, live_server, doctor, persona_facility, clinical_lists):
    patient = named_person(
        persona_facility.district, "Meena Sharma", name_deva="मीना शर्मा", sex="F", year_of_birth=1980
    )
    encounter = services.open_encounter(doctor, patient, persona_facility, source_ref="opd:BROWSER-3")
    context = browser.new_context(
        base_url=live_server.url, locale="en-IN", viewport={"width": 360, "height": 740}
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        _sign_in(phone, live_server, doctor, "hi")
        phone.goto(f"/records/encounters/{encounter.pk}/")
        phone.keyboard.press("Alt+KeyM")
        phone.keyboard.type("paracetamol tab")
        phone.keyboard.press("Enter")
        expect(phone.get_by_test_id("prescription-row")).to_have_count(1)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, width
        for test_id in ("save", "sign", "rx-search", "dx-search"):
            box = phone.get_by_test_id(test_id).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (test_id, box)
    finally:
        context.close()
