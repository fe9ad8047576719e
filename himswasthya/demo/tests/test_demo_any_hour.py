"""Issue #12 item 1: the demo can be walked at any hour. With the clock frozen at 03:00, 12:00 and 18:30 IST,
the demo loaders run, and then the citizen books today, the clerk checks the patient in and the doctor calls
them, through the JSON API; a walk-in is registered too. `refresh_demo_today` leaves today's casualty queue in
every state and can be run again."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from himswasthya.accounts.models import User
from himswasthya.demo.opd_today import TODAY_TARGET
from himswasthya.demo.personas import CASUALTY_DEPARTMENT
from himswasthya.facilities.models import OpdClosure, OpdSession, SessionKind
from himswasthya.registration.models import Appointment, AppointmentStatus, SessionDay
from himswasthya.registration.tests.booking_fixtures import make_person

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
WEDNESDAY = datetime.date(2026, 12, 9)
API = "/api/registration"


def _load_demo() -> str:
    out = StringIO()
    for command in ("make_demo_users", "make_opd_schedules", "refresh_demo_today"):
        call_command(command, stdout=out)
    return out.getvalue()


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _statuses(date: datetime.date) -> Counter[str]:
    return Counter(
        Appointment.objects.filter(date=date, department__code=CASUALTY_DEPARTMENT).values_list(
            "status", flat=True
        )
    )


@pytest.mark.parametrize("hour, minute", [(3, 0), (12, 0), (18, 30)])
def test_the_demo_walk_works_at_any_hour(demo_facility, login_as, hour, minute):
    facility, daughter = demo_facility
    with time_machine.travel(datetime.datetime(2026, 12, 9, hour, minute, tzinfo=IST), tick=False):
        output = _load_demo()
        assert "today's casualty queue topped up" in output
        have = _statuses(WEDNESDAY)
        assert all(have[status] == wanted for status, wanted in TODAY_TARGET.items()), have

        citizen = login_as(User.objects.get(username="demo.citizen"))
        today = citizen.get(
            f"{API}/availability/", {"facility": facility.pk, "from": "2026-12-09", "to": "2026-12-09"}
        )
        open_now = [row for row in today.json() if row["online_left"] > 0 and not row["closed_reason"]]
        casualty = [row for row in open_now if row["kind"] == SessionKind.ALL_DAY]
        assert casualty and casualty[0]["department"] == CASUALTY_DEPARTMENT, today.json()
        booked = _post(
            citizen,
            f"{API}/appointments/",
            {"person_id": daughter.pk, "session_id": casualty[0]["session_id"], "date": "2026-12-09"},
        )
        assert booked.status_code == 201, booked.content
        number = booked.json()["number"]

        clerk = login_as(User.objects.get(username="demo.clerk"))
        checked = _post(clerk, f"{API}/check-in/", {"number": number})
        assert checked.status_code == 200 and checked.json()["status"] == "checked_in", checked.content
        walk_in = _post(
            clerk,
            f"{API}/walk-ins/",
            {"person_id": make_person(facility.district).pk, "department_id": casualty_department(facility)},
        )
        assert walk_in.status_code == 201, walk_in.content

        doctor = login_as(User.objects.get(username="demo.doctor"))
        queues = doctor.get(f"{API}/queue/today/").json()
        day = SessionDay.objects.get(date=WEDNESDAY, department__code=CASUALTY_DEPARTMENT)
        assert day.pk in [q["session_day_id"] for q in queues], queues
        called = []
        while number not in called:
            response = _post(doctor, f"{API}/queue/session-days/{day.pk}/call-next/", {})
            assert response.status_code == 200, response.content  # 204 would mean ours was never called
            called.append(response.json()["number"])
        assert Appointment.objects.get(number=number).status == AppointmentStatus.CALLED


def casualty_department(facility) -> int:
    return facility.departments.get(code=CASUALTY_DEPARTMENT).pk


def test_a_refresh_tops_today_up_again_and_is_idempotent(demo_facility):
    with time_machine.travel(datetime.datetime(2026, 12, 9, 10, 0, tzinfo=IST), tick=False):
        _load_demo()
        first = _statuses(WEDNESDAY)
        call_command("refresh_demo_today", stdout=StringIO())
        assert _statuses(WEDNESDAY) == first  # nothing to top up
        waiting = Appointment.objects.filter(date=WEDNESDAY, status=AppointmentStatus.CHECKED_IN)
        waiting.update(status=AppointmentStatus.CANCELLED)  # the morning went on: the waiting line was seen
        call_command("refresh_demo_today", stdout=StringIO())
        again = _statuses(WEDNESDAY)
        assert again[AppointmentStatus.CHECKED_IN] == TODAY_TARGET[AppointmentStatus.CHECKED_IN]
        # Waiting times look like a morning's: arrivals spread back from now, within today.
        arrivals = sorted(
            Appointment.objects.filter(date=WEDNESDAY, checked_in_at__isnull=False).values_list(
                "checked_in_at", flat=True
            )
        )
        assert arrivals[0] < arrivals[-1] <= datetime.datetime(2026, 12, 9, 10, 0, tzinfo=IST)
        assert arrivals[0].astimezone(IST).date() == WEDNESDAY
    # Tomorrow's session days are open and have a few bookings.
    assert Appointment.objects.filter(date=WEDNESDAY + datetime.timedelta(days=1)).exists()


def test_the_casualty_runs_every_day_and_holidays_close_only_the_other_departments(demo_facility):
    facility, _ = demo_facility
    with time_machine.travel(datetime.datetime(2026, 12, 9, 10, 0, tzinfo=IST), tick=False):
        _load_demo()
    casualty = OpdSession.objects.filter(facility=facility, department__code=CASUALTY_DEPARTMENT)
    assert casualty.count() == 7 and {(s.kind, s.starts_at, s.ends_at) for s in casualty} == {
        (SessionKind.ALL_DAY, datetime.time(0, 0), datetime.time(23, 59))
    }
    christmas = OpdClosure.objects.filter(facility=facility, date=datetime.date(2026, 12, 25))
    assert christmas.exists() and not christmas.filter(department__isnull=True).exists()
    assert not christmas.filter(department__code=CASUALTY_DEPARTMENT).exists()
    assert christmas.filter(department__code="general-medicine").exists()
