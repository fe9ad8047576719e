"""The HIP role's bridge callbacks (`{bridge}/api/v3/...`, abdm-api.md sections 4 and 5).

Authenticated by the gateway's RS256 JWT (`verify_gateway_jwt`), not by a session. Each answers 202 at once
and does its work after the response has been sent (HttpResponse closers, as registration's scan and share):
the answer to ABDM is an on-* call (hip.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from himswasthya.abdm import hip
from himswasthya.abdm.client import verify_gateway_jwt
from himswasthya.abdm.endpoints import BRIDGE_PATHS
from himswasthya.abdm.errors import JWT_INVALID, AbdmError
from himswasthya.abdm.hip_ids import facility_for_hip

_REQUEST_ID = re.compile(r"^[0-9A-Za-z-]{8,64}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
MAX_BODY_BYTES = 256 * 1024
# Calls that concern one of our facilities: X-HIP-ID must name it. Callbacks to our own requests may omit it.
NEEDS_HIP = {"discover", "link_init", "link_confirm", "hi_request"}


def _error(status: int, code: str, message: str, *, field: str | None = None) -> JsonResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return JsonResponse({"error": error}, status=status)


def check_inbound(request: HttpRequest, *, needs_hip: bool) -> hip.Inbound | JsonResponse:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "ABDM-1401", "Authorization: Bearer <gateway JWT> is required")
    try:
        verify_gateway_jwt(token.strip())
    except AbdmError as exc:
        if exc.code == JWT_INVALID:
            return _error(401, "ABDM-1401", "the gateway token is not valid")
        return _error(503, "ABDM-1024", "cannot verify the gateway token now")
    request_id = request.headers.get("REQUEST-ID", "").strip()
    if not _REQUEST_ID.match(request_id):
        return _error(400, "ABDM-1006", "REQUEST-ID header is missing or malformed", field="REQUEST-ID")
    if not _TIMESTAMP.match(request.headers.get("TIMESTAMP", "").strip()):
        return _error(400, "ABDM-1016", "TIMESTAMP header is missing or malformed", field="TIMESTAMP")
    hip_id = request.headers.get("X-HIP-ID", "").strip()
    facility = facility_for_hip(hip_id) if hip_id else None
    if (needs_hip or hip_id) and facility is None:
        return _error(400, "ABDM-1035", "X-HIP-ID is not a facility of this bridge", field="X-HIP-ID")
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "ABDM-1006", "body too large", field="body")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _error(400, "ABDM-1006", "the body is not JSON", field="body")
    if not isinstance(body, dict):
        return _error(400, "ABDM-1006", "the body is not a JSON object", field="body")
    return hip.Inbound(
        request_id=request_id, hip_id=hip_id or settings.ABDM_HIP_ID, facility=facility, body=body
    )


def _view(name: str) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        inbound = check_inbound(request, needs_hip=name in NEEDS_HIP)
        if isinstance(inbound, JsonResponse):
            return inbound
        response = HttpResponse(status=202)
        response._resource_closers.append(lambda: hip.process(name, inbound))
        return response

    view.__name__ = f"bridge_{name}"
    return view


# Mounted at the site's root (himswasthya/urls.py): names "abdm_bridge_<name>".
urlpatterns = [
    path(p.lstrip("/"), _view(name), name=f"abdm_bridge_{name}") for name, p in BRIDGE_PATHS.items()
]
