"""Queue pages and API: the public display shows tokens only; the doctor acts in own facility only."""

from __future__ import annotations

import pytest
from django.test import Client

from himswasthya.accounts.models import User
from himswasthya.audit.models import AuditEntry
from himswasthya.people.services import do_issue_uhid
from himswasthya.registration.models import AppointmentStatus as S
from himswasthya.registration.tests import queue_factories as make


@pytest.fixture
def day(persona_facility):
    return make.session_day(persona_facility)


@pytest.fixture
def other_doctor(persona_other_facility):
    return User.objects.create(username="kgr-doctor", role="doctor", facility=persona_other_facility)


def _display_url(day, suffix=""):
    return f"/opd/queue/{day.facility.code}/{day.department.code}/{suffix}"


@pytest.mark.django_db
def test_the_display_shows_tokens_and_no_personal_data(day, doctor):
    patients = [
        make.person(
            day.facility, name=f"Kamla Thakur{i}", name_deva=f"कमला ठाकुर{i}", mobile=f"97000000{i:02d}"
        )
        for i in range(4)
    ]
    appointments = [make.appointment(day, p) for p in patients]
    do_issue_uhid(patients[0])
    from himswasthya.registration import queue

    queue.do_call_next(doctor, day)

    for url in (_display_url(day), _display_url(day, "board/")):
        body = Client().get(url).content.decode()
        assert '<ul class="serving" data-testid="now-serving"><li>1</li></ul>' in body
        assert "<li>2</li><li>3</li><li>4</li>" in body
        for person, appointment in zip(patients, appointments, strict=True):
            for personal in (person.name_roman, person.name_deva, person.given_name, person.mobile[-4:]):
                assert personal not in body
            assert appointment.number not in body
        assert "HP" + str(day.facility.district.lgd_code) not in body  # no UHID
    api = Client().get(f"/api/registration/queue/board/{day.facility.code}/{day.department.code}/").json()
    assert api["sessions"][0]["now_serving"] == [1] and api["sessions"][0]["next_tokens"] == [2, 3, 4]
    assert "Kamla" not in str(api)


@pytest.mark.django_db
def test_the_display_page_polls_its_board_without_reloading(day):
    body = Client().get(_display_url(day)).content.decode()
    assert 'data-board-url="/opd/queue/' in body and "js/queue_display.js" in body
    assert '<meta http-equiv="refresh"' not in body


@pytest.mark.django_db
def test_the_display_of_an_unknown_department_is_404(day):
    assert Client().get(f"/opd/queue/{day.facility.code}/no-such-dept/").status_code == 404


@pytest.mark.django_db
def test_the_doctor_calls_and_sees_the_patient(day, doctor, login_as):
    patient = make.person(
        day.facility, name="Rakesh Kumar", name_deva="राकेश कुमार", sex="M", year_of_birth=1970
    )
    uhid = do_issue_uhid(patient)
    appointment = make.appointment(day, patient)
    client = login_as(doctor)

    response = client.post(f"/opd/doctor/session-days/{day.pk}/call-next/", follow=True)

    body = response.content.decode()
    assert "Token 1 called." in body
    assert "Rakesh Kumar" in body and "राकेश कुमार" in body and uhid in body
    assert AuditEntry.objects.filter(action="appointment.read", object_id=appointment.number).exists()

    body = client.post(
        f"/opd/doctor/appointments/{appointment.number}/complete/", follow=True
    ).content.decode()
    assert "Token 1 marked as seen." in body
    appointment.refresh_from_db()
    assert appointment.status == S.COMPLETED


