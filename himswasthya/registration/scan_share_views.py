"""Scan and share over HTTP: the ABDM bridge callback, the counters' printable QR page, the clerk's live list.

The bridge callback is not part of the session-authenticated NinjaAPI: the gateway's RS256 JWT authenticates
it. It answers 202 at once and does the work (token, person, SMS, on-share) after the response has been sent,
in the same worker (HttpResponse closers run after the body is written): no task queue needed, and the PHR app
(which waits about 30 s for on-share) gets its answer within a second. A crash there is logged, never lost
silently: the patient then gets an on-share error and goes to the counter.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himswasthya.abdm.client import verify_gateway_jwt
from himswasthya.abdm.errors import AbdmError
from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import role_required
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.documents import qr_svg
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.facilities.models import Department, Facility
from himswasthya.registration import scan_share
from himswasthya.registration.forms import ScanShareCounterForm, ScanShareRegisterForm
from himswasthya.registration.scan_share_models import ScanShareCounter

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[0-9A-Za-z-]{8,64}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
MAX_BODY_BYTES = 64 * 1024
REFRESH_SECONDS = 3


def _error(status: int, code: str, message: str, *, field: str | None = None) -> JsonResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return JsonResponse({"error": error}, status=status)


# ---- the ABDM bridge callback ----------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["POST"])
def patient_share(request: HttpRequest) -> HttpResponse:
    """POST {bridge}/api/v3/hip/patient/share (abdm-api.md section 3)."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "ABDM-1401", "Authorization: Bearer <gateway JWT> is required")
    try:
        verify_gateway_jwt(token.strip())
    except AbdmError as exc:
        # An unreachable JWKS is our problem, not the caller's: 503 so the gateway retries.
        if exc.code == "abdm_jwt_invalid":
            return _error(401, "ABDM-1401", "the gateway token is not valid")
        return _error(503, "ABDM-1024", "cannot verify the gateway token now")
    request_id = request.headers.get("REQUEST-ID", "").strip()
    if not _REQUEST_ID.match(request_id):
        return _error(400, "ABDM-1006", "REQUEST-ID header is missing or malformed", field="REQUEST-ID")
    if not _TIMESTAMP.match(request.headers.get("TIMESTAMP", "").strip()):
        return _error(400, "ABDM-1016", "TIMESTAMP header is missing or malformed", field="TIMESTAMP")
    hip_id = request.headers.get("X-HIP-ID", "").strip()
    facility = scan_share.facility_for_hip(hip_id)
    if facility is None:
        return _error(400, "ABDM-1035", "X-HIP-ID is not a facility of this bridge", field="X-HIP-ID")
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "ABDM-1006", "body too large", field="body")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _error(400, "ABDM-1006", "the body is not JSON", field="body")
    try:
        share = scan_share.parse_profile_share(body, request_id=request_id)
    except scan_share.ShareRejected as exc:
        return _error(400, exc.abdm_code, str(exc.message), field=exc.field)
    if share.hip_id != hip_id:
        return _error(400, "ABDM-1035", "metaData.hipId differs from X-HIP-ID", field="metaData.hipId")
    response = HttpResponse(status=202)
    response._resource_closers.append(lambda: scan_share.process_profile_share(share, facility))
    return response


# ---- the counters' QR codes ------------------------------------------------------------------------------


def _qr_svg(text: str) -> str:
    return qr_svg(text, box_size=12, border=2, inline=True)


def _facility_for_staff(request: HttpRequest, facility_code: str, roles: tuple[str, ...]) -> Facility:
    facility = get_object_or_404(Facility, code=facility_code)
    scan_share.require_facility_staff(request.user, facility, roles)
    return facility


@role_required(*scan_share.COUNTER_PAGE_ROLES)
@require_http_methods(["GET", "POST"])
def counters_page(request: HttpRequest, facility_code: str) -> HttpResponse:
    """Printable: one QR per counter. A facility admin adds counters here."""
    try:
        facility = _facility_for_staff(request, facility_code, scan_share.COUNTER_PAGE_ROLES)
    except DomainError:
        return HttpResponse(status=403)
    can_edit = request.user.role in (Role.FACILITY_ADMIN, Role.STATE_ADMIN)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        _add_counter(request, facility)
        return redirect("registration:scan_share_counters", facility_code=facility.code)
    hip_id = scan_share.hip_id_of(facility)
    counters = []
    for counter in ScanShareCounter.objects.filter(facility=facility, is_active=True).select_related(
        "department"
    ):
        url = scan_share.share_profile_url(facility, counter)
        counters.append({"counter": counter, "url": url, "svg": _qr_svg(url) if hip_id else ""})
    return render(
        request,
        "registration/scan_share_counters.html",
        {
            "facility": facility,
            "hip_id": hip_id,
            "counters": counters,
            "can_edit": can_edit,
            "departments": facility.departments.order_by("name"),
        },
    )


def _add_counter(request: HttpRequest, facility: Facility) -> None:
    form = ScanShareCounterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a counter code (letters, digits, - or _) and a name."))
        return
    code, name = form.cleaned_data["code"], form.cleaned_data["name"]
    department = None
    if form.cleaned_data["department"]:
        department = facility.departments.filter(pk=form.cleaned_data["department"]).first()
    if ScanShareCounter.objects.filter(facility=facility, code=code).exists():
        messages.error(request, _("This facility already has a counter with this code."))
        return
    counter = ScanShareCounter.objects.create(facility=facility, code=code, name=name, department=department)
    record(
        AuditAction.SCAN_SHARE_COUNTER_ADD,
        object_type="registration.ScanShareCounter",
        object_id=counter.pk,
        actor=request.user,
        facility_id=facility.pk,
        detail={"code": code},
    )
    messages.success(request, _("Counter added."))


# ---- the clerk's live list -------------------------------------------------------------------------------


def _rows_context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    tokens = list(scan_share.todays_tokens(request.user)[:200])
    return {
        "tokens": [scan_share.token_as_dict(token, today) for token in tokens],
        "departments": Department.objects.filter(facilities=request.user.facility_id).order_by("name"),
    }


@role_required(*scan_share.CLERK_ROLES)
@require_GET
def clerk_list(request: HttpRequest) -> HttpResponse:
    """Today's scan-and-share tokens of the clerk's facility; the rows refresh in place every few seconds."""
    context = _rows_context(request)
    # One audit entry per page visit (not per poll): the clerk opened the list of today's shared profiles.
    record(
        AuditAction.SCAN_SHARE_LIST,
        object_type="registration.ScanShareToken",
        actor=request.user,
        purpose=scan_share.PURPOSE,
        detail={"count": len(context["tokens"])},
    )
    return render(
        request,
        "registration/scan_share_list.html",
        {**context, "facility": request.user.facility, "refresh_seconds": REFRESH_SECONDS},
    )


@role_required(*scan_share.CLERK_ROLES)
@require_GET
def clerk_list_rows(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/scan_share_rows.html", _rows_context(request))


@role_required(*scan_share.CLERK_ROLES)
@require_POST
def register_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        appointment = scan_share.do_register_token(
            actor=request.user, token_id=token_id, **ScanShareRegisterForm(request.POST).service_arguments()
        )
    except NotFound as exc:  # another facility's token: 404 as everywhere else, not a message (SEC-26)
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except (ImportError, AttributeError):  # the booking engine is not installed yet
        messages.error(request, _("Registration into a department is not available yet."))
    else:
        messages.success(
            request,
            _("Registered: appointment %(number)s, token %(token)s.")
            % {"number": appointment.number, "token": appointment.token_number},
        )
    return redirect("registration:scan_share_list")
