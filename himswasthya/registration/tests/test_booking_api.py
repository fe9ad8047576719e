"""The booking API: /api/registration/availability, appointments, walk-ins and check-in."""

from __future__ import annotations

import datetime

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.registration.models import Appointment, AppointmentStatus, SessionDay
from himswasthya.registration.qr import slip_qr_payload
from himswasthya.registration.tests.booking_fixtures import THURSDAY, WEDNESDAY, make_person

pytestmark = pytest.mark.django_db
BASE = "/api/registration"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_availability_is_public_and_lists_places_left(
    client, clock, persona_facility, medicine, thursday_session
):
    response = client.get(
        f"{BASE}/availability/",
        {
            "facility": persona_facility.pk,
            "department": medicine.pk,
            "from": "2026-11-25",
            "to": "2026-11-27",
        },
    )
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [(r["date"], r["online_left"], r["walk_in_left"]) for r in rows] == [("2026-11-26", 3, 2)]
    too_long = client.get(
        f"{BASE}/availability/", {"facility": persona_facility.pk, "from": "2026-11-25", "to": "2027-01-25"}
    )
    assert too_long.status_code == 400 and too_long.json()["field"] == "to"


def test_a_citizen_books_sees_and_cancels_their_appointment(
    login_as, clock, citizen, family, thursday_session
):
    client = login_as(citizen)
    response = post(
        client,
        f"{BASE}/appointments/",
        {"person_id": family["child"].pk, "session_id": thursday_session.pk, "date": THURSDAY.isoformat()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token_number"] == 1 and body["uhid"].startswith("HP-") and body["qr"].startswith("HSOPD:")
    number = body["number"]
    mine = client.get(f"{BASE}/appointments/mine/").json()
    assert [a["number"] for a in mine] == [number]
    assert mine[0]["department_code"] == "booking-medicine"
    assert client.get(f"{BASE}/appointments/{number}/").status_code == 200
    cancelled = post(client, f"{BASE}/appointments/{number}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert SessionDay.objects.get().online_booked == 0


def test_booking_errors_have_the_domain_error_shape(
    login_as, clock, citizen, stranger, family, thursday_session
):
    client = login_as(citizen)
    not_family = post(
        client,
        f"{BASE}/appointments/",
        {"person_id": stranger.pk, "session_id": thursday_session.pk, "date": THURSDAY.isoformat()},
    )
    assert not_family.status_code == 404 and not_family.json()["code"] == "not_found"
    wrong_day = post(
        client,
        f"{BASE}/appointments/",
        {"person_id": family["head"].pk, "session_id": thursday_session.pk, "date": WEDNESDAY.isoformat()},
    )
    assert wrong_day.status_code == 400
    assert wrong_day.json() == {
        "code": "wrong_weekday",
        "field": "date",
        "message": wrong_day.json()["message"],
    }
    assert not Appointment.objects.exists()


def test_a_full_session_answers_409_session_full(login_as, clock, clerk, persona_district, thursday_session):
    client = login_as(clerk)
    codes = []
    for _ in range(4):
        person = make_person(persona_district)
        r = post(
            client,
            f"{BASE}/appointments/",
            {"person_id": person.pk, "session_id": thursday_session.pk, "date": THURSDAY.isoformat()},
        )
        codes.append((r.status_code, r.json().get("code")))
    assert codes[-1] == (409, "session_full") and [c[0] for c in codes[:3]] == [201, 201, 201]


def test_anonymous_and_other_people_are_refused(
    client, login_as, clock, citizen, clerk, other_facility_clerk, stranger, thursday_session
):
    data = {"person_id": stranger.pk, "session_id": thursday_session.pk, "date": THURSDAY.isoformat()}
    assert post(client, f"{BASE}/appointments/", data).status_code == 401
    number = post(login_as(clerk), f"{BASE}/appointments/", data).json()["number"]
    assert login_as(citizen).get(f"{BASE}/appointments/{number}/").status_code == 404
    assert login_as(other_facility_clerk).get(f"{BASE}/appointments/{number}/").status_code == 404
    assert post(login_as(citizen), f"{BASE}/appointments/{number}/cancel/").status_code == 404
    assert (
        post(
            login_as(citizen), f"{BASE}/walk-ins/", {"person_id": stranger.pk, "department_id": 1}
        ).status_code
        == 403
    )
    assert login_as(clerk).get(f"{BASE}/appointments/mine/").status_code == 403


def test_reschedule_through_the_api(login_as, clock, citizen, family, wednesday_session, thursday_session):
    clock.set(clock.now - datetime.timedelta(days=1))
    client = login_as(citizen)
    first = post(
        client,
        f"{BASE}/appointments/",
        {"person_id": family["head"].pk, "session_id": wednesday_session.pk, "date": WEDNESDAY.isoformat()},
    ).json()
    moved = post(
        client,
        f"{BASE}/appointments/{first['number']}/reschedule/",
        {"session_id": thursday_session.pk, "date": THURSDAY.isoformat()},
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["date"] == THURSDAY.isoformat()
    assert Appointment.objects.get(number=first["number"]).status == AppointmentStatus.CANCELLED


def test_the_clerk_registers_a_walk_in_and_checks_in_a_slip(
    login_as, clock, clerk, stranger, persona_district, medicine, wednesday_session
):
    client = login_as(clerk)
    walk_in = post(client, f"{BASE}/walk-ins/", {"person_id": stranger.pk, "department_id": medicine.pk})
    assert walk_in.status_code == 201, walk_in.content
    assert walk_in.json()["status"] == "checked_in"
    person = make_person(persona_district)
    booked = post(
        client,
        f"{BASE}/appointments/",
        {"person_id": person.pk, "session_id": wednesday_session.pk, "date": WEDNESDAY.isoformat()},
    ).json()
    checked = post(client, f"{BASE}/check-in/", {"qr": slip_qr_payload(booked["number"])})
    assert checked.status_code == 200, checked.content
    assert checked.json()["status"] == "checked_in"
    again = post(client, f"{BASE}/check-in/", {"number": booked["number"]})
    assert again.status_code == 409 and again.json()["code"] == "not_booked"
    forged = post(client, f"{BASE}/check-in/", {"qr": "HSOPD:forged"})
    assert forged.status_code == 400 and forged.json()["code"] == "qr_invalid"
    assert AuditEntry.objects.filter(action="appointment.check_in").count() == 1