@pytest.mark.django_db
def test_the_doctor_sees_one_department_chosen_once_and_opens_the_patient(day, doctor, login_as):
    """Issue #12 item 6: not every department's queue stacked on one page, but the doctor's own."""
    eye = make.session_day(day.facility, make.department("eye", "Ophthalmology", "नेत्र रोग"))
    for i in range(2):
        make.appointment(eye, make.person(day.facility, name=f"Eye Patient{i}"))
    make.appointment(day)
    client = login_as(doctor)

    first = client.get("/opd/doctor/").content.decode()  # nothing chosen yet: the busiest department
    assert first.count('data-testid="queue-panel"') == 1 and f'data-session-day="{eye.pk}"' in first
    assert 'data-testid="queue-departments"' in first and "?department=gen-med" in first

    chosen = client.get("/opd/doctor/?department=gen-med").content.decode()
    assert f'data-session-day="{day.pk}"' in chosen and f'data-session-day="{eye.pk}"' not in chosen
    body = client.post(f"/opd/doctor/session-days/{day.pk}/call-next/", follow=True).content.decode()
    assert f'data-session-day="{day.pk}"' in body and f'data-session-day="{eye.pk}"' not in body  # remembered
    called = day.appointments.get(status=S.CALLED)
    assert f'href="/people/{called.person_id}/" data-testid="called-patient"' in body
    assert client.get(f"/people/{called.person_id}/").status_code == 200
    unknown = client.get("/opd/doctor/?department=no-such").content.decode()  # ignored: the remembered one
    assert f'data-session-day="{day.pk}"' in unknown and f'data-session-day="{eye.pk}"' not in unknown


@pytest.mark.django_db
def test_the_doctor_sees_a_clear_message_for_a_refused_action(day, doctor, login_as):
    appointment = make.appointment(day)
    body = (
        login_as(doctor)
        .post(f"/opd/doctor/appointments/{appointment.number}/complete/", follow=True)
        .content.decode()
    )
    assert "Only a called patient can be marked as seen" in body


@pytest.mark.django_db
def test_doctor_pages_refuse_other_roles_and_other_facilities(day, clerk, other_doctor, login_as, client):
    appointment = make.appointment(day)
    assert client.get("/opd/doctor/").status_code == 302
    assert login_as(clerk).get("/opd/doctor/").status_code == 403
    other = login_as(other_doctor)
    assert "Token" not in other.get("/opd/doctor/").content.decode().split("<main")[1].split("</main>")[0]
    assert other.post(f"/opd/doctor/session-days/{day.pk}/call-next/").status_code == 404
    assert other.post(f"/opd/doctor/appointments/{appointment.number}/no-show/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == S.CHECKED_IN


@pytest.mark.django_db
def test_the_api_calls_next_and_completes(day, doctor, login_as):
    patient = make.person(day.facility, name="Sunita Negi", name_deva="सुनीता नेगी")
    appointment = make.appointment(day, patient)
    client = login_as(doctor, enforce_csrf_checks=False)

    called = client.post(f"/api/registration/queue/session-days/{day.pk}/call-next/")
    assert called.status_code == 200
    assert called.json()["token_number"] == 1 and called.json()["patient_name_deva"] == "सुनीता नेगी"
    assert client.post(f"/api/registration/queue/session-days/{day.pk}/call-next/").status_code == 204

    state = client.get("/api/registration/queue/today/").json()
    assert state[0]["now_serving"][0]["number"] == appointment.number
    assert state[0]["counts"] == {"called": 1}

    refused = client.post(f"/api/registration/queue/appointments/{appointment.number}/send-back/")
    assert refused.status_code == 200 and refused.json()["status"] == "checked_in"
    again = client.post(f"/api/registration/queue/appointments/{appointment.number}/complete/")
    assert again.status_code == 409 and again.json()["code"] == "queue_transition"
    assert again.json()["field"] == "status"


@pytest.mark.django_db
def test_the_api_refuses_other_facilities_and_roles(day, other_doctor, clerk, login_as, client):
    appointment = make.appointment(day)
    assert client.get("/api/registration/queue/today/").status_code == 401
    assert login_as(clerk).get("/api/registration/queue/today/").status_code == 403
    other = login_as(other_doctor)
    assert other.get("/api/registration/queue/today/").json() == []
    assert other.post(f"/api/registration/queue/session-days/{day.pk}/call-next/").status_code == 404
    assert (
        other.post(f"/api/registration/queue/appointments/{appointment.number}/complete/").status_code == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == S.CHECKED_IN


@pytest.mark.django_db
def test_the_doctor_page_in_hindi(day, doctor, login_as):
    make.appointment(day)
    client = login_as(doctor)
    client.cookies["django_language"] = "hi"
    body = client.get("/opd/doctor/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "अगला टोकन बुलाएँ" in body
