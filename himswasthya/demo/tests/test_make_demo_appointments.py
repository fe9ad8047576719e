"""make_demo_appointments: opens today's and tomorrow's session days at the demo facility and books a few."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from himswasthya.registration.models import Appointment, SessionDay
from himswasthya.registration.tests.booking_fixtures import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clerk(clerk):
    clerk.username = "demo.clerk"
    clerk.save()
    return clerk


def test_demo_appointments_skip_without_sessions(demo_clerk, clock):
    out = StringIO()
    call_command("make_demo_appointments", stdout=out)
    assert "skipped" in out.getvalue() and not Appointment.objects.exists()


def test_demo_appointments_open_today_and_tomorrow_and_book(
    demo_clerk, clock, persona_district, wednesday_session, thursday_session
):
    for _ in range(8):
        make_person(persona_district)
    call_command("make_demo_appointments", "--per-session", "2", stdout=StringIO())
    assert SessionDay.objects.count() == 2
    assert Appointment.objects.count() == 4
    call_command("make_demo_appointments", "--per-session", "2", stdout=StringIO())  # again: still full-safe
    assert Appointment.objects.count() == 6  # one more place left per day (quota 3)
    assert set(SessionDay.objects.values_list("online_booked", flat=True)) == {3}
