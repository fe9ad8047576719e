"""Queue pages: the public waiting-hall display (tokens only) and the doctor's view to call patients."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import role_required
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.facilities.models import Department, Facility
from himswasthya.people.services import state_uhid
from himswasthya.records import services as records
from himswasthya.records.models import EncounterKind
from himswasthya.registration import queue
from himswasthya.registration.models import Appointment, AppointmentStatus, SessionDay

DISPLAY_REFRESH_SECONDS = 5


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)  # role_required has admitted a signed-in doctor or facility admin


def _display_context(facility_code: str, department_code: str) -> dict:
    facility = get_object_or_404(Facility, code=facility_code, is_active=True)
    department = get_object_or_404(Department, code=department_code)
    days = queue.today_session_days(facility.pk, department.pk)
    # Tokens only: the display hangs in a public hall (no names, no numbers that identify a patient).
    boards = []
    for day in days:
        state = queue.queue_state(day, next_count=8)
        boards.append(
            {
                "day": day,
                "serving": [a.token_number for a in state.now_serving],
                "waiting": [a.token_number for a in state.waiting],
                "waiting_count": state.waiting_count,
            }
        )
    return {"facility": facility, "department": department, "boards": boards}


def queue_display(request: HttpRequest, facility_code: str, department_code: str) -> HttpResponse:
    context = _display_context(facility_code, department_code)
    context["refresh_seconds"] = DISPLAY_REFRESH_SECONDS
    return render(request, "registration/queue_display.html", context)


def queue_display_board(request: HttpRequest, facility_code: str, department_code: str) -> HttpResponse:
    """The board fragment the display page polls for (replaced in place, no page reload)."""
    response = render(
        request, "registration/queue_display_board.html", _display_context(facility_code, department_code)
    )
    response["Cache-Control"] = "no-store"
    return response


# The doctor's department, remembered for the session once chosen (doctors work in one OPD at a time).
DEPARTMENT_KEY = "queue_department"


def _departments(request: HttpRequest, days: list[SessionDay]) -> tuple[list[dict], str | None]:
    """Today's departments with their waiting counts, and the chosen one: ?department=code (remembered),
    else the one remembered, else the one with the most patients waiting (the earliest session on a tie)."""
    waiting = queue.waiting_by_department(days)
    departments: dict[str, dict] = {}
    for day in days:
        departments.setdefault(
            day.department.code, {"department": day.department, "waiting": waiting.get(day.department_id, 0)}
        )
    asked = request.GET.get("department")
    if asked in departments:
        request.session[DEPARTMENT_KEY] = asked
    chosen = asked if asked in departments else request.session.get(DEPARTMENT_KEY)
    if chosen not in departments:
        chosen = max(departments, key=lambda code: departments[code]["waiting"], default=None)
    return list(departments.values()), chosen


@role_required(*queue.QUEUE_ROLES)
def doctor_queue(request: HttpRequest) -> HttpResponse:
    days = queue.today_session_days(_staff(request).facility_id)
    departments, chosen = _departments(request, days)
    days = [day for day in days if day.department.code == chosen]
    panels = []
    for day in days:
        state = queue.queue_state(day, next_count=5)
        uhids = {}
        for called in state.now_serving:
            uhids[called.pk] = state_uhid(called.person)
            record_read(
                "registration.Appointment",
                called.number,
                purpose="opd_queue",
                action=AuditAction.APPOINTMENT_READ,
            )
        called_rows = [{"appointment": a, "uhid": uhids[a.pk]} for a in state.now_serving]
        panels.append({"day": day, "state": state, "called": called_rows, "stats": queue.waiting_stats(day)})
    context = {"panels": panels, "departments": departments, "chosen": chosen}
    return render(request, "registration/queue_doctor.html", context)


@require_POST
@role_required(*queue.QUEUE_ROLES)
def doctor_call_next(request: HttpRequest, session_day_id: int) -> HttpResponse:
    day = get_object_or_404(SessionDay, pk=session_day_id, facility_id=_staff(request).facility_id)
    try:
        called = queue.do_call_next(request.user, day)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if called is None:
            messages.info(request, _("Nobody is waiting in this queue."))
        else:
            messages.success(request, _("Token %(token)s called.") % {"token": called.token_number})
    return redirect("registration:doctor_queue")


_ACTIONS = {
    "complete": (queue.do_complete, gettext_lazy("Token %(token)s marked as seen.")),
    "no-show": (queue.do_mark_no_show, gettext_lazy("Token %(token)s marked as not present.")),
    "send-back": (queue.do_send_back, gettext_lazy("Token %(token)s sent back to the queue.")),
}


@require_POST
@role_required(*queue.QUEUE_ROLES)
def doctor_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        return HttpResponse(status=404)
    appointment = get_object_or_404(Appointment, number=number, facility_id=_staff(request).facility_id)
    service, done = _ACTIONS[action]
    try:
        service(request.user, appointment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(done) % {"token": appointment.token_number})
    return redirect("registration:doctor_queue")


# Appointments a consultation is opened for: the patient called in (or already seen, to finish the record).
CONSULTATION_STATUSES = (AppointmentStatus.CALLED, AppointmentStatus.COMPLETED)


@require_POST
@role_required(*records.WRITERS[EncounterKind.OPD])  # who writes OPD records (not the HIMCARE desk)
def doctor_open_consultation(request: HttpRequest, number: str) -> HttpResponse:
    """Open the consultation record of a called appointment (records.open_encounter, the same one again for
    the same appointment) and go to the doctor's workbench."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("person", "facility", "department"),
        number=number,
        facility_id=_staff(request).facility_id,
    )
    if appointment.status not in CONSULTATION_STATUSES:
        messages.error(request, _("Call this token before opening its consultation."))
        return redirect("registration:doctor_queue")
    try:
        encounter = records.open_encounter(
            request.user,
            appointment.person,
            appointment.facility,
            appointment.department,
            source_ref=f"opd:{appointment.number}",
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("registration:doctor_queue")
    return redirect("records:workbench", encounter_id=encounter.pk)
