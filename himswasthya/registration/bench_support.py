"""What bench/registration.py needs from the booking engine: a session to race for, patients to book, and the
statements one booking issues (to replay with pgbench as "the limit").

    from himswasthya.registration.bench_support import prepare_booking_bench, BOOKING_STATEMENTS
    setup = prepare_booking_bench(facility=f, department=d, date=day, online_quota=150, people=200)
    # POST /api/registration/appointments/ {"person_id": p, "session_id": setup.session_id, "date": day}
    # as a clerk of `facility` (session + CSRF), one person per request; 409 "session_full" once the quota is
    # used up. Afterwards check_booking_invariants(setup) returns the figures to print (and raises on a
    # violation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max

from himswasthya.facilities.models import Department, Facility, OpdSession
from himswasthya.notify.models import SmsOutbox
from himswasthya.people.models import Person
from himswasthya.registration.models import Appointment, SessionDay

# In order, per booking through POST /api/registration/appointments/ (auth/session reads not counted):
# two primary-key reads by the API, then the service's checks and its one transaction.
BOOKING_STATEMENTS = (
    "SELECT person by id",
    "SELECT OPD session (+ facility) by id",
    "SELECT the facility's OPD policy",
    "SELECT a closure of the facility/department on the date",
    "SELECT 1: the person is in the actor's scope",
    "BEGIN",
    "UPDATE registration_sessionday SET online_booked = online_booked + 1, last_token = last_token + 1"
    " WHERE session_id = $1 AND date = $2 AND online_booked < online_quota RETURNING id, last_token",
    "INSERT INTO registration_appointment (...) RETURNING id",
    "SELECT the person's state UHID (an INSERT and a counter UPDATE the first time)",
    "INSERT INTO audit_auditentry (...)",
    "INSERT INTO notify_smsoutbox (...)",
    "COMMIT",
    "(after commit: audit sealing - background on PostgreSQL - and the SMS send attempt)",
)


@dataclass(frozen=True)
class BenchSetup:
    session_id: int
    date: datetime.date
    online_quota: int
    person_ids: list[int]


def prepare_booking_bench(
    *,
    facility: Facility,
    department: Department,
    date: datetime.date,
    online_quota: int,
    people: int,
    walk_in_quota: int = 0,
) -> BenchSetup:
    """A fresh race: the evening session of `date`'s weekday with `online_quota` places and no bookings yet
    (earlier bench appointments of that day are deleted), and `people` synthetic patients of the facility's
    district, each with a UHID already issued (as most returning patients have)."""
    from himswasthya.people.services import do_issue_uhid

    with transaction.atomic():
        session, _created = OpdSession.objects.update_or_create(
            facility=facility,
            department=department,
            weekday=date.weekday(),
            kind="evening",
            defaults={
                "starts_at": datetime.time(16, 0),
                "ends_at": datetime.time(23, 59),
                "online_quota": online_quota,
                "walk_in_quota": walk_in_quota,
                "is_active": True,
            },
        )
        days = SessionDay.objects.filter(session=session, date=date)
        old = Appointment.objects.filter(session_day__in=days)
        SmsOutbox.objects.about_any(Appointment, old.values("pk")).delete()  # a reference, not a cascade
        old.delete()
        days.delete()
        facility.departments.add(department)
        existing = list(
            Person.objects.filter(district_id=facility.district_id, name_roman__startswith="Bench Patient ")
            .order_by("pk")
            .values_list("pk", flat=True)[:people]
        )
        for n in range(len(existing), people):
            person = Person.objects.create(
                given_name="Bench",
                family_name=f"Patient {n}",
                name_roman=f"Bench Patient {n}",
                sex="F" if n % 2 else "M",
                year_of_birth=1950 + n % 60,
                district_id=facility.district_id,
                is_synthetic=True,
            )
            do_issue_uhid(person)
            existing.append(person.pk)
    return BenchSetup(session_id=session.pk, date=date, online_quota=online_quota, person_ids=existing)


def check_booking_invariants(setup: BenchSetup) -> dict[str, int]:
    """After a race: booked = counter <= quota, tokens 1..n unique without gaps. Raises AssertionError."""
    day = SessionDay.objects.get(session_id=setup.session_id, date=setup.date)
    rows = Appointment.objects.filter(session_day=day)
    figures = rows.aggregate(
        n=Count("id"), tokens=Count("token_number", distinct=True), top=Max("token_number")
    )
    booked = rows.exclude(status="cancelled").count()
    assert day.online_booked <= day.online_quota, "quota exceeded"
    assert booked == day.online_booked, "counter does not match the appointments"
    assert figures["n"] == figures["tokens"] == (figures["top"] or 0) == day.last_token, "token gap or repeat"
    return {"booked": booked, "quota": day.online_quota, "last_token": day.last_token}
