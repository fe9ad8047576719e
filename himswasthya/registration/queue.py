"""The OPD queue of a session day: call the next checked-in token, complete, mark no-show, send back.

Times recorded on the appointment (checked_in_at, called_at, completed_at) feed the waiting-time statistics.
Only the doctors and facility administrators of the session day's facility act on its queue; every action is
audited. Two doctors pressing "call next" at the same moment never get the same patient: the candidate row is
locked with SKIP LOCKED (PostgreSQL) and the status change is a conditional UPDATE, so a row already taken by
someone else is skipped, not called twice.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import has_role, may_act_at
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Forbidden
from himswasthya.registration.flow import APPOINTMENT_FLOW
from himswasthya.registration.models import Appointment, AppointmentStatus, SessionDay

QUEUE_ROLES = (Role.DOCTOR, Role.FACILITY_ADMIN)
_PURPOSE = "opd_queue"
_OBJECT_TYPE = "registration.Appointment"


def can_act_on_queue(actor: Any, facility_id: int) -> bool:
    return has_role(actor, *QUEUE_ROLES) and may_act_at(actor, facility_id)


def _require_queue_actor(actor: Any, facility_id: int) -> None:
    if not can_act_on_queue(actor, facility_id):
        raise Forbidden(
            _("Only the doctors of this facility can manage its OPD queue."), code="queue_forbidden"
        )


def _audit(action: str, actor: Any, appointment: Appointment, previous: str) -> None:
    record(
        action,
        object_type=_OBJECT_TYPE,
        object_id=appointment.number,
        purpose=_PURPOSE,
        actor=actor,
        facility_id=appointment.facility_id,
        detail={"from": previous, "to": appointment.status},
    )


def do_call_next(actor: Any, session_day: SessionDay) -> Appointment | None:
    """Call the lowest checked-in token of the session day, or return None when nobody is waiting."""
    _require_queue_actor(actor, session_day.facility_id)
    with transaction.atomic():
        waiting = Appointment.objects.filter(
            session_day=session_day, status__in=APPOINTMENT_FLOW.sources("call")
        )
        while True:
            candidate = (
                waiting.select_for_update(skip_locked=True)
                .order_by("token_number")
                .values_list("pk", flat=True)
            ).first()
            if candidate is None:
                return None
            now = timezone.now()
            # Conditional: if another doctor took this row meanwhile (SQLite has no row locks), try the next.
            taken = Appointment.objects.filter(
                pk=candidate, status__in=APPOINTMENT_FLOW.sources("call")
            ).update(status=AppointmentStatus.CALLED, called_at=now)
            if taken:
                break
        appointment = Appointment.objects.select_related("person", "department").get(pk=candidate)
        _audit(AuditAction.APPOINTMENT_CALL, actor, appointment, AppointmentStatus.CHECKED_IN)
    return appointment


def _transition(
    actor: Any, appointment: Appointment, *, step: str, audit_action: str, **stamps: Any
) -> Appointment:
    """Apply `step` of APPOINTMENT_FLOW to the locked row, with its time stamps, and audit it."""
    _require_queue_actor(actor, appointment.facility_id)
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        previous = APPOINTMENT_FLOW.apply(current, step)
        for name, value in stamps.items():
            setattr(current, name, value)
        current.save(update_fields=["status", *stamps])
        _audit(audit_action, actor, current, previous)
    return current


def do_complete(actor: Any, appointment: Appointment) -> Appointment:
    """The called patient has been seen."""
    return _transition(
        actor,
        appointment,
        step="complete",
        audit_action=AuditAction.APPOINTMENT_COMPLETE,
        completed_at=timezone.now(),
    )


def do_mark_no_show(actor: Any, appointment: Appointment) -> Appointment:
    """The called (or waiting) patient did not come to the room."""
    return _transition(actor, appointment, step="no_show", audit_action=AuditAction.APPOINTMENT_NO_SHOW)


def do_send_back(actor: Any, appointment: Appointment) -> Appointment:
    """Back into the line with the same token (e.g. sent for a test first); the next call re-stamps it."""
    return _transition(
        actor, appointment, step="send_back", audit_action=AuditAction.APPOINTMENT_SEND_BACK, called_at=None
    )


# --- reading the queue -------------------------------------------------------------------------------------


@dataclass
class QueueState:
    session_day: SessionDay
    now_serving: list[Appointment]
    waiting: list[Appointment]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def waiting_count(self) -> int:
        return self.counts.get(AppointmentStatus.CHECKED_IN, 0)


def queue_state(session_day: SessionDay, *, next_count: int = 5) -> QueueState:
    """Who is being seen (most recent call first), the next tokens in line, and counts per status."""
    rows = Appointment.objects.filter(session_day=session_day).select_related("person")
    counts = {row["status"]: row["n"] for row in rows.order_by().values("status").annotate(n=Count("pk"))}
    return QueueState(
        session_day=session_day,
        now_serving=list(
            rows.filter(status=AppointmentStatus.CALLED).order_by("-called_at", "-token_number")
        ),
        waiting=list(rows.filter(status=AppointmentStatus.CHECKED_IN).order_by("token_number")[:next_count]),
        counts=counts,
    )


@dataclass(frozen=True)
class WaitingStats:
    served: int
    waited: int  # patients with an arrival and a call time
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    median_consultation_minutes: float | None


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (the value a patient at that rank actually waited)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _median(sorted_values: list[float]) -> float | None:
    n = len(sorted_values)
    if not n:
        return None
    mid = n // 2
    return sorted_values[mid] if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2


def _minutes(delta: datetime.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def waiting_stats(session_day: SessionDay) -> WaitingStats:
    """Waiting time = call - arrival (check-in); consultation = completion - call."""
    rows = Appointment.objects.filter(session_day=session_day).values_list(
        "status", "checked_in_at", "called_at", "completed_at"
    )
    waits: list[float] = []
    consultations: list[float] = []
    served = 0
    for status, checked_in_at, called_at, completed_at in rows:
        if status == AppointmentStatus.COMPLETED:
            served += 1
        if checked_in_at and called_at and called_at >= checked_in_at:
            waits.append(_minutes(called_at - checked_in_at))
        if called_at and completed_at and completed_at >= called_at:
            consultations.append(_minutes(completed_at - called_at))
    waits.sort()
    consultations.sort()
    return WaitingStats(
        served=served,
        waited=len(waits),
        median_wait_minutes=_median(waits),
        p90_wait_minutes=_percentile(waits, 0.9),
        median_consultation_minutes=_median(consultations),
    )


def waiting_by_department(days: list[SessionDay]) -> dict[int, int]:
    """Checked-in patients per department over `days`, in one query (the doctor's department choice)."""
    rows = (
        Appointment.objects.filter(session_day__in=days, status=AppointmentStatus.CHECKED_IN)
        .order_by()
        .values("department_id")
        .annotate(n=Count("pk"))
    )
    return {row["department_id"]: row["n"] for row in rows}


def today_session_days(facility_id: int | None, department_id: int | None = None) -> list[SessionDay]:
    """The facility's session days of today (local date), in time order; none for staff without a facility."""
    if facility_id is None:
        return []
    days = SessionDay.objects.filter(facility_id=facility_id, date=timezone.localdate()).select_related(
        "department", "facility"
    )
    if department_id is not None:
        days = days.filter(department_id=department_id)
    return list(days.order_by("starts_at", "department__name"))
