"""Correctness under load, with real concurrent connections on PostgreSQL (not a timed test).

PostgreSQL here allows 100 connections shared by every test run on the machine, so the 200 bookings are
made by RACE_THREADS threads (each with its own connection) released together by a barrier: every
booking still races the others for the same session-day row.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from himswasthya.core.errors import DomainError
from himswasthya.core.tests.race import errors, race
from himswasthya.facilities.models import OpdSession
from himswasthya.people.models import Person
from himswasthya.registration import services
from himswasthya.registration.models import Appointment, SessionDay
from himswasthya.registration.tests.booking_fixtures import THURSDAY, make_person, make_session

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RACE_THREADS = int(os.environ.get("BOOKING_RACE_THREADS", "40"))


def test_200_concurrent_bookings_never_exceed_the_quota(
    clock, clerk, persona_district, persona_facility, medicine
):
    session = make_session(persona_facility, medicine, THURSDAY.weekday(), online_quota=150, walk_in_quota=10)
    people = [make_person(persona_district) for _ in range(200)]

    def job(person):
        return lambda: services.do_book_appointment(
            actor=clerk, person=person, session=session, date=THURSDAY
        )

    results = race([job(p) for p in people], threads=min(RACE_THREADS, 200))
    refused = errors(results)
    assert Counter(getattr(e, "code", type(e).__name__) for e in refused) == {"session_full": 50}
    assert len(results) - len(refused) == 150
    tokens = sorted(Appointment.objects.values_list("token_number", flat=True))
    assert tokens == list(range(1, 151))  # unique, without gaps
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (150, 150)
    assert Appointment.objects.filter(session_day=day, status="booked").count() == day.online_booked


def test_the_same_person_booking_twice_at_once_gets_one_appointment(
    clock, clerk, persona_district, persona_facility, medicine
):
    session = make_session(persona_facility, medicine, THURSDAY.weekday(), online_quota=50)
    person = make_person(persona_district)
    jobs = [
        lambda: services.do_book_appointment(actor=clerk, person=person, session=session, date=THURSDAY)
        for _ in range(8)
    ]
    results = race(jobs, threads=8)
    refused = errors(results)
    assert len(results) - len(refused) == 1
    assert all(isinstance(e, DomainError) and e.code == "already_booked" for e in refused), refused
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (1, 1)
    assert Appointment.objects.get().token_number == 1


def test_the_bench_setup_and_invariant_check(clock, clerk, persona_facility, medicine):
    from himswasthya.registration.bench_support import check_booking_invariants, prepare_booking_bench

    setup = prepare_booking_bench(
        facility=persona_facility, department=medicine, date=THURSDAY, online_quota=20, people=30
    )
    session = OpdSession.objects.get(pk=setup.session_id)

    def job(person_id):
        person = Person.objects.get(pk=person_id)
        return lambda: services.do_book_appointment(
            actor=clerk, person=person, session=session, date=THURSDAY
        )

    results = race([job(p) for p in setup.person_ids], threads=10)
    assert len(results) - len(errors(results)) == 20
    assert check_booking_invariants(setup) == {"booked": 20, "quota": 20, "last_token": 20}
    again = prepare_booking_bench(
        facility=persona_facility, department=medicine, date=THURSDAY, online_quota=20, people=30
    )
    assert again.person_ids == setup.person_ids and not Appointment.objects.exists()
