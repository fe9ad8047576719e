"""Scan-and-share API for the counter (under /api/registration/scan-share/): today's tokens, registering one.

The ABDM bridge callback itself is not here: it is authenticated by the gateway's JWT, not by a session
(scan_share_views.patient_share, mounted at /api/v3/hip/patient/share).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.api import errors
from himswasthya.registration import scan_share

router = Router(tags=["registration: scan and share"])
_clerk = RoleAuth(*scan_share.CLERK_ROLES)


class TokenOut(Schema):
    id: int
    token_number: int
    name: str
    name_deva: str
    age: int | None
    sex: str
    sex_label: str
    abha_address: str
    person_id: int | None
    status: str
    counter: str
    department_id: int | None
    created_at: str
    expired: bool


class RegisterIn(Schema):
    department_id: int
    fee_exemption: str = ""


class RegisteredOut(Schema):
    appointment_number: str
    token_number: int


@router.get("/tokens/", auth=_clerk, response={200: list[TokenOut]})
def list_tokens(request: HttpRequest, since_id: int = 0) -> list[dict]:
    """Today's scan-and-share tokens of the caller's facility, newest first; `since_id` for polling."""
    tokens = [
        scan_share.token_as_dict(t) for t in scan_share.todays_tokens(request.user, since_id=since_id)[:200]
    ]
    if tokens:  # audited when personal data is returned, not on every empty poll
        record(
            AuditAction.SCAN_SHARE_LIST,
            object_type="registration.ScanShareToken",
            actor=request.user,
            purpose=scan_share.PURPOSE,
            detail={"count": len(tokens), "since_id": since_id},
        )
    return tokens


@router.post("/tokens/{token_id}/register/", auth=_clerk, response={200: RegisteredOut, **errors(409)})
def register_token(request: HttpRequest, token_id: int, payload: RegisterIn) -> dict:
    """Register the token's patient into a department (a scan-and-share walk-in of the booking engine)."""
    appointment = scan_share.do_register_token(
        actor=request.user,
        token_id=token_id,
        department_id=payload.department_id,
        fee_exemption=payload.fee_exemption,
    )
    return {"appointment_number": appointment.number, "token_number": appointment.token_number}
