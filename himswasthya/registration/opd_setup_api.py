"""The facility administrator's OPD set-up API under /api/facilities/{code}/opd/ (mounted there by the
project's urls.py, beside the public schedule of `facilities.opd_api`): booking policy, sessions, closures.

Moved from facilities (issue #11 item 3); each operation keeps the OpenAPI operation id it had there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import WallTimeIn, errors
from himswasthya.core.errors import NotFound
from himswasthya.facilities.models import Department, OpdClosure, OpdSession, SessionKind
from himswasthya.facilities.opd_api import ClosureOut, PolicyOut, SessionOut, policy_out
from himswasthya.registration import opd_setup

# The tags the operations had under the facilities router, so the API docs group them as before.
router = Router(tags=["facilities", "facilities: OPD configuration"])
admin_auth = RoleAuth(*opd_setup.ADMIN_ROLES)


def _bounds(low: int, high: int, default: Any = ...) -> Any:
    """Documents the range the service enforces (out of range: 400 with a translated message)."""
    return Field(default, json_schema_extra={"minimum": low, "maximum": high})


class PolicyIn(Schema):
    booking_window_days: int = _bounds(opd_setup.MIN_WINDOW_DAYS, opd_setup.MAX_WINDOW_DAYS)
    cancellation_cutoff_minutes: int = _bounds(0, opd_setup.MAX_CUTOFF_MINUTES)


class SessionIn(Schema):
    department: str
    weekday: int = _bounds(0, 6)
    kind: str = SessionKind.MORNING
    starts_at: WallTimeIn
    ends_at: WallTimeIn
    online_quota: int = _bounds(0, opd_setup.MAX_QUOTA)
    walk_in_quota: int = _bounds(0, opd_setup.MAX_QUOTA)


class SessionPatch(Schema):
    department: str | None = None
    weekday: int | None = _bounds(0, 6, None)
    kind: str | None = None
    starts_at: WallTimeIn | None = None
    ends_at: WallTimeIn | None = None
    online_quota: int | None = Field(None, json_schema_extra={"minimum": 0, "maximum": opd_setup.MAX_QUOTA})
    walk_in_quota: int | None = Field(None, json_schema_extra={"minimum": 0, "maximum": opd_setup.MAX_QUOTA})
    is_active: bool | None = None


class ClosureIn(Schema):
    date: dt.date
    reason: str
    department: str | None = None


def _department(code: str | None) -> Department | None:
    if code is None:
        return None
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist as exc:
        raise NotFound(opd_setup.NO_SUCH_DEPARTMENT, field="department") from exc


# operation_id: the OpenAPI ids these operations had in facilities (facilities/opd_api.py).
@router.put(
    "/{code}/opd/policy",
    response={200: PolicyOut, **errors(409)},
    auth=admin_auth,
    operation_id="himswasthya_facilities_opd_api_put_policy",
)
def put_policy(request: HttpRequest, code: str, payload: PolicyIn):
    facility = opd_setup.get_administered_facility(request.auth, code)
    policy = opd_setup.do_set_opd_policy(actor=request.auth, facility=facility, **payload.dict())
    return policy_out(policy)


@router.post(
    "/{code}/opd/sessions",
    response={201: SessionOut, **errors(409)},
    auth=admin_auth,
    operation_id="himswasthya_facilities_opd_api_create_session",
)
def create_session(request: HttpRequest, code: str, payload: SessionIn):
    facility = opd_setup.get_administered_facility(request.auth, code)
    values = payload.dict()
    values["department"] = _department(values["department"])
    return Status(201, opd_setup.do_save_opd_session(actor=request.auth, facility=facility, **values))


@router.patch(
    "/{code}/opd/sessions/{session_id}",
    response={200: SessionOut, **errors(409)},
    auth=admin_auth,
    operation_id="himswasthya_facilities_opd_api_update_session",
)
def update_session(request: HttpRequest, code: str, session_id: int, payload: SessionPatch):
    facility = opd_setup.get_administered_facility(request.auth, code)
    try:
        session = OpdSession.objects.select_related("department").get(pk=session_id, facility=facility)
    except OpdSession.DoesNotExist as exc:
        raise NotFound(opd_setup.NOT_FOUND, field="session") from exc
    changes = payload.dict(exclude_unset=True)
    if changes.pop("is_active", None) is False:
        return opd_setup.do_deactivate_opd_session(actor=request.auth, facility=facility, session=session)
    values = {
        name: getattr(session, name)
        for name in ("department", "weekday", "kind", "starts_at", "ends_at", "online_quota", "walk_in_quota")
    }
    if "department" in changes:
        changes["department"] = _department(changes["department"])
    values.update({k: v for k, v in changes.items() if v is not None})
    return opd_setup.do_save_opd_session(actor=request.auth, facility=facility, session=session, **values)


@router.post(
    "/{code}/opd/closures",
    response={201: ClosureOut, **errors(409)},
    auth=admin_auth,
    operation_id="himswasthya_facilities_opd_api_add_closure",
)
def add_closure(request: HttpRequest, code: str, payload: ClosureIn):
    facility = opd_setup.get_administered_facility(request.auth, code)
    closure = opd_setup.do_add_opd_closure(
        actor=request.auth,
        facility=facility,
        date=payload.date,
        reason=payload.reason,
        department=_department(payload.department),
    )
    return Status(201, closure)


@router.delete(
    "/{code}/opd/closures/{closure_id}",
    response={204: None, **errors(409)},
    auth=admin_auth,
    operation_id="himswasthya_facilities_opd_api_delete_closure",
)
def delete_closure(request: HttpRequest, code: str, closure_id: int):
    facility = opd_setup.get_administered_facility(request.auth, code)
    try:
        closure = OpdClosure.objects.get(pk=closure_id, facility=facility)
    except OpdClosure.DoesNotExist as exc:
        raise NotFound(opd_setup.NOT_FOUND, field="closure") from exc
    opd_setup.do_remove_opd_closure(actor=request.auth, facility=facility, closure=closure)
    return Status(204, None)
