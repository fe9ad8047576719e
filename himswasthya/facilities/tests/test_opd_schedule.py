"""The OPD schedule facilities keeps (issue #11 item 3): the public timetable page and API and the weekly
grid, on sessions written directly (the administrator's set-up, with its own tests, is registration's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from himswasthya.facilities import opd_services
from himswasthya.facilities.departments import ensure_departments
from himswasthya.facilities.models import Department, OpdClosure, OpdSession, SessionKind, Weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(persona_facility):
    ensure_departments()
    medicine = Department.objects.get(code="general-medicine")
    persona_facility.departments.add(medicine)
    return OpdSession.objects.create(
        facility=persona_facility,
        department=medicine,
        weekday=Weekday.WEDNESDAY,
        kind=SessionKind.MORNING,
        starts_at=dt.time(9, 30),
        ends_at=dt.time(13, 0),
        online_quota=40,
        walk_in_quota=60,
    )


def test_the_weekly_grid_puts_each_active_session_in_its_cell(session):
    [row] = opd_services.weekly_grid(session.facility)
    assert row.department == session.department
    assert [len(cell) for cell in row.days] == [0, 0, 1, 0, 0, 0, 0]
    session.is_active = False
    session.save()
    assert opd_services.weekly_grid(session.facility) == []


def test_the_public_timetable_shows_days_and_times_but_not_quotas_nor_set_up_links(client, session):
    OpdClosure.objects.create(
        facility=session.facility, date=timezone.localdate() + dt.timedelta(days=3), reason="Local fair"
    )
    page = client.get(f"/facilities/{session.facility.code}/timetable/").content.decode()
    assert "General medicine" in page and "09:30–13:00" in page and "Local fair" in page
    assert "walk-in" not in page and "/opd/sessions/" not in page


def test_the_public_schedule_api_gives_the_sessions_and_the_default_policy(client, session):
    body = client.get(f"/api/facilities/{session.facility.code}/opd/").json()
    assert body["policy"] == {"booking_window_days": 7, "cancellation_cutoff_minutes": 120}
    [listed] = body["sessions"]
    assert listed["department"] == "general-medicine" and listed["starts_at"] == "09:30:00+05:30"
    assert client.get("/api/facilities/NO-SUCH/opd/").status_code == 404
