"""OPD configuration API under /api/facilities/{code}/opd/: public schedule; changes by its admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import WallTimeIn, WallTimeOut, errors
from himswasthya.core.errors import NotFound
from himswasthya.facilities import opd_services
from himswasthya.facilities.models import Department, OpdClosure, OpdPolicy, OpdSession, SessionKind, Weekday

router = Router(tags=["facilities: OPD configuration"])
admin_auth = RoleAuth(*opd_services.ADMIN_ROLES)


def _bounds(low: int, high: int, default: Any = ...) -> Any:
    """Documents the range the service enforces (out of range: 400 with a translated message)."""
    return Field(default, json_schema_extra={"minimum": low, "maximum": high})


class PolicyIn(Schema):
    booking_window_days: int = _bounds(opd_services.MIN_WINDOW_DAYS, opd_services.MAX_WINDOW_DAYS)
    cancellation_cutoff_minutes: int = _bounds(0, opd_services.MAX_CUTOFF_MINUTES)


class PolicyOut(Schema):
    booking_window_days: int
    cancellation_cutoff_minutes: int


class SessionIn(Schema):
    department: str
    weekday: int = _bounds(0, 6)
    kind: str = SessionKind.MORNING
    starts_at: WallTimeIn
    ends_at: WallTimeIn
    online_quota: int = _bounds(0, opd_services.MAX_QUOTA)
    walk_in_quota: int = _bounds(0, opd_services.MAX_QUOTA)


class SessionPatch(Schema):
    department: str | None = None
    weekday: int | None = _bounds(0, 6, None)
    kind: str | None = None
    starts_at: WallTimeIn | None = None
    ends_at: WallTimeIn | None = None
    online_quota: int | None = Field(
        None, json_schema_extra={"minimum": 0, "maximum": opd_services.MAX_QUOTA}
    )
    walk_in_quota: int | None = Field(
        None, json_schema_extra={"minimum": 0, "maximum": opd_services.MAX_QUOTA}
    )
    is_active: bool | None = None


class SessionOut(Schema):
    id: int
    department: str
    department_name: str
    weekday: int
    weekday_label: str
    kind: str
    starts_at: WallTimeOut
    ends_at: WallTimeOut
    online_quota: int
    walk_in_quota: int
    is_active: bool

    @staticmethod
    def resolve_department(obj: OpdSession) -> str:
        return obj.department.code

    @staticmethod
    def resolve_department_name(obj: OpdSession) -> str:
        return obj.department.display_name()

    @staticmethod
    def resolve_weekday_label(obj: OpdSession) -> str:
        return str(Weekday(obj.weekday).label)


class ClosureIn(Schema):
    date: dt.date
    reason: str
    department: str | None = None


class ClosureOut(Schema):
    id: int
    date: dt.date
    reason: str
    department: str | None

    @staticmethod
    def resolve_department(obj: OpdClosure) -> str | None:
        return obj.department.code if obj.department_id else None


class ScheduleOut(Schema):
    facility: str
    policy: PolicyOut
    sessions: list[SessionOut]
    closures: list[ClosureOut]


def _department(code: str | None) -> Department | None:
    if code is None:
        return None
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist as exc:
        raise NotFound(opd_services.NO_SUCH_DEPARTMENT, field="department") from exc


def _policy_out(policy: OpdPolicy) -> PolicyOut:
    return PolicyOut(
        booking_window_days=policy.booking_window_days,
        cancellation_cutoff_minutes=policy.cancellation_cutoff_minutes,
    )


@router.get("/{code}/opd/", response={200: ScheduleOut, **errors(404)}, auth=None)
def opd_schedule(request: HttpRequest, code: str):
    """The weekly timetable, booking rules and upcoming closures of a facility (public)."""
    facility = opd_services.get_public_facility(code)
    return {
        "facility": facility.code,
        "policy": _policy_out(opd_services.policy_of(facility)),
        "sessions": list(opd_services.active_sessions(facility)),
        "closures": list(opd_services.upcoming_closures(facility)),
    }


@router.put("/{code}/opd/policy", response={200: PolicyOut, **errors(409)}, auth=admin_auth)
def put_policy(request: HttpRequest, code: str, payload: PolicyIn):
    facility = opd_services.get_administered_facility(request.auth, code)
    policy = opd_services.do_set_opd_policy(actor=request.auth, facility=facility, **payload.dict())
    return _policy_out(policy)


@router.post("/{code}/opd/sessions", response={201: SessionOut, **errors(409)}, auth=admin_auth)
def create_session(request: HttpRequest, code: str, payload: SessionIn):
    facility = opd_services.get_administered_facility(request.auth, code)
    values = payload.dict()
    values["department"] = _department(values["department"])
    return Status(201, opd_services.do_save_opd_session(actor=request.auth, facility=facility, **values))


@router.patch("/{code}/opd/sessions/{session_id}", response={200: SessionOut, **errors(409)}, auth=admin_auth)
def update_session(request: HttpRequest, code: str, session_id: int, payload: SessionPatch):
    facility = opd_services.get_administered_facility(request.auth, code)
    try:
        session = OpdSession.objects.select_related("department").get(pk=session_id, facility=facility)
    except OpdSession.DoesNotExist as exc:
        raise NotFound(opd_services.NOT_FOUND, field="session") from exc
    changes = payload.dict(exclude_unset=True)
    if changes.pop("is_active", None) is False:
        return opd_services.do_deactivate_opd_session(actor=request.auth, facility=facility, session=session)
    values = {
        name: getattr(session, name)
        for name in ("department", "weekday", "kind", "starts_at", "ends_at", "online_quota", "walk_in_quota")
    }
    if "department" in changes:
        changes["department"] = _department(changes["department"])
    values.update({k: v for k, v in changes.items() if v is not None})
    return opd_services.do_save_opd_session(actor=request.auth, facility=facility, session=session, **values)


@router.post("/{code}/opd/closures", response={201: ClosureOut, **errors(409)}, auth=admin_auth)
def add_closure(request: HttpRequest, code: str, payload: ClosureIn):
    facility = opd_services.get_administered_facility(request.auth, code)
    closure = opd_services.do_add_opd_closure(
        actor=request.auth,
        facility=facility,
        date=payload.date,
        reason=payload.reason,
        department=_department(payload.department),
    )
    return Status(201, closure)


@router.delete("/{code}/opd/closures/{closure_id}", response={204: None, **errors(409)}, auth=admin_auth)
def delete_closure(request: HttpRequest, code: str, closure_id: int):
    facility = opd_services.get_administered_facility(request.auth, code)
    try:
        closure = OpdClosure.objects.get(pk=closure_id, facility=facility)
    except OpdClosure.DoesNotExist as exc:
        raise NotFound(opd_services.NOT_FOUND, field="closure") from exc
    opd_services.do_remove_opd_closure(actor=request.auth, facility=facility, closure=closure)
    return Status(204, None)
