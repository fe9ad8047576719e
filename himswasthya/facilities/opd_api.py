"""The public OPD schedule under /api/facilities/{code}/opd/ and the schemas of OPD sessions, policies and
closures. The administrator's changes (PUT policy, POST/PATCH sessions, POST/DELETE closures) are
`registration.opd_setup_api`, mounted under the same path."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from himswasthya.core.api import WallTimeOut, errors
from himswasthya.facilities import opd_services
from himswasthya.facilities.models import OpdClosure, OpdPolicy, OpdSession, Weekday

router = Router(tags=["facilities: OPD configuration"])


class PolicyOut(Schema):
    booking_window_days: int
    cancellation_cutoff_minutes: int


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


def policy_out(policy: OpdPolicy) -> PolicyOut:
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
        "policy": policy_out(opd_services.policy_of(facility)),
        "sessions": list(opd_services.active_sessions(facility)),
        "closures": list(opd_services.upcoming_closures(facility)),
    }
