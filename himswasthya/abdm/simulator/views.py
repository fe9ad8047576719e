"""A local stand-in for the ABDM gateway and ABHA service, speaking the same HTTP contract (abdm-api.md).

Mounted at /abdm-sim/ only when ABDM_SIMULATOR_ENABLED. Not part of the authenticated project API: callers
authenticate the ABDM way (client credentials -> bearer JWT). The OTP is always ABDM_SIMULATOR_OTP
("123456" by default) and no SMS is ever sent. Error bodies deliberately use ABDM's varied shapes.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from himswasthya.abdm.models import (
    SimulatedAbhaAccount,
    SimulatedGatewayCall,
    SimulatedOtpTransaction,
    SimulatedSession,
)
from himswasthya.abdm.simulator import keys
from himswasthya.core.validators import normalise_abha_number

logger = logging.getLogger("himswasthya.abdm.simulator")

SESSION_TTL_SECONDS = 1200
X_TOKEN_TTL_SECONDS = 1800
OTP_TXN_TTL = timedelta(minutes=10)
MAX_OTP_ATTEMPTS = 5
ENCRYPTION_ALGORITHM = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
LOGIN_SCOPES = {"aadhaar": ["abha-login", "aadhaar-verify"], "abdm": ["abha-login", "mobile-verify"]}

View = Callable[..., HttpResponse]


def abha_error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def gateway_error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def field_error(field: str, message: str) -> JsonResponse:
    return JsonResponse({field: message}, status=400)


def invalid_credentials() -> JsonResponse:
    return JsonResponse(
        {"code": "900901", "message": "Invalid Credentials", "description": "Access failure"}, status=401
    )


def _header_problem(request: HttpRequest, *, gateway: bool) -> JsonResponse | None:
    error = gateway_error if gateway else abha_error
    timestamp = request.headers.get("TIMESTAMP", "")
    if not TIMESTAMP_RE.match(timestamp):
        return error("ABDM-1016", "Invalid TIMESTAMP")
    try:
        uuid.UUID(request.headers.get("REQUEST-ID", ""))
    except ValueError:
        return error("ABDM-1006", "Invalid REQUEST-ID")
    if gateway and request.headers.get("X-CM-ID") != settings.ABDM_CM_ID:
        return error("ABDM-1006", "Invalid X-CM-ID")
    return None


def _session_valid(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        claims = keys.verify(token)
    except jwt.PyJWTError:
        return False
    return (
        claims.get("typ") == "Bearer"
        and SimulatedSession.objects.filter(jti=claims.get("sid"), expires_at__gt=timezone.now()).exists()
    )


def abdm_endpoint(*, gateway: bool, authenticated: bool = True) -> Callable[[View], View]:
    """Header checks, then the bearer session token, in ABDM's order."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if problem := _header_problem(request, gateway=gateway):
                return problem
            if authenticated and not _session_valid(request):
                return invalid_credentials()
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def simulator_credentials() -> tuple[str, str]:
    """The one client the simulator knows; settings.ABDM_CLIENT_ID/SECRET default to it in DEBUG."""
    return settings.ABDM_SIMULATOR_CLIENT_ID, settings.ABDM_SIMULATOR_CLIENT_SECRET


def _masked_mobile(mobile: str) -> str:
    return "******" + mobile[-4:]


# ---- gateway ---------------------------------------------------------------------------------------------


@require_POST
@abdm_endpoint(gateway=True, authenticated=False)
def sessions(request: HttpRequest) -> HttpResponse:
    data = _body(request)
    if data is None:
        return gateway_error("ABDM-1006", "Invalid request body")
    if (data.get("clientId"), data.get("clientSecret")) != simulator_credentials():
        return invalid_credentials()
    if data.get("grantType") != "client_credentials":
        return field_error("grantType", "grantType must be client_credentials")
    session = SimulatedSession.objects.create(
        client_id=data["clientId"], expires_at=timezone.now() + timedelta(seconds=SESSION_TTL_SECONDS)
    )
    claims = {"typ": "Bearer", "sid": str(session.jti), "sub": data["clientId"], "clientId": data["clientId"]}
    token = keys.sign(claims, ttl_seconds=SESSION_TTL_SECONDS)
    refresh = keys.sign({"typ": "Refresh", "sid": str(session.jti)}, ttl_seconds=1800)
    return JsonResponse(
        {
            "accessToken": token,
            "expiresIn": SESSION_TTL_SECONDS,
            "refreshExpiresIn": 1800,
            "refreshToken": refresh,
            "tokenType": "bearer",
        }
    )


