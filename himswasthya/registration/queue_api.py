"""Queue API (under /api/registration/queue/): the public token board and the doctor's actions."""

from __future__ import annotations

import datetime
from typing import cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import RoleAuth
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.api import WallTimeOut, errors
from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.facilities.models import Department, Facility
from himswasthya.people.services import state_uhid
from himswasthya.registration import queue
from himswasthya.registration.models import Appointment, SessionDay

router = Router(tags=["registration: queue"])
_doctor = RoleAuth(*queue.QUEUE_ROLES)


def _actor(request: HttpRequest) -> User:
    """The doctor or facility admin that RoleAuth put on the request."""
    return cast(User, getattr(request, "auth"))  # noqa: B009 - `auth` is set by django-ninja, not typed


def _facility_id(request: HttpRequest) -> int:
    facility_id = _actor(request).facility_id
    if facility_id is None:  # a doctor account not yet attached to a facility
        raise Forbidden(_("Your account is not attached to a facility."), code="no_facility")
    return facility_id


class BoardSessionOut(Schema):
    session_day_id: int
    starts_at: WallTimeOut
    ends_at: WallTimeOut
    now_serving: list[int]
    next_tokens: list[int]
    waiting_count: int


class BoardOut(Schema):
    facility_code: str
    department_code: str
    date: datetime.date
    sessions: list[BoardSessionOut]


class CalledOut(Schema):
    number: str
    token_number: int
    status: str
    called_at: datetime.datetime | None
    patient_name: str
    patient_name_deva: str
    age: int
    sex: str
    uhid: str | None


class QueueStatsOut(Schema):
    served: int
    waited: int
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    median_consultation_minutes: float | None


class QueueOut(Schema):
    session_day_id: int
    department_code: str
    starts_at: WallTimeOut
    ends_at: WallTimeOut
    now_serving: list[CalledOut]
    next_tokens: list[int]
    counts: dict[str, int]
    stats: QueueStatsOut


class ActionOut(Schema):
    number: str
    token_number: int
    status: str


def _called(appointment: Appointment) -> CalledOut:
    record_read(
        "registration.Appointment",
        appointment.number,
        purpose="opd_queue",
        action=AuditAction.APPOINTMENT_READ,
    )
    person = appointment.person
    return CalledOut(
        number=appointment.number,
        token_number=appointment.token_number,
        status=appointment.status,
        called_at=appointment.called_at,
        patient_name=person.name_roman,
        patient_name_deva=person.name_deva,
        age=person.age(),
        sex=person.sex,
        uhid=state_uhid(person),
    )


@router.get("/board/{facility_code}/{department_code}/", auth=None, response={200: BoardOut, **errors(404)})
def board(request: HttpRequest, facility_code: str, department_code: str) -> BoardOut:
    """Public, for waiting-hall displays and kiosks: token numbers only, no personal data."""
    facility = get_object_or_404(Facility, code=facility_code, is_active=True)
    department = get_object_or_404(Department, code=department_code)
    sessions = []
    for day in queue.today_session_days(facility.pk, department.pk):
        state = queue.queue_state(day, next_count=8)
        sessions.append(
            BoardSessionOut(
                session_day_id=day.pk,
                starts_at=day.starts_at,
                ends_at=day.ends_at,
                now_serving=[a.token_number for a in state.now_serving],
                next_tokens=[a.token_number for a in state.waiting],
                waiting_count=state.waiting_count,
            )
        )
    return BoardOut(
        facility_code=facility.code,
        department_code=department.code,
        date=timezone.localdate(),
        sessions=sessions,
    )


def _session_day(request: HttpRequest, session_day_id: int) -> SessionDay:
    day = (
        SessionDay.objects.select_related("department")
        .filter(pk=session_day_id, facility_id=_facility_id(request))
        .first()
    )
    if day is None:
        raise NotFound(_("No such OPD session in your facility."), field="session_day_id")
    return day


def _queue_out(day: SessionDay) -> QueueOut:
    state = queue.queue_state(day)
    stats = queue.waiting_stats(day)
    return QueueOut(
        session_day_id=day.pk,
        department_code=day.department.code,
        starts_at=day.starts_at,
        ends_at=day.ends_at,
        now_serving=[_called(a) for a in state.now_serving],
        next_tokens=[a.token_number for a in state.waiting],
        counts=state.counts,
        stats=QueueStatsOut(**stats.__dict__),
    )


@router.get("/today/", auth=_doctor, response={200: list[QueueOut]})
def today(request: HttpRequest) -> list[QueueOut]:
    """The doctor's facility's queues of today, with the called patients and waiting-time statistics."""
    return [_queue_out(day) for day in queue.today_session_days(_actor(request).facility_id)]


@router.get("/session-days/{session_day_id}/", auth=_doctor, response={200: QueueOut})
def session_day_queue(request: HttpRequest, session_day_id: int) -> QueueOut:
    return _queue_out(_session_day(request, session_day_id))


@router.post(
    "/session-days/{session_day_id}/call-next/",
    auth=_doctor,
    response={200: CalledOut, 204: None, **errors(409)},
)
def call_next(request: HttpRequest, session_day_id: int) -> Status:
    """Call the lowest waiting token; 204 when nobody is waiting."""
    called = queue.do_call_next(_actor(request), _session_day(request, session_day_id))
    if called is None:
        return Status(204, None)
    return Status(200, _called(called))


def _appointment(request: HttpRequest, number: str) -> Appointment:
    appointment = Appointment.objects.filter(number=number, facility_id=_facility_id(request)).first()
    if appointment is None:
        raise NotFound(_("No such appointment in your facility."), field="number")
    return appointment


def _action_out(appointment: Appointment) -> ActionOut:
    return ActionOut(
        number=appointment.number, token_number=appointment.token_number, status=appointment.status
    )


@router.post("/appointments/{number}/complete/", auth=_doctor, response={200: ActionOut, **errors(409)})
def complete(request: HttpRequest, number: str) -> ActionOut:
    return _action_out(queue.do_complete(_actor(request), _appointment(request, number)))


@router.post("/appointments/{number}/no-show/", auth=_doctor, response={200: ActionOut, **errors(409)})
def no_show(request: HttpRequest, number: str) -> ActionOut:
    return _action_out(queue.do_mark_no_show(_actor(request), _appointment(request, number)))


@router.post("/appointments/{number}/send-back/", auth=_doctor, response={200: ActionOut, **errors(409)})
def send_back(request: HttpRequest, number: str) -> ActionOut:
    return _action_out(queue.do_send_back(_actor(request), _appointment(request, number)))
