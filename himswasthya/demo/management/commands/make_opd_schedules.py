"""`manage.py make_opd_schedules [--facility CODE] [--all]`: demonstration OPD timetables, idempotent.

Gives each chosen facility weekly sessions by facility type, a booking policy (7 days ahead, cancellation
up to 120 minutes before) and closures on the 2026-27 holidays. The demo's own facility
(`personas.demo_home_facility`) also gets a casualty OPD round the clock, every day: there the holidays close
the other departments, not the casualty, so the demo can be walked at any hour of any day. Never changes what
already exists (an administrator's edits survive a re-run); only missing rows are added, with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from himswasthya.demo.personas import CASUALTY_DEPARTMENT, demo_home_facility
from himswasthya.facilities.models import (
    Facility,
    FacilityType,
    OpdClosure,
    OpdPolicy,
    OpdSession,
    SessionKind,
    Weekday,
)

MON_TO_SAT = [
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SATURDAY,
]
MORNING = (dt.time(9, 30), dt.time(13, 0))
EVENING = (dt.time(15, 0), dt.time(17, 0))
ALL_DAY = (dt.time(0, 0), dt.time(23, 59))
# Patients per department-session, by facility type; the online share is about 40 %.
CAPACITY = {
    FacilityType.SUB_CENTRE: 50,
    FacilityType.PHC: 60,
    FacilityType.CHC: 80,
    FacilityType.CIVIL_HOSPITAL: 100,
    FacilityType.REGIONAL_HOSPITAL: 120,
    FacilityType.ZONAL_HOSPITAL: 150,
    FacilityType.MEDICAL_COLLEGE: 200,
}
ONLINE_SHARE = 0.4
# Services without a booked OPD of their own.
NOT_AN_OPD = {"emergency", "anaesthesiology", "radiology", "pathology"}
# (month, day, English name) - gazetted holidays we are sure of, plus Himachal Day.
HOLIDAYS = [
    (1, 26, "Republic Day"),
    (4, 15, "Himachal Day"),
    (8, 15, "Independence Day"),
    (10, 2, "Gandhi Jayanti"),
    (12, 25, "Christmas"),
]
HOLIDAY_YEARS = (2026, 2027)
DEMO_DISTRICT = "Shimla"
BATCH = 2000


def holiday_dates(today: dt.date) -> list[tuple[dt.date, str]]:
    return [
        (dt.date(year, month, day), name)
        for year in HOLIDAY_YEARS
        for month, day, name in HOLIDAYS
        if dt.date(year, month, day) >= today
    ]


def demo_facilities() -> QuerySet[Facility]:
    """Facilities of demo interest: everything in Shimla district, and the medical colleges."""
    return Facility.objects.filter(
        Q(district__name=DEMO_DISTRICT) | Q(facility_type=FacilityType.MEDICAL_COLLEGE), is_active=True
    )


def planned_sessions(
    facility: Facility, department_codes: dict[int, str], *, round_the_clock: bool = False
) -> Iterable[OpdSession]:
    """The weekly sessions of `facility`; `round_the_clock`: also its casualty OPD, every day, all day."""
    capacity = CAPACITY[facility.facility_type]
    online = round(capacity * ONLINE_SHARE)
    for department_id, code in department_codes.items():
        slots = [(SessionKind.MORNING, MORNING)]
        weekdays = MON_TO_SAT
        if round_the_clock and code == CASUALTY_DEPARTMENT:
            slots, weekdays = [(SessionKind.ALL_DAY, ALL_DAY)], list(Weekday)
        elif code in NOT_AN_OPD:
            continue
        if facility.facility_type == FacilityType.MEDICAL_COLLEGE and code == "general-medicine":
            slots.append((SessionKind.EVENING, EVENING))
        for weekday in weekdays:
            for kind, (starts, ends) in slots:
                yield OpdSession(
                    facility_id=facility.pk,
                    department_id=department_id,
                    weekday=weekday,
                    kind=kind,
                    starts_at=starts,
                    ends_at=ends,
                    online_quota=online,
                    walk_in_quota=capacity - online,
                )


def make_opd_schedules(facilities: QuerySet[Facility], *, today: dt.date | None = None) -> dict[str, int]:
    """Add the missing demo sessions, policies and closures of `facilities`; return the counts added."""
    today = today or timezone.localdate()
    facility_list = list(facilities.only("pk", "facility_type"))
    ids = [f.pk for f in facility_list]
    home = demo_home_facility()
    home_id = home.pk if home is not None else None
    departments: dict[int, dict[int, str]] = defaultdict(dict)
    through = Facility.departments.through.objects.filter(facility_id__in=ids)
    for facility_id, department_id, code in through.values_list(
        "facility_id", "department_id", "department__code"
    ):
        departments[facility_id][department_id] = code
    existing = set(
        OpdSession.objects.filter(facility_id__in=ids).values_list(
            "facility_id", "department_id", "weekday", "kind"
        )
    )
    sessions = [
        s
        for f in facility_list
        for s in planned_sessions(f, departments[f.pk], round_the_clock=f.pk == home_id)
        if (s.facility_id, s.department_id, s.weekday, s.kind) not in existing
    ]
    with_policy = set(OpdPolicy.objects.filter(facility_id__in=ids).values_list("facility_id", flat=True))
    policies = [OpdPolicy(facility_id=i, booking_window_days=7, cancellation_cutoff_minutes=120) for i in ids]
    policies = [p for p in policies if p.facility_id not in with_policy]
    holidays = holiday_dates(today)
    closed = set(
        OpdClosure.objects.filter(facility_id__in=ids, date__gte=today).values_list(
            "facility_id", "department_id", "date"
        )
    )
    closures = [
        OpdClosure(facility_id=i, department_id=department_id, date=day, reason=name)
        for i in ids
        for department_id in _closed_on_holidays(i, home_id, departments[i])
        for day, name in holidays
        if (i, department_id, day) not in closed
    ]
    with transaction.atomic():
        OpdSession.objects.bulk_create(sessions, batch_size=BATCH)
        OpdPolicy.objects.bulk_create(policies, batch_size=BATCH)
        OpdClosure.objects.bulk_create(closures, batch_size=BATCH)
    return {
        "facilities": len(ids),
        "sessions": len(sessions),
        "policies": len(policies),
        "closures": len(closures),
    }


def _closed_on_holidays(facility_id: int, home_id: int | None, codes: dict[int, str]) -> list[int | None]:
    """What a holiday closes: the whole facility (None), or at the demo's own facility every department but
    the casualty, which stays open."""
    if facility_id != home_id:
        return [None]
    return [department_id for department_id, code in codes.items() if code != CASUALTY_DEPARTMENT]


class Command(BaseCommand):
    help = (
        "Give facilities demonstration OPD timetables (idempotent; only missing rows are added). "
        "Default: every facility in Shimla district and the medical colleges. "
        "--facility CODE: one facility. --all: every active facility. "
        "Sub-centres: general OPD Mon-Sat 9:30-13:00, 20 online / 30 walk-in; other types: each OPD "
        "department they offer, Mon-Sat mornings, capacity by type (online about 40%), plus an evening "
        "general-medicine session at medical colleges; at the demo's own facility also a casualty OPD "
        "round the clock, every day. Policy: 7 days ahead, 120 minutes cancellation "
        "cut-off. Closures: Republic Day, Himachal Day, Independence Day, Gandhi Jayanti, Christmas"
        " (2026-27)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--facility", metavar="CODE", help="only this facility")
        which.add_argument("--all", action="store_true", help="every active facility of the state")

    def handle(self, *args, facility: str | None = None, all: bool = False, **options) -> None:
        if facility:
            facilities = Facility.objects.filter(code=facility)
            if not facilities.exists():
                raise CommandError(f"No facility with code {facility!r}.")
        elif all:
            facilities = Facility.objects.filter(is_active=True)
        else:
            facilities = demo_facilities()
        started = time.perf_counter()
        counts = make_opd_schedules(facilities)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                "OPD schedules: {facilities} facilities; added {sessions} sessions, {policies} policies, "
                "{closures} closures".format(**counts)
                + f" in {seconds:.1f} s."
            )
        )