@require_GET
@abdm_endpoint(gateway=True, authenticated=False)
def certs(request: HttpRequest) -> HttpResponse:
    return JsonResponse(keys.jwks())


@require_POST
@abdm_endpoint(gateway=True)
def on_share(request: HttpRequest) -> HttpResponse:
    data = _body(request)
    request_id = ((data or {}).get("response") or {}).get("requestId")
    if data is None or not request_id or not ("acknowledgement" in data or "error" in data):
        return gateway_error("ABDM-1006", "Invalid request body")
    if "X-HIP-ID" in request.headers and not request.headers["X-HIP-ID"]:
        return gateway_error("ABDM-1035", "Invalid HIP ID")
    SimulatedGatewayCall.objects.create(
        path=request.path,
        request_id=request.headers["REQUEST-ID"],
        headers={
            k: v for k, v in request.headers.items() if k.upper() in {"X-CM-ID", "X-HIP-ID", "TIMESTAMP"}
        },
        body=data,
    )
    return HttpResponse(status=202)


# ---- ABHA service ------------------------------------------------------------------------------------------


@require_GET
@abdm_endpoint(gateway=False)
def public_certificate(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {"publicKey": keys.encryption_public_key_b64(), "encryptionAlgorithm": ENCRYPTION_ALGORITHM}
    )


@require_POST
@abdm_endpoint(gateway=False)
def search_abha_address(request: HttpRequest) -> HttpResponse:
    data = _body(request) or {}
    address = str(data.get("abhaAddress") or "").strip().lower()
    if not address:
        return field_error("abhaAddress", "abhaAddress is required")
    account = SimulatedAbhaAccount.objects.filter(abha_address=address).first()
    if account is None:
        return abha_error("ABDM-1211", "User not found.")
    return JsonResponse(
        {
            "healthIdNumber": account.formatted_abha_number,
            "abhaAddress": account.abha_address,
            "authMethods": ["MOBILE_OTP", "AADHAAR_OTP"],
            "blockedAuthMethods": [],
            "status": account.status,
            "fullName": account.name,
            "mobile": _masked_mobile(account.mobile),
        }
    )


@require_POST
@abdm_endpoint(gateway=False)
def login_request_otp(request: HttpRequest) -> HttpResponse:
    data = _body(request) or {}
    otp_system = data.get("otpSystem")
    if otp_system not in LOGIN_SCOPES or data.get("scope") != LOGIN_SCOPES[otp_system]:
        return field_error("scope", "Invalid scope or otpSystem")
    if data.get("loginHint") != "abha-number":
        return field_error("loginHint", "Invalid loginHint")
    try:
        abha_number = normalise_abha_number(keys.decrypt(str(data.get("loginId") or "")))
    except ValueError:
        return field_error("loginId", "Invalid LoginId")
    except ValidationError:
        return abha_error("ABDM-1051", "Invalid ABHA number")
    account = SimulatedAbhaAccount.objects.filter(abha_number=abha_number).first()
    if account is None:
        return abha_error("ABDM-1211", "User not found.")
    txn = SimulatedOtpTransaction.objects.create(account=account, scope=data["scope"], otp_system=otp_system)
    logger.info("ABDM simulator: OTP for transaction %s is the fixed simulator OTP", txn.txn_id)
    where = "Aadhaar registered" if otp_system == "aadhaar" else "ABHA registered"
    return JsonResponse(
        {
            "txnId": str(txn.txn_id),
            "message": f"OTP sent to {where} mobile number ending with {account.mobile[-4:]}",
        }
    )


