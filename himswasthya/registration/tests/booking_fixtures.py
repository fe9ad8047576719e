"""Fixtures of the booking-engine tests: a fixed clock, a department with sessions, the citizen's family.

The clock stands at Wednesday 25 November 2026, 08:00 in Shimla; the medicine OPD runs Wednesday and
Thursday mornings 09:30-13:00 (3 online and 2 walk-in places) at the persona medical college.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from himswasthya.facilities.models import Department, OpdSession
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.models import Person
from himswasthya.people.tests.factories import named_person
from himswasthya.registration import services

WEDNESDAY = datetime.date(2026, 11, 25)
THURSDAY = WEDNESDAY + datetime.timedelta(days=1)
_serial = itertools.count(1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def clock(monkeypatch):
    """Set the booking engine's clock: `clock.set(datetime)`; starts at Wednesday 08:00."""

    class Clock:
        now = at(WEDNESDAY, 8)

        def set(self, when: datetime.datetime) -> None:
            self.now = when

    c = Clock()
    monkeypatch.setattr(services, "_now", lambda: timezone.localtime(c.now))
    return c


def make_person(district, name: str = "Ramesh Kumar", mobile: str | None = None, **fields) -> Person:
    n = next(_serial)
    defaults = {"name_roman": f"{name} {n}", "sex": "M", "year_of_birth": 1980}
    return named_person(district, name, mobile=mobile, **{**defaults, **fields})


@pytest.fixture
def medicine(persona_facility):
    dept, _created = Department.objects.get_or_create(
        code="booking-medicine", defaults={"name": "Medicine", "name_hi": "मेडिसिन"}
    )
    persona_facility.departments.add(dept)
    return dept


def make_session(facility, department, weekday: int, **fields) -> OpdSession:
    return OpdSession.objects.create(
        facility=facility,
        department=department,
        weekday=weekday,
        kind=fields.pop("kind", "morning"),
        starts_at=fields.pop("starts_at", datetime.time(9, 30)),
        ends_at=fields.pop("ends_at", datetime.time(13, 0)),
        online_quota=fields.pop("online_quota", 3),
        walk_in_quota=fields.pop("walk_in_quota", 2),
        **fields,
    )


@pytest.fixture
def wednesday_session(persona_facility, medicine):
    return make_session(persona_facility, medicine, WEDNESDAY.weekday())


@pytest.fixture
def thursday_session(persona_facility, medicine):
    return make_session(persona_facility, medicine, THURSDAY.weekday())


@pytest.fixture
def family(citizen, persona_district):
    """The citizen's Him Parivar family: the citizen (head, with the mobile) and a child without a mobile."""
    fam = Family.objects.create(family_id="HP-FAM-BOOK-1", district=persona_district)
    head = make_person(persona_district, "Asha Devi", mobile=citizen.mobile, sex="F")
    child = make_person(persona_district, "Anu Devi", sex="F", year_of_birth=2015)
    member_of(fam, head, "M-BOOK-1")
    member_of(fam, child, "M-BOOK-2", "DAUGHTER")
    return {"head": head, "child": child}


@pytest.fixture
def stranger(persona_district):
    """A person of the facility's district who is not in the citizen's family."""
    return make_person(persona_district, "Vijay Negi", mobile="9812345678")
