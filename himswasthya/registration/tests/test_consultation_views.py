"""The OPD queue's "Open consultation": records.open_encounter for the called appointment (idempotent), then
the doctor's workbench; not for a token still waiting, nor for another facility's appointment."""

from __future__ import annotations

import pytest

from himswasthya.accounts.models import User
from himswasthya.records.models import Encounter, EncounterStatus
from himswasthya.registration.models import AppointmentStatus
from himswasthya.registration.tests import queue_factories as make

pytestmark = pytest.mark.django_db


def _url(encounter) -> str:
    return f"/records/encounters/{encounter.pk}/"


@pytest.fixture
def as_doctor(login_as, doctor):
    return login_as(doctor)


@pytest.fixture
def patient(persona_facility):
    return make.person(persona_facility, name="Meena Sharma", name_deva="मीना शर्मा")


@pytest.fixture
def other_doctor(persona_other_facility):
    return User.objects.create(username="kgr-doctor", role="doctor", facility=persona_other_facility)


def test_open_consultation_from_the_queue_is_idempotent_and_goes_to_the_workbench(
    as_doctor, doctor, persona_facility, patient
):
    day = make.session_day(persona_facility)
    appointment = make.appointment(day, patient, status=AppointmentStatus.CALLED)
    page = as_doctor.get("/opd/doctor/").content.decode()
    assert f"/opd/doctor/appointments/{appointment.number}/consultation/" in page
    assert "Open consultation" in page

    first = as_doctor.post(f"/opd/doctor/appointments/{appointment.number}/consultation/")
    again = as_doctor.post(f"/opd/doctor/appointments/{appointment.number}/consultation/")
    encounter = Encounter.objects.get(source_ref=f"opd:{appointment.number}")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == _url(encounter)
    assert (encounter.person, encounter.facility, encounter.department) == (
        patient,
        persona_facility,
        appointment.department,
    )
    assert encounter.practitioner == doctor and encounter.status == EncounterStatus.DRAFT


def test_a_token_not_called_gets_no_consultation(as_doctor, persona_facility, patient):
    day = make.session_day(persona_facility)
    appointment = make.appointment(day, patient)  # checked in, waiting
    response = as_doctor.post(f"/opd/doctor/appointments/{appointment.number}/consultation/", follow=True)
    assert "Call this token before opening its consultation." in response.content.decode()
    assert not Encounter.objects.exists()


def test_another_facilitys_appointment_is_not_found(login_as, other_doctor, persona_facility, patient):
    day = make.session_day(persona_facility)
    appointment = make.appointment(day, patient, status=AppointmentStatus.CALLED)
    response = login_as(other_doctor).post(f"/opd/doctor/appointments/{appointment.number}/consultation/")
    assert response.status_code == 404
    assert not Encounter.objects.exists()
