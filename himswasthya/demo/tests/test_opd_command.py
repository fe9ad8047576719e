"""`make_opd_schedules`: sensible demo timetables by facility type, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from himswasthya.demo.management.commands.make_opd_schedules import (
    demo_facilities,
    holiday_dates,
    make_opd_schedules,
)
from himswasthya.demo.personas import CASUALTY_DEPARTMENT, demo_home_facility
from himswasthya.facilities.models import Facility, FacilityType, OpdClosure, OpdPolicy, OpdSession

pytestmark = pytest.mark.django_db


def test_holidays_are_the_ones_still_ahead():
    dates = [d for d, _ in holiday_dates(dt.date(2026, 11, 25))]
    assert dates == [
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 26),
        dt.date(2027, 4, 15),
        dt.date(2027, 8, 15),
        dt.date(2027, 10, 2),
        dt.date(2027, 12, 25),
    ]


def test_it_is_idempotent_and_sized_by_type(hp_facilities):
    facilities = demo_facilities()
    assert facilities.filter(facility_type=FacilityType.MEDICAL_COLLEGE).count() == 6
    first = make_opd_schedules(facilities, today=dt.date(2026, 11, 25))
    assert first["sessions"] > 0 and first["policies"] == first["facilities"]
    home = demo_home_facility()  # its holidays close each department but the casualty, not the whole facility
    closed_departments = home.departments.exclude(code=CASUALTY_DEPARTMENT).count()
    assert first["closures"] == (first["facilities"] - 1 + closed_departments) * 6
    again = make_opd_schedules(facilities, today=dt.date(2026, 11, 25))
    assert (again["sessions"], again["policies"], again["closures"]) == (0, 0, 0)

    sub_centre = facilities.filter(facility_type=FacilityType.SUB_CENTRE).first()
    sessions = OpdSession.objects.filter(facility=sub_centre)
    assert sessions.count() == 6 and {s.department.code for s in sessions} == {"general-opd"}
    assert {(s.online_quota, s.walk_in_quota, s.starts_at, s.ends_at) for s in sessions} == {
        (20, 30, dt.time(9, 30), dt.time(13, 0))
    }
    assert not sessions.filter(weekday=6).exists()
    college = Facility.objects.filter(facility_type=FacilityType.MEDICAL_COLLEGE).first()
    evening = OpdSession.objects.filter(facility=college, kind="evening")
    assert set(evening.values_list("department__code", flat=True)) == {"general-medicine"}
    casualty = OpdSession.objects.filter(department__code=CASUALTY_DEPARTMENT)
    assert set(casualty.values_list("facility", "kind").distinct()) == {(home.pk, "all_day")}
    policy = OpdPolicy.objects.get(facility=college)
    assert (policy.booking_window_days, policy.cancellation_cutoff_minutes) == (7, 120)
    assert OpdClosure.objects.filter(facility=college, reason="Himachal Day").count() == 1


def test_it_keeps_an_administrators_edits(hp_facilities):
    college = Facility.objects.filter(facility_type=FacilityType.MEDICAL_COLLEGE).first()
    call_command("make_opd_schedules", "--facility", college.code, stdout=StringIO())
    session = OpdSession.objects.filter(facility=college).first()
    OpdSession.objects.filter(pk=session.pk).update(online_quota=1)
    out = StringIO()
    call_command("make_opd_schedules", "--facility", college.code, stdout=out)
    assert "added 0 sessions" in out.getvalue()
    session.refresh_from_db()
    assert session.online_quota == 1
    assert OpdSession.objects.exclude(facility=college).count() == 0
