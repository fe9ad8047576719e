"""Booking API (/api/registration/...): availability, book, mine, read, cancel, reschedule, walk-ins,
check-in.

Schemas in, one service call, schemas out. `POST appointments` is the hot path (bench/registration.py drives
it): two primary-key reads, then the booking transaction, and an answer built without further queries.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from himswasthya.accounts.models import FACILITY_ROLES, Role
from himswasthya.accounts.scoping import RoleAuth, roles
from himswasthya.core.api import WallTimeOut, errors
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.facilities.models import Department, Facility, OpdSession
from himswasthya.people.models import Person
from himswasthya.registration import services
from himswasthya.registration.models import Appointment, Channel, FeeExemption
from himswasthya.registration.qr import slip_qr_payload

router = Router(tags=["registration: booking"])

_booker = RoleAuth(*roles(Role.CITIZEN, FACILITY_ROLES, Role.STATE_ADMIN))
_citizen = RoleAuth(Role.CITIZEN)
_counter = RoleAuth(*roles(FACILITY_ROLES, Role.STATE_ADMIN))
_reader = RoleAuth(*roles(Role.CITIZEN, FACILITY_ROLES, Role.DISTRICT_OFFICER, Role.STATE_ADMIN))
MAX_RANGE_DAYS = 31


class AvailabilityIn(Schema):
    facility: int
    department: int | None = None
    date_from: datetime.date | None = Field(None, alias="from")
    date_to: datetime.date | None = Field(None, alias="to")


class AvailabilityOut(Schema):
    session_id: int
    session_day_id: int | None
    department: str
    kind: str
    date: datetime.date
    starts_at: WallTimeOut
    ends_at: WallTimeOut
    online_left: int
    walk_in_left: int
    closed_reason: str | None


class BookIn(Schema):
    person_id: int
    session_id: int
    date: datetime.date
    fee_exemption: FeeExemption = FeeExemption.NONE


class BookedOut(Schema):
    """The answer to a booking: what the patient needs at the counter."""

    number: str
    token_number: int
    status: str
    date: datetime.date
    facility_id: int
    department_id: int
    person_id: int
    uhid: str | None = None
    qr: str


class AppointmentOut(Schema):
    number: str
    token_number: int
    status: str
    channel: str
    date: datetime.date
    starts_at: WallTimeOut
    ends_at: WallTimeOut
    facility_code: str
    facility_name: str
    department_code: str
    department_name: str
    person_id: int
    person_name: str
    fee_exemption: str
    qr: str


class RescheduleIn(Schema):
    session_id: int
    date: datetime.date


class WalkInIn(Schema):
    person_id: int
    department_id: int
    facility_id: int | None = Field(None, description="Defaults to the clerk's own facility.")
    fee_exemption: FeeExemption = FeeExemption.NONE


class CheckInIn(Schema):
    number: str = Field("", description="The appointment number, or")
    qr: str = Field("", description="the scanned slip QR text.")


def _booked(appointment: Appointment) -> dict[str, Any]:
    return {
        "number": appointment.number,
        "token_number": appointment.token_number,
        "status": appointment.status,
        "date": appointment.date,
        "facility_id": appointment.facility_id,
        "department_id": appointment.department_id,
        "person_id": appointment.person_id,
        "uhid": getattr(appointment, "uhid", None),
        "qr": slip_qr_payload(appointment.number),
    }


def _full(appointment: Appointment) -> dict[str, Any]:
    day, facility, department = appointment.session_day, appointment.facility, appointment.department
    return {
        "number": appointment.number,
        "token_number": appointment.token_number,
        "status": appointment.status,
        "channel": appointment.channel,
        "date": appointment.date,
        "starts_at": day.starts_at,
        "ends_at": day.ends_at,
        "facility_code": facility.code,
        "facility_name": facility.display_name(),
        "department_code": department.code,
        "department_name": department.display_name(),
        "person_id": appointment.person_id,
        "person_name": appointment.person.name_roman,
        "fee_exemption": appointment.fee_exemption,
        "qr": slip_qr_payload(appointment.number),
    }


def _get(model: Any, pk: int, field: str, *related: str) -> Any:
    rows = model._default_manager.select_related(*related) if related else model._default_manager.all()
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Not found."), field=field)
    return found


@router.get("/availability/", auth=None, response={200: list[AvailabilityOut], **errors(400, 404)})
def availability(request: HttpRequest, filters: Query[AvailabilityIn]) -> list[dict[str, Any]]:
    """Sessions of a facility (one department or all) with the places left per date. Public: no personal
    data. Dates default to the booking window from today; at most 31 days."""
    found = _get(Facility, filters.facility, "facility")
    dept = _get(Department, filters.department, "department") if filters.department else None
    start = filters.date_from or services._now().date()
    end = filters.date_to or start + datetime.timedelta(days=MAX_RANGE_DAYS - 1)
    if (end - start).days >= MAX_RANGE_DAYS:
        raise DomainError(_("Ask for at most 31 days at a time."), field="to")
    return [
        {
            "session_id": row.session.pk,
            "session_day_id": row.session_day.pk if row.session_day else None,
            "department": row.session.department.code,
            "kind": row.session.kind,
            "date": row.date,
            "starts_at": row.starts_at,
            "ends_at": row.ends_at,
            "online_left": row.online_left,
            "walk_in_left": row.walk_in_left,
            "closed_reason": row.closed_reason,
        }
        for row in services.available_session_days(found, dept, start, end)
    ]


@router.post("/appointments/", auth=_booker, response={201: BookedOut, **errors(409)})
def book(request: HttpRequest, payload: BookIn) -> Status:
    """Book an online appointment for a person of the citizen's family (or, for staff, of their area)."""
    person = _get(Person, payload.person_id, "person_id")
    session = services.session_for_booking(payload.session_id)  # cached for a few seconds
    appointment = services.do_book_appointment(
        actor=request.user,
        person=person,
        session=session,
        date=payload.date,
        fee_exemption=payload.fee_exemption,
    )
    return Status(201, _booked(appointment))


