"""Rows for queue and slip tests, made directly with the models (independent of the booking engine)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from himswasthya.facilities.models import Department, Facility, OpdSession
from himswasthya.people.models import Person
from himswasthya.people.tests.factories import named_person
from himswasthya.registration.models import Appointment, AppointmentStatus, Channel, SessionDay

_serial = itertools.count(1)


def department(code: str = "gen-med", name: str = "General Medicine", name_hi: str = "सामान्य चिकित्सा"):
    dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name, "name_hi": name_hi})
    return dept


def session_day(facility: Facility, dept: Department | None = None, *, date: datetime.date | None = None):
    dept = dept or department()
    facility.departments.add(dept)
    date = date or timezone.localdate()
    session, _ = OpdSession.objects.get_or_create(
        facility=facility,
        department=dept,
        weekday=date.weekday(),
        kind="morning",
        defaults={
            "starts_at": datetime.time(9, 30),
            "ends_at": datetime.time(13, 0),
            "online_quota": 50,
            "walk_in_quota": 50,
        },
    )
    day, _ = SessionDay.objects.get_or_create(
        session=session,
        date=date,
        defaults={
            "facility": facility,
            "department": dept,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "online_quota": session.online_quota,
            "walk_in_quota": session.walk_in_quota,
        },
    )
    return day


def person(facility: Facility, *, name: str = "Asha Devi", name_deva: str = "आशा देवी", **fields) -> Person:
    n = next(_serial)
    defaults = {"sex": "F", "year_of_birth": 1980, "mobile": f"98{n:08d}"}
    return named_person(facility.district, name, name_deva=name_deva, **{**defaults, **fields})


def appointment(
    day: SessionDay, patient: Person | None = None, *, status: str = AppointmentStatus.CHECKED_IN, **fields
) -> Appointment:
    """The next token of the day, checked in now unless told otherwise."""
    SessionDay.objects.filter(pk=day.pk).update(last_token=day.last_token + 1)
    day.refresh_from_db()
    patient = patient or person(day.facility, name=f"Patient {day.last_token}", name_deva="")
    now = timezone.now()
    return Appointment.objects.create(
        number=fields.pop("number", f"OPD-{day.pk}-{day.last_token:04d}-{next(_serial)}"),
        session_day=day,
        facility=day.facility,
        department=day.department,
        date=day.date,
        person=patient,
        token_number=day.last_token,
        channel=fields.pop("channel", Channel.ONLINE),
        status=status,
        checked_in_at=fields.pop("checked_in_at", now if status != AppointmentStatus.BOOKED else None),
        **fields,
    )
