"""The OPD slip for its patient (citizen, through the scoped appointment) and for the facility's staff."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from himswasthya.accounts.models import FACILITY_ROLES, Role
from himswasthya.accounts.scoping import get_scoped_or_404, role_required, roles
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.registration.models import Appointment
from himswasthya.registration.slips import render_slip_pdf, slip_context

SLIP_ROLES = roles(Role.CITIZEN, FACILITY_ROLES)


def _appointment(request: HttpRequest, number: str) -> Appointment:
    appointments = Appointment.objects.select_related("person", "facility", "department", "session_day")
    appointment = get_scoped_or_404(request.user, appointments, number=number)
    record(
        AuditAction.APPOINTMENT_SLIP,
        object_type="registration.Appointment",
        object_id=appointment.number,
        purpose="opd_registration",
        facility_id=appointment.facility_id,
    )
    return appointment


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in ("en", "hi") else (get_language() or "en")[:2]


@role_required(*SLIP_ROLES)
def slip_pdf(request: HttpRequest, number: str) -> HttpResponse:
    appointment = _appointment(request, number)
    pdf = render_slip_pdf(appointment, _language(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="opd-slip-{appointment.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*SLIP_ROLES)
def slip_page(request: HttpRequest, number: str) -> HttpResponse:
    appointment = _appointment(request, number)
    response = render(request, "registration/slip.html", slip_context(appointment))
    response["Cache-Control"] = "private, no-store"
    return response