@router.get("/appointments/mine/", auth=_citizen, response={200: list[AppointmentOut]})
def mine(request: HttpRequest, upcoming: bool = False) -> list[dict[str, Any]]:
    """The citizen's and their family's appointments, newest first."""
    rows = services.appointments_of(request.user)
    if upcoming:
        rows = rows.filter(date__gte=services._now().date())
    return [_full(a) for a in rows[:100]]


@router.get("/appointments/{number}/", auth=_reader, response={200: AppointmentOut})
def read(request: HttpRequest, number: str) -> dict[str, Any]:
    return _full(services.get_appointment(request.user, number))


def _scoped(request: HttpRequest, number: str) -> Appointment:
    found = services.appointments_of(request.user).filter(number=number.strip().upper()).first()
    if found is None:
        raise NotFound(_("No such appointment."), field="number")
    return found


@router.post("/appointments/{number}/cancel/", auth=_booker, response={200: AppointmentOut, **errors(409)})
def cancel(request: HttpRequest, number: str) -> dict[str, Any]:
    appointment = services.do_cancel_appointment(actor=request.user, appointment=_scoped(request, number))
    return _full(appointment)


@router.post("/appointments/{number}/reschedule/", auth=_booker, response={201: BookedOut, **errors(409)})
def reschedule(request: HttpRequest, number: str, payload: RescheduleIn) -> Status:
    session = _get(OpdSession, payload.session_id, "session_id", "facility")
    appointment = services.do_reschedule_appointment(
        actor=request.user, appointment=_scoped(request, number), session=session, date=payload.date
    )
    return Status(201, _booked(appointment))


@router.post("/walk-ins/", auth=_counter, response={201: BookedOut, **errors(409)})
def walk_in(request: HttpRequest, payload: WalkInIn) -> Status:
    """Register a patient at the counter into today's walk-in quota (checked in at once)."""
    facility_id = payload.facility_id or request.user.facility_id
    if not facility_id:
        raise DomainError(_("Choose the facility."), field="facility_id")
    appointment = services.do_register_walk_in(
        actor=request.user,
        person=_get(Person, payload.person_id, "person_id"),
        facility=_get(Facility, facility_id, "facility_id"),
        department=_get(Department, payload.department_id, "department_id"),
        fee_exemption=payload.fee_exemption,
        channel=Channel.WALK_IN,
    )
    return Status(201, _booked(appointment))


@router.post("/check-in/", auth=_counter, response={200: AppointmentOut, **errors(409)})
def check_in(request: HttpRequest, payload: CheckInIn) -> dict[str, Any]:
    """Check in an online appointment: type its number or scan the slip's QR."""
    appointment = services.find_appointment_for_counter(request.user, payload.qr or payload.number)
    checked = services.do_check_in(actor=request.user, appointment=appointment)
    appointment.status, appointment.checked_in_at = checked.status, checked.checked_in_at
    return _full(appointment)
