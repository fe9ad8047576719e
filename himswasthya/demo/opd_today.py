"""Today's OPD at the demo facility, in every state, whenever the demo is loaded or refreshed.

`refresh_today()` (the `refresh_demo_today` command, run by `make demo` and safe to run at any time, e.g. from
cron after midnight for a demo left running) opens today's and tomorrow's session days at the demo clerk's
facility and tops up today's casualty OPD, which runs round the clock, to a small queue in every state: booked
online, checked in and waiting, one patient with the doctor, seen, not present. Everything goes through the
registration services as the demo clerk and doctor, so tokens, quotas, audit entries and SMS are true; only
the arrival and call times are then moved back a little, so waiting times look like a real morning's.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from himswasthya.accounts.models import User
from himswasthya.core.errors import DomainError
from himswasthya.demo.personas import (
    DEMO_CITIZEN_MOBILE,
    DEMO_CLERK,
    DEMO_DOCTOR,
)
from himswasthya.facilities.models import OpdSession, SessionKind
from himswasthya.people.models import Person
from himswasthya.registration import queue, services
from himswasthya.registration.models import Appointment, AppointmentStatus, SessionDay

S = AppointmentStatus
# Today's casualty queue after a refresh: at least this many appointments in each state.
TODAY_TARGET = {S.BOOKED: 4, S.CHECKED_IN: 3, S.CALLED: 1, S.COMPLETED: 3, S.NO_SHOW: 1}
# Bookings per other session day (today's other sessions still running, and tomorrow's).
PER_SESSION = 3
CANDIDATES = 600


@dataclass
class Refreshed:
    facility: str = ""
    opened: int = 0
    booked: int = 0
    moved: Counter[str] = field(default_factory=Counter)
    skipped: str = ""

    def __str__(self) -> str:
        if self.skipped:
            return self.skipped
        moved = ", ".join(f"{status} {n}" for status, n in sorted(self.moved.items())) or "none"
        return (
            f"Demo OPD at {self.facility}: {self.opened} session days open, "
            f"{self.booked} appointments booked; today's casualty queue topped up ({moved})."
        )


def refresh_today(*, clerk_username: str = DEMO_CLERK, doctor_username: str = DEMO_DOCTOR) -> Refreshed:
    clerk = User.objects.filter(username=clerk_username).select_related("facility").first()
    doctor = User.objects.filter(username=doctor_username).first()
    if clerk is None or clerk.facility is None or doctor is None:
        return Refreshed(
            skipped="No demo clerk and doctor with a facility (run make_demo_users first); skipped."
        )
    facility = clerk.facility
    result = Refreshed(facility=facility.code)
    if not OpdSession.objects.filter(facility=facility, is_active=True).exists():
        result.skipped = f"No OPD sessions at {facility.code} (run make_opd_schedules); skipped."
        return result
    today = services._now().date()
    people = _candidates(facility.district_id)
    for date in (today, today + datetime.timedelta(days=1)):
        for session in OpdSession.objects.filter(
            facility=facility, weekday=date.weekday(), is_active=True
        ).select_related("facility", "department"):
            try:
                day = services.do_open_session_day(session, date)
            except DomainError:
                continue  # over for today, or closed on this date
            result.opened += 1
            if date == today and session.kind == SessionKind.ALL_DAY:
                _top_up(day, session, clerk, doctor, people, result)
            elif not Appointment.objects.filter(session_day=day).exists():
                result.booked += sum(1 for _ in _book(clerk, session, date, people, PER_SESSION))
    return result


def _candidates(district_id: int) -> Iterator[Person]:
    """Demo patients: people of the facility's district, never the demo citizen's family (the citizen books
    for them in the demo walk)."""
    people = Person.objects.filter(district_id=district_id, merged_into__isnull=True).exclude(
        Q(mobile=DEMO_CITIZEN_MOBILE) | Q(himparivar_member__family__members__mobile=DEMO_CITIZEN_MOBILE)
    )
    return iter(list(people.distinct().order_by("pk")[:CANDIDATES]))


def _book(
    clerk: User, session: OpdSession, date: datetime.date, people: Iterator[Person], wanted: int
) -> Iterator[Appointment]:
    """Book up to `wanted` people (those already booked in this department that day are passed over)."""
    done = 0
    for person in people:
        if done >= wanted:
            return
        try:
            appointment = services.do_book_appointment(actor=clerk, person=person, session=session, date=date)
        except DomainError as error:
            if error.code == "session_full":
                return
            continue
        done += 1
        yield appointment


def _top_up(
    day: SessionDay,
    session: OpdSession,
    clerk: User,
    doctor: User,
    people: Iterator[Person],
    result: Refreshed,
) -> None:
    """Bring today's casualty queue up to TODAY_TARGET: first the doctor's calls (they take the lowest waiting
    token, so they come before the waiting line is refilled), then the waiting line, then the bookings."""
    before = have = _statuses(day)
    seen = max(0, TODAY_TARGET[S.COMPLETED] - have[S.COMPLETED])
    absent = max(0, TODAY_TARGET[S.NO_SHOW] - have[S.NO_SHOW])
    with_doctor = max(0, TODAY_TARGET[S.CALLED] - have[S.CALLED])
    calls = seen + absent + with_doctor
    for appointment in _book(clerk, session, day.date, people, calls):
        services.do_check_in(actor=clerk, appointment=appointment)
        result.booked += 1
    for n in range(calls):
        called = queue.do_call_next(doctor, day)
        if called is None:
            break
        if n < seen:
            queue.do_complete(doctor, called)
        elif n < seen + absent:
            queue.do_mark_no_show(doctor, called)
    have = _statuses(day)
    waiting = max(0, TODAY_TARGET[S.CHECKED_IN] - have[S.CHECKED_IN])
    for appointment in _book(clerk, session, day.date, people, waiting):
        services.do_check_in(actor=clerk, appointment=appointment)
        result.booked += 1
    booked = max(0, TODAY_TARGET[S.BOOKED] - have[S.BOOKED])
    result.booked += sum(1 for _ in _book(clerk, session, day.date, people, booked))
    after = _statuses(day)
    result.moved.update({str(status): after[status] - before[status] for status in TODAY_TARGET})
    _spread_times(day)


def _statuses(day: SessionDay) -> Counter[str]:
    return Counter(Appointment.objects.filter(session_day=day).values_list("status", flat=True))


def _spread_times(day: SessionDay) -> None:
    """Move today's arrival, call and finish times back to look like a morning's work: 20 minutes apart by
    token, never before the session day began nor after now."""
    now = services._now()
    start = datetime.datetime.combine(day.date, day.starts_at, tzinfo=now.tzinfo)
    rows = Appointment.objects.filter(session_day=day, checked_in_at__isnull=False).order_by("-token_number")
    with transaction.atomic():
        for back, appointment in enumerate(rows):
            arrived = max(start, now - datetime.timedelta(minutes=20 * (back + 1)))
            stamps = {"checked_in_at": arrived}
            if appointment.called_at is not None:
                stamps["called_at"] = min(now, arrived + datetime.timedelta(minutes=12))
            if appointment.completed_at is not None:
                stamps["completed_at"] = min(now, arrived + datetime.timedelta(minutes=18))
            Appointment.objects.filter(pk=appointment.pk).update(**stamps)
