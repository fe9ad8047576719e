"""Doctors pressing "call next" at the same moment on PostgreSQL never get the same patient."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from himswasthya.accounts.models import User
from himswasthya.registration import queue
from himswasthya.registration.models import Appointment
from himswasthya.registration.models import AppointmentStatus as S
from himswasthya.registration.tests import queue_factories as make

DOCTORS = 6
PATIENTS = 40


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_call_next_never_calls_a_patient_twice(persona_facility):
    day = make.session_day(persona_facility)
    for _ in range(PATIENTS):
        make.appointment(day)
    doctors = [
        User.objects.create(username=f"doc{i}", role="doctor", facility=persona_facility)
        for i in range(DOCTORS)
    ]
    start = threading.Barrier(DOCTORS)
    called: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(doctor: User) -> None:
        try:
            start.wait()
            while (appointment := queue.do_call_next(doctor, day)) is not None:
                with lock:
                    called.append(appointment.pk)
        except BaseException as exc:  # reported below: a thread's exception must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(d,)) for d in doctors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(called) == PATIENTS
    assert Counter(called).most_common(1)[0][1] == 1  # nobody called twice
    assert Appointment.objects.filter(session_day=day, status=S.CALLED).count() == PATIENTS
    assert Appointment.objects.filter(session_day=day, called_at__isnull=True).count() == 0