def _open_txn(txn_id: Any) -> SimulatedOtpTransaction | None:
    try:
        key = uuid.UUID(str(txn_id))
    except ValueError:
        return None
    return (
        SimulatedOtpTransaction.objects.select_related("account")
        .filter(txn_id=key, verified_at__isnull=True, created_at__gt=timezone.now() - OTP_TXN_TTL)
        .first()
    )


@require_POST
@abdm_endpoint(gateway=False)
def login_verify(request: HttpRequest) -> HttpResponse:
    data = _body(request) or {}
    otp = ((data.get("authData") or {}).get("otp")) or {}
    txn = _open_txn(otp.get("txnId"))
    if txn is None:
        return field_error("txnId", "Invalid transaction id")
    if data.get("scope") != txn.scope:
        return field_error("scope", "Scope does not match the transaction")
    if txn.failed_attempts >= MAX_OTP_ATTEMPTS:
        return abha_error("ABDM-1027", "Too many attempts. Try again after 24 hours.")
    try:
        otp_value = keys.decrypt(str(otp.get("otpValue") or ""))
    except ValueError:
        return field_error("otpValue", "Invalid otpValue")
    if otp_value != settings.ABDM_SIMULATOR_OTP:
        txn.failed_attempts += 1
        txn.save(update_fields=["failed_attempts"])
        return JsonResponse(
            {
                "txnId": str(txn.txn_id),
                "authResult": "failed",
                "message": "Entered OTP is incorrect. Kindly re-enter valid OTP.",
                "accounts": [],
            }
        )
    txn.verified_at = timezone.now()
    txn.save(update_fields=["verified_at"])
    account = txn.account
    x_token = keys.sign({"typ": "X-token", "sub": account.abha_number}, ttl_seconds=X_TOKEN_TTL_SECONDS)
    return JsonResponse(
        {
            "txnId": str(txn.txn_id),
            "authResult": "success",
            "message": "OTP verified successfully",
            "token": x_token,
            "expiresIn": X_TOKEN_TTL_SECONDS,
            "refreshToken": keys.sign({"typ": "X-refresh", "sub": account.abha_number}, ttl_seconds=3600),
            "accounts": [
                {
                    "ABHANumber": account.formatted_abha_number,
                    "preferredAbhaAddress": account.abha_address,
                    "name": account.name,
                    "status": account.status,
                }
            ],
        }
    )


@require_GET
@abdm_endpoint(gateway=False)
def profile_account(request: HttpRequest) -> HttpResponse:
    scheme, _, token = request.headers.get("X-token", "").partition(" ")
    try:
        claims = keys.verify(token) if scheme.lower() == "bearer" else {}
    except jwt.PyJWTError:
        claims = {}
    account = (
        SimulatedAbhaAccount.objects.filter(abha_number=claims.get("sub")).first()
        if claims.get("typ") == "X-token"
        else None
    )
    if account is None:
        return abha_error("ABDM-1094", "X-token is invalid or expired", status=401)
    return JsonResponse(profile_payload(account))


def profile_payload(account: SimulatedAbhaAccount) -> dict[str, Any]:
    return {
        "ABHANumber": account.formatted_abha_number,
        "preferredAbhaAddress": account.abha_address,
        "name": account.name,
        "firstName": account.first_name,
        "middleName": account.middle_name,
        "lastName": account.last_name,
        "yearOfBirth": str(account.year_of_birth),
        "monthOfBirth": str(account.month_of_birth or ""),
        "dayOfBirth": str(account.day_of_birth or ""),
        "gender": account.gender,
        "mobile": account.mobile,
        "email": account.email,
        "address": account.address,
        "pincode": account.pincode,
        "stateCode": "2",
        "stateName": account.state_name,
        "districtCode": "",
        "districtName": account.district_name,
        "kycVerified": str(account.kyc_verified).lower(),
        "status": account.status,
    }
