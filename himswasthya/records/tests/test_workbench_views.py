"""The doctor's consultation workbench pages: saved and signed through the services, errors shown at their
field in the page's language with nothing typed lost, other facilities 404, citizens refused. (Opening it from
the OPD queue: registration/tests/test_consultation_views.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.records import coding, services
from himswasthya.records.models import Encounter, EncounterStatus, FavouriteCode

pytestmark = pytest.mark.django_db


def _url(encounter) -> str:
    return f"/records/encounters/{encounter.pk}/"


def _form(paracetamol, **changes) -> dict[str, str]:
    """A whole consultation as the page posts it (input names are the services' field paths)."""
    form = {
        "chief_complaints": "Fever for three days",
        "examination_notes": "Throat congested",
        "investigations_advised": "CBC",
        "advice": "Plenty of fluids",
        "follow_up_on": "",
        "vitals.bp_systolic": "130",
        "vitals.bp_diastolic": "85",
        "vitals.pulse": "88",
        "vitals.temperature_c": "38.2",
        "vitals.spo2": "97",
        "vitals.respiratory_rate": "18",
        "vitals.weight_kg": "60",
        "vitals.height_cm": "160",
        "vitals.random_blood_sugar": "",
        # indexes as a page leaves them after a row was removed: 0 and 2
        "diagnoses[0].code": "j06.9",
        "diagnoses[0].note": "",
        "diagnoses[2].code": "I10",
        "diagnoses[2].note": "known case",
        "primary": "0",
        "prescriptions[0].medicine_id": str(paracetamol.pk),
        "prescriptions[0].free_text": "",
        "prescriptions[0].name": "",
        "prescriptions[0].strength": "500 mg",
        "prescriptions[0].dose": "1 tablet",
        "prescriptions[0].frequency": "TDS",
        "prescriptions[0].duration_days": "3",
        "prescriptions[0].route": "oral",
        "prescriptions[0].instructions": "खाने के बाद",
        "prescriptions[1].medicine_id": "",
        "prescriptions[1].free_text": "1",
        "prescriptions[1].name": "Betadine gargle",
        "prescriptions[1].dose": "10 mL",
        "prescriptions[1].frequency": "BD",
        "prescriptions[1].duration_days": "5",
        "prescriptions[1].route": "oral",
        "allergies[0].substance": "Penicillin",
        "allergies[0].reaction": "Rash",
        "allergies[1].substance": "",
        "allergies[1].reaction": "",
        "action": "save",
    }
    form.update(changes)
    return form


@pytest.fixture
def as_doctor(login_as, doctor):
    return login_as(doctor)


def _hindi(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    return client


# --- the page ---------------------------------------------------------------------------------------------


def test_the_workbench_shows_the_patient_history_and_a_form_with_the_vital_ranges(
    as_doctor, doctor, draft, patient, persona_facility, good_draft
):
    earlier = services.open_encounter(doctor, patient, persona_facility, source_ref="opd:EARLIER")
    services.save_draft(doctor, earlier, good_draft)
    services.sign(doctor, earlier)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = as_doctor.get(_url(draft))
    body = response.content.decode()
    assert response.status_code == 200
    assert patient.name_roman in body
    assert 'name="vitals.spo2"' in body and 'min="50" max="100"' in body
    assert 'name="vitals.temperature_c"' in body and 'step="0.1" min="30.0" max="45.0"' in body
    glance = body[body.index('data-testid="at-a-glance"') :]
    assert "J06.9" in glance and "Paracetamol Tablet 500 mg" in glance and "Penicillin" in glance
    assert 'data-testid="allergy-alert"' in body
    # the reads went through the audited services
    actions = set(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True))
    assert {AuditAction.ENCOUNTER_READ, AuditAction.RECORDS_HISTORY_READ} <= actions


def test_save_then_sign_then_correct(as_doctor, doctor, draft, paracetamol, codes):
    response = as_doctor.post(_url(draft), _form(paracetamol))
    assert response.status_code == 302 and response["Location"] == _url(draft)
    draft.refresh_from_db()
    assert draft.chief_complaints == "Fever for three days"
    assert draft.vitals.spo2 == 97 and str(draft.vitals.bmi) == "23.4"
    assert [(d.icd10.code, d.is_primary) for d in draft.diagnoses.all()] == [("J06.9", True), ("I10", False)]
    lines = list(draft.prescriptions.all())
    assert [line.medicine_name for line in lines] == ["Paracetamol Tablet 500 mg", "Betadine gargle"]
    assert lines[0].instructions == "खाने के बाद" and lines[1].free_text
    assert [a.substance for a in draft.allergies.all()] == ["Penicillin"]  # the empty row is left out
    page = as_doctor.get(_url(draft)).content.decode()
    assert "The draft is saved." in page and 'value="Betadine gargle"' in page

    signed = as_doctor.post(_url(draft), _form(paracetamol, action="sign"))
    assert signed.status_code == 302
    draft.refresh_from_db()
    assert draft.is_signed
    page = as_doctor.get(_url(draft)).content.decode()
    assert 'data-testid="record-readonly"' in page and 'id="wb-form"' not in page
    assert 'data-testid="correct"' in page
    assert (
        f'href="/records/{draft.pk}/record.pdf" data-testid="print-pdf"' in page
    )  # printed from the workbench
    assert as_doctor.get(f"/records/{draft.pk}/record.pdf").content.startswith(b"%PDF")

    again = as_doctor.post(_url(draft), _form(paracetamol, chief_complaints="changed"))
    assert again.status_code == 400
    assert "A signed record cannot be changed" in again.content.decode()
    draft.refresh_from_db()
    assert draft.chief_complaints == "Fever for three days"

    corrected = as_doctor.post(f"/records/encounters/{draft.pk}/correct/")
    new = Encounter.objects.get(supersedes=draft)
    assert corrected["Location"] == _url(new)
    assert new.status == EncounterStatus.DRAFT and new.diagnoses.count() == 2
    page = as_doctor.get(_url(draft)).content.decode()
    assert 'data-testid="newer-version"' in page and 'data-testid="correct"' not in page


@pytest.mark.parametrize(
    ("changes", "field", "english", "hindi"),
    [
        (
            {"vitals.spo2": "120"},
            "vitals.spo2",
            "Oxygen saturation (SpO2) must be between 50 and 100 %.",
            "के बीच होना चाहिए",
        ),
        ({"prescriptions[1].dose": ""}, "prescriptions[1].dose", "This is required.", None),
        ({"diagnoses[2].code": "X99.99"}, "diagnoses[1].code", "This is not an ICD-10 code.", None),
        (
            {"prescriptions[0].medicine_id": "999999"},
            "prescriptions[0].medicine_id",
            "Choose a medicine from the essential medicines list, or mark it as free text.",
            None,
        ),
        (
            {"follow_up_on": "2001-01-01"},
            "follow_up_on",
            "The follow-up date cannot be before the visit.",
            None,
        ),
    ],
)
def test_an_error_is_shown_at_its_field_and_nothing_typed_is_lost(
    as_doctor, draft, paracetamol, codes, changes, field, english, hindi
):
    response = as_doctor.post(_url(draft), _form(paracetamol, **changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert f'data-field="{field}">{english}' in body.replace("&#x27;", "'")
    # everything typed comes back
    for typed in (
        "Fever for three days",
        'value="Betadine gargle"',
        'value="known case"',
        'value="60"',
        "CBC",
    ):
        assert typed in body
    assert not draft.diagnoses.exists() and not hasattr(Encounter.objects.get(pk=draft.pk), "vitals")
    if hindi:
        hindi_body = _hindi(as_doctor).post(_url(draft), _form(paracetamol, **changes)).content.decode()
        assert hindi in hindi_body and english not in hindi_body


def test_the_hindi_page_is_in_hindi(as_doctor, draft):
    body = _hindi(as_doctor).get(_url(draft)).content.decode()
    for hindi in ("मुख्य शिकायतें", "जीवन संकेत", "निदान", "मसौदा सहेजें", "सहेजें और हस्ताक्षर करें"):
        assert hindi in body


def test_another_facilitys_doctor_and_a_citizen_are_refused(login_as, other_doctor, citizen, draft):
    assert login_as(other_doctor).get(_url(draft)).status_code == 404
    assert login_as(other_doctor).post(_url(draft), {"chief_complaints": "x"}).status_code == 404
    assert login_as(other_doctor).post(f"/records/encounters/{draft.pk}/correct/").status_code == 404
    services.sign(draft.practitioner, draft)
    # the citizen may read her signed record elsewhere (her records pages), never the doctor's workbench
    assert login_as(citizen).get(_url(draft)).status_code == 403
    assert login_as(citizen).get("/records/codes/icd10/?q=fever").status_code == 403
    draft.refresh_from_db()
    assert draft.chief_complaints == ""


def test_a_missing_encounter_is_not_found(as_doctor):
    assert as_doctor.get("/records/encounters/999999/").status_code == 404
    assert as_doctor.post("/records/encounters/999999/correct/").status_code == 404


# --- searches and the doctor's own codes -------------------------------------------------------------------


def test_icd10_search_in_english_and_hindi_and_medicines(as_doctor, codes, paracetamol):
    body = as_doctor.get("/records/codes/icd10/?q=hypertension").content.decode()
    assert 'data-code="I10"' in body and "E11" not in body
    assert 'data-code="E11.9"' in as_doctor.get("/records/codes/icd10/?q=मधुमेह").content.decode()
    assert 'data-code="E11.9"' in as_doctor.get("/records/codes/icd10/?q=E11").content.decode()
    assert 'data-code="E11"' not in as_doctor.get("/records/codes/icd10/?q=E11").content.decode()
    body = as_doctor.get("/records/codes/medicines/?q=paracetamol tab 500").content.decode()
    assert f'data-medicine-id="{paracetamol.pk}"' in body
    assert 'data-free-text="1" data-name="paracetamol tab 500"' in body  # free text is always offered last
    assert as_doctor.get("/records/codes/icd10/?q=x").content.decode().strip() == ""


def test_favourite_and_recent_codes_are_the_doctors_own(
    as_doctor, doctor, other_doctor, login_as, draft, good_draft, codes
):
    response = as_doctor.post("/records/codes/favourites/", {"code": "i10"})
    assert response.status_code == 200 and 'data-code="I10"' in response.content.decode()
    assert [c.code for c in coding.favourite_codes(doctor)] == ["I10"]
    refused = as_doctor.post("/records/codes/favourites/", {"code": "E11"})
    assert refused.status_code == 400 and "is a group of codes" in refused.content.decode()
    assert 'data-code="I10"' in as_doctor.get(_url(draft)).content.decode()
    assert as_doctor.post("/records/codes/favourites/", {"code": "I10"}).status_code == 200
    assert not FavouriteCode.objects.exists()

    services.save_draft(doctor, draft, good_draft)
    assert [c.code for c in coding.recent_codes(doctor)] == ["I10", "J06.9"]
    assert coding.recent_codes(other_doctor) == []
    page = as_doctor.get(_url(draft)).content.decode()
    assert 'data-testid="recent-codes"' in page


def test_a_correction_draft_does_not_list_its_own_versions_as_past_visits(as_doctor, doctor, draft):
    services.sign(doctor, draft)
    new = services.correct(doctor, draft)
    body = as_doctor.get(_url(new)).content.decode()
    assert 'data-testid="no-past-visits"' in body
    assert f'href="/records/encounters/{draft.pk}/"' in body  # "corrects an earlier version"


def test_the_follow_up_date_is_kept(as_doctor, draft, paracetamol, codes):
    later = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert as_doctor.post(_url(draft), _form(paracetamol, follow_up_on=later)).status_code == 302
    draft.refresh_from_db()
    assert draft.follow_up_on.isoformat() == later
    assert f'value="{later}"' in as_doctor.get(_url(draft)).content.decode()
