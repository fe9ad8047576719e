"""/api/accounts/: citizen OTP sign-in, who am I, sign out. Session cookie + CSRF on every POST."""

import uuid

from django.contrib.auth import logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.utils import check_csrf

from himswasthya.accounts import services
from himswasthya.accounts.middleware import forget_sign_in
from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, Role, User
from himswasthya.accounts.scoping import RoleAuth
from himswasthya.accounts.views import sign_in
from himswasthya.core.api import ErrorOut
from himswasthya.core.client_address import client_ip
from himswasthya.core.errors import DomainError, Forbidden
from himswasthya.core.validators import mask_mobile

router = Router(tags=["accounts"])


class OtpRequestIn(Schema):
    mobile: str


class OtpRequestOut(Schema):
    challenge_id: uuid.UUID
    mobile: str  # masked
    expires_in: int
    resend_after: int


class OtpVerifyIn(Schema):
    otp: str
    challenge_id: uuid.UUID | None = None
    mobile: str | None = None


class MePlaceOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    scope: str  # own | facility | district | state
    facility: MePlaceOut | None = None
    district: MePlaceOut | None = None
    csrf_token: str


def _require_csrf(request: HttpRequest) -> None:
    """Anonymous POSTs have no auth class to check CSRF for them; do it here (SEC-27 4.2.2)."""
    if check_csrf(request):
        raise Forbidden(_("CSRF check failed. Reload the page and try again."), code="csrf_failed")


def _scope(user: User) -> str:
    if user.role == Role.CITIZEN:
        return "own"
    if user.role in FACILITY_ROLES:
        return "facility"
    if user.role in DISTRICT_ROLES or user.district_id:
        return "district"
    return "state"


def _me(request: HttpRequest, user: User) -> MeOut:
    facility = user.facility
    district = user.district or (facility.district if facility else None)
    return MeOut(
        username=user.username,
        name=user.display_name,
        role=user.role,
        role_label=str(user.get_role_display()),
        scope=_scope(user),
        facility=MePlaceOut(id=facility.pk, name=facility.display_name()) if facility else None,
        district=MePlaceOut(id=district.pk, name=district.display_name()) if district else None,
        csrf_token=get_token(request),
    )


@router.post(
    "otp/request", auth=None, response={200: OtpRequestOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut}
)
def otp_request(request: HttpRequest, payload: OtpRequestIn):
    _require_csrf(request)
    sent = services.do_request_otp(payload.mobile, ip=client_ip(request))
    return OtpRequestOut(
        challenge_id=sent.challenge.pk,
        mobile=mask_mobile(sent.challenge.mobile),
        expires_in=int((sent.challenge.expires_at - sent.challenge.created_at).total_seconds()),
        resend_after=sent.resend_after,
    )


@router.post("otp/verify", auth=None, response={200: MeOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut})
def otp_verify(request: HttpRequest, payload: OtpVerifyIn):
    _require_csrf(request)
    if not payload.challenge_id and not payload.mobile:
        raise DomainError(
            _("Give the challenge id or the mobile number."), field="challenge_id", code="invalid"
        )
    user = services.do_verify_otp(
        payload.otp, challenge_id=payload.challenge_id, mobile=payload.mobile, ip=client_ip(request)
    )
    sign_in(request, user, "otp")
    return _me(request, user)


@router.get("me", auth=RoleAuth(), response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest):
    return _me(request, request.auth)  # type: ignore[attr-defined]


@router.post("logout", auth=RoleAuth(), response={204: None, 401: ErrorOut, 403: ErrorOut})
def api_logout(request: HttpRequest):
    services.record_logout(request.auth)  # type: ignore[attr-defined]
    logout(request)
    forget_sign_in(request)  # signed out on purpose: no "session ended" on the next sign-in page
    return Status(204, None)
