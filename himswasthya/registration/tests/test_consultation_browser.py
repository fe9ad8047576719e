# ruff: noqa: F811 - the clinical_lists fixture is imported from the workbench browser tests and used by name
"""In Chromium, in English and in Hindi: a doctor calls a token in the OPD queue, opens the consultation and,
by keyboard only, enters complaints, vitals, two diagnoses and three medicines, saves the draft and signs it.
The time from the first keystroke to the sign key is measured and printed (issue #13: under 60 seconds of
typing for such a consultation); it is reported, not asserted."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from himswasthya.records.models import Encounter, EncounterStatus
from himswasthya.records.tests.test_workbench_browser import Keys, _sign_in, clinical_lists  # noqa: F401
from himswasthya.registration.tests import queue_factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = {"en": "The draft is saved.", "hi": "मसौदा सहेज लिया गया।"}
SIGNED = {"en": "The record is signed.", "hi": "रिकॉर्ड पर हस्ताक्षर हो गए।"}
# The second diagnosis is searched in the page's language: a code's words in English, a common term in Hindi.
SECOND_DIAGNOSIS = {"en": "essential hypertension", "hi": "उच्च रक्तचाप"}


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_doctor_records_and_signs_a_consultation_by_keyboard(
    page,
    live_server,
    doctor,
    persona_facility,
    clinical_lists,
    language,
):
    day = make.session_day(persona_facility)
    patient = make.person(persona_facility, name="Meena Sharma", name_deva="मीना शर्मा")
    make.appointment(day, patient)

    _sign_in(page, live_server, doctor, language)
    page.goto("/opd/doctor/")
    page.get_by_test_id("call-next").click()
    page.get_by_test_id("open-consultation").click()
    page.wait_for_url("**/records/encounters/*/")
    page.wait_for_load_state()
    expect(page.get_by_test_id("patient-header")).to_contain_text("मीना शर्मा")
    expect(page.locator("#f-chief_complaints")).to_be_focused()
    keys = Keys(page)
    dx_rows = page.get_by_test_id("diagnosis-row")
    rx_rows = page.get_by_test_id("prescription-row")

    started = time.perf_counter()
    keys.type("Fever, sore throat 3 days" if language == "en" else "बुखार, गले में दर्द 3 दिन")
    for value in ("130", "84", "92", "38.4", "97", "18", "62", "165", "110"):  # the vitals, in page order
        keys.press("Tab")
        keys.type(value)
    expect(page.get_by_test_id("bmi")).to_have_text("22.8")
    keys.press("Tab")
    keys.type("Throat congested")

    keys.press("Alt+KeyD")
    keys.type("J06.9")
    keys.press("Enter")
    expect(dx_rows).to_have_count(1)
    keys.type(SECOND_DIAGNOSIS[language])
    keys.press("Enter")
    expect(dx_rows).to_have_count(2)
    expect(dx_rows.nth(1).locator(".dx-code")).to_have_value("I10")

    keys.press("Alt+KeyM")
    for n, (search, dose, frequency, days) in enumerate(
        [
            ("paracetamol tab", "1 tab", "TDS", "5"),
            ("cetirizine", "1 tab", "HS", "5"),
            ("amlodipine", "1 tab", "OD", "30"),
        ]
    ):
        keys.type(search)
        keys.press("Enter")
        expect(rx_rows).to_have_count(n + 1)
        expect(rx_rows.nth(n).locator(".rx-dose")).to_be_focused()
        keys.type(dose)
        keys.press("Tab")
        keys.type(frequency)
        keys.press("Tab")
        keys.type(days)
        keys.press("Enter")  # back to the medicine search
        expect(page.get_by_test_id("rx-search")).to_be_focused()

    keys.press("Alt+KeyS")
    page.wait_for_load_state()
    expect(page.locator(".messages [role=status]")).to_have_text(SAVED[language])
    signing = time.perf_counter()
    keys.press("Alt+KeyG")
    typing_seconds = signing - started
    expect(page.locator(".messages [role=status]")).to_have_text(SIGNED[language])
    expect(page.get_by_test_id("record-readonly")).to_be_visible()
    print(
        f"\nworkbench typing time ({language}): {typing_seconds:.1f} s from the first keystroke to the sign"
        f" key, {keys.count} keystrokes"
    )

    encounter = Encounter.objects.get()
    assert encounter.status == EncounterStatus.SIGNED
    assert encounter.source_ref.startswith("opd:")
    assert [(d.icd10.code, d.is_primary) for d in encounter.diagnoses.all()] == [
        ("J06.9", True),
        ("I10", False),
    ]
    lines = list(encounter.prescriptions.all())
    assert [str(line.medicine) for line in lines] == [
        "Paracetamol Tablet 500 mg",
        "Cetirizine Tablet 10 mg",
        "Amlodipine Tablet 5 mg",
    ]
    assert [(line.dose, line.frequency, line.duration_days) for line in lines] == [
        ("1 tab", "TDS", 5),
        ("1 tab", "HS", 5),
        ("1 tab", "OD", 30),
    ]
    vitals = encounter.vitals
    assert (vitals.bp_systolic, vitals.bp_diastolic, vitals.spo2, str(vitals.temperature_c)) == (
        130,
        84,
        97,
        "38.4",
    )
