"""HTTP transport for ABDM: gateway session, ABHA verification (M1), scan-and-share answer, gateway JWTs.

One small class per external service (like healthchecks' integrations/*/transport.py). Contract: abdm-api.md.
Every call carries REQUEST-ID (uuid4, kept across retries so ABDM can drop duplicates), TIMESTAMP (UTC, ms)
and, on gateway calls, X-CM-ID. Connection errors, timeouts and 5xx are retried with exponential backoff;
4xx never are. The gateway session token is cached until shortly before `expiresIn` and refetched once
when ABDM says it is invalid (401 / code 900901), as care_abdm does.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from himswasthya.abdm import errors
from himswasthya.abdm.endpoints import ENDPOINTS
from himswasthya.abdm.errors import AbdmError, normalise_error
from himswasthya.core.retry import Retry, call_with_retries
from himswasthya.core.text import BadJson, check_json_value
from himswasthya.core.validators import normalise_abha_number

logger = logging.getLogger("himswasthya.abdm")

TOKEN_EXPIRY_MARGIN_SECONDS = 60
CERTIFICATE_CACHE_SECONDS = 60 * 60

# (scope, loginHint, otpSystem) of "ABHA number + OTP" login, by who sends the OTP (abdm-api.md section 2).
LOGIN_SCOPES = {
    "aadhaar": ["abha-login", "aadhaar-verify"],
    "abdm": ["abha-login", "mobile-verify"],
}


def abdm_timestamp(now: datetime | None = None) -> str:
    """2025-01-31T10:15:30.000Z: UTC with milliseconds, as ABDM checks it (else ABDM-1016)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def encrypt_for_abdm(public_key_b64: str, plaintext: str) -> str:
    """RSA/ECB/OAEPWithSHA-1AndMGF1Padding over ABDM's base64 DER SPKI key, returned as base64."""
    public_key = serialization.load_der_public_key(base64.b64decode(public_key_b64))
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AbdmError(errors.BAD_RESPONSE, upstream_message="certificate is not an RSA key")
    ciphertext = public_key.encrypt(
        plaintext.encode(),
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None),  # noqa: S303
    )
    return base64.b64encode(ciphertext).decode()


def _to_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _normalised_abha_number(value: Any) -> str:
    """ABDM sends 91-1234-5678-9012; we keep 14 digits. An odd value is kept stripped rather than dropped."""
    raw = str(value or "")
    try:
        return normalise_abha_number(raw)
    except ValidationError:
        logger.warning("ABDM returned an ABHA number that fails validation")
        return raw.replace("-", "").replace(" ", "")


@dataclass(frozen=True)
class AbdmConfig:
    gateway_url: str
    abha_url: str
    client_id: str
    client_secret: str
    cm_id: str
    hip_id: str
    timeout_seconds: float
    retries: int
    backoff_seconds: float
    jwks_cache_seconds: int
    jwt_audience: str

    @classmethod
    def from_settings(cls) -> AbdmConfig:
        return cls(
            gateway_url=settings.ABDM_GATEWAY_URL.rstrip("/"),
            abha_url=settings.ABDM_ABHA_URL.rstrip("/"),
            client_id=settings.ABDM_CLIENT_ID,
            client_secret=settings.ABDM_CLIENT_SECRET,
            cm_id=settings.ABDM_CM_ID,
            hip_id=settings.ABDM_HIP_ID,
            timeout_seconds=settings.ABDM_TIMEOUT_SECONDS,
            retries=settings.ABDM_RETRIES,
            backoff_seconds=settings.ABDM_RETRY_BACKOFF_SECONDS,
            jwks_cache_seconds=settings.ABDM_JWKS_CACHE_SECONDS,
            jwt_audience=settings.ABDM_JWT_AUDIENCE,
        )

    def cache_key(self, what: str) -> str:
        digest = hashlib.sha256(f"{self.gateway_url}|{self.abha_url}|{self.client_id}".encode()).hexdigest()[
            :16
        ]
        return f"abdm:{what}:{digest}"

    def url(self, endpoint: str) -> str:
        """The full URL of one of abdm/endpoints.py's endpoints."""
        service, path = ENDPOINTS[endpoint]
        return (self.gateway_url if service == "gateway" else self.abha_url) + path


@dataclass(frozen=True)
class PublicCertificate:
    public_key: str
    algorithm: str


@dataclass(frozen=True)
class AbhaSearchResult:
    abha_number: str
    abha_address: str
    full_name: str
    masked_mobile: str
    status: str
    auth_methods: list[str] = field(default_factory=list)
    blocked_auth_methods: list[str] = field(default_factory=list)

    @classmethod
    def from_abdm(cls, data: dict[str, Any]) -> AbhaSearchResult:
        return cls(
            abha_number=_normalised_abha_number(data.get("healthIdNumber") or data.get("ABHANumber")),
            abha_address=str(data.get("abhaAddress") or ""),
            full_name=str(data.get("fullName") or data.get("name") or ""),
            masked_mobile=str(data.get("mobile") or ""),
            status=str(data.get("status") or ""),
            auth_methods=list(data.get("authMethods") or []),
            blocked_auth_methods=list(data.get("blockedAuthMethods") or []),
        )


@dataclass(frozen=True)
class OtpRequest:
    txn_id: str
    message: str
    scope: list[str]


@dataclass(frozen=True)
class LoginResult:
    txn_id: str
    x_token: str
    expires_in: int | None
    accounts: list[dict[str, Any]]


@dataclass(frozen=True)
class AbhaProfile:
    abha_number: str  # 14 digits
    abha_address: str
    name: str
    first_name: str
    middle_name: str
    last_name: str
    gender: str  # M / F / O
    year_of_birth: int | None
    month_of_birth: int | None
    day_of_birth: int | None
    mobile: str
    email: str
    address: str
    pincode: str
    district_name: str
    state_name: str
    status: str
    kyc_verified: bool

    @classmethod
    def from_abdm(cls, data: dict[str, Any]) -> AbhaProfile:
        names = [str(data.get(k) or "") for k in ("firstName", "middleName", "lastName")]
        return cls(
            abha_number=_normalised_abha_number(data.get("ABHANumber") or data.get("abhaNumber")),
            abha_address=str(data.get("preferredAbhaAddress") or data.get("abhaAddress") or ""),
            name=str(data.get("name") or " ".join(n for n in names if n)),
            first_name=names[0],
            middle_name=names[1],
            last_name=names[2],
            gender=str(data.get("gender") or ""),
            year_of_birth=_to_int(data.get("yearOfBirth")),
            month_of_birth=_to_int(data.get("monthOfBirth")),
            day_of_birth=_to_int(data.get("dayOfBirth")),
            mobile=str(data.get("mobile") or ""),
            email=str(data.get("email") or ""),
            address=str(data.get("address") or ""),
            pincode=str(data.get("pincode") or data.get("pinCode") or ""),
            district_name=str(data.get("districtName") or ""),
            state_name=str(data.get("stateName") or ""),
            status=str(data.get("status") or ""),
            kyc_verified=str(data.get("kycVerified")).lower() == "true",
        )


class AbdmClient:
    """ABDM gateway + ABHA service. Stateless apart from the shared cache (token, certificate, JWKS)."""

    def __init__(self, config: AbdmConfig | None = None, http: requests.Session | None = None):
        self.config = config or AbdmConfig.from_settings()
        self.http = http or requests.Session()

    # ---- transport -------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, headers: dict[str, str], json: Any = None) -> requests.Response:
        """One logical request with retries on connection errors, timeouts and 5xx (never on 4xx)."""

        def attempt(number: int) -> requests.Response:
            try:
                response = self.http.request(
                    method,
                    url,
                    json=json,
                    timeout=self.config.timeout_seconds,
                    headers={**headers, "TIMESTAMP": abdm_timestamp()},
                )
            except requests.Timeout:
                failure = AbdmError(errors.TIMEOUT)
            except requests.ConnectionError:
                failure = AbdmError(errors.UNREACHABLE)
            else:
                if response.status_code < 500:
                    return response
                failure = normalise_error(response.status_code, _json_or_text(response))
            logger.warning(
                "ABDM %s %s failed (attempt %d, %s, request %s)",
                method,
                _path(url),
                number,
                failure.code,
                headers.get("REQUEST-ID"),
            )
            raise Retry(failure)

        return call_with_retries(
            attempt, retries=self.config.retries, backoff_seconds=self.config.backoff_seconds
        )

    def _headers(
        self, *, gateway: bool, token: str | None, extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        headers = {
            "REQUEST-ID": str(uuid.uuid4()),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if gateway:
            headers["X-CM-ID"] = self.config.cm_id
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return {**headers, **(extra or {})}

    def _call(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        gateway: bool = False,
        extra: dict[str, str] | None = None,
    ) -> tuple[requests.Response, dict[str, str]]:
        """Authenticated call; if ABDM refuses the session token, refetch it once and repeat the call."""
        for refreshed in (False, True):
            headers = self._headers(gateway=gateway, token=self.session_token(force=refreshed), extra=extra)
            response = self._send(method, url, headers=headers, json=json)
            if response.status_code < 400:
                return response, headers
            error = normalise_error(response.status_code, _json_or_text(response))
            if error.code != errors.INVALID_TOKEN or refreshed:
                raise error
            logger.info("ABDM session token refused; fetching a new one")
        raise AssertionError("unreachable")

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        try:
            data = check_json_value(response.json())  # SEC-27: no over-deep nesting, no unstorable text
        except (ValueError, RecursionError, BadJson) as exc:
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code) from exc
        if not isinstance(data, dict):
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code)
        return data

    # ---- gateway session -------------------------------------------------------------------------------

    def session_token(self, *, force: bool = False) -> str:
        key = self.config.cache_key("session")
        if not force and (token := cache.get(key)):
            return token
        if not (self.config.client_id and self.config.client_secret):
            raise AbdmError(errors.NOT_CONFIGURED)
        response = self._send(
            "POST",
            self.config.url("sessions"),
            headers=self._headers(gateway=True, token=None),
            json={
                "clientId": self.config.client_id,
                "clientSecret": self.config.client_secret,
                "grantType": "client_credentials",
            },
        )
        if response.status_code >= 400:
            raise normalise_error(response.status_code, _json_or_text(response))
        data = self._json(response)
        token = data.get("accessToken")
        if not token:
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code)
        expires_in = _to_int(data.get("expiresIn")) or 0
        lifetime = expires_in - TOKEN_EXPIRY_MARGIN_SECONDS
        if lifetime > 0:
            cache.set(key, token, timeout=lifetime)
        return token

    def forget_session_token(self) -> None:
        cache.delete(self.config.cache_key("session"))

    # ---- ABHA (M1), synchronous -------------------------------------------------------------------------

    def public_certificate(self) -> PublicCertificate:
        key = self.config.cache_key("certificate")
        if cached := cache.get(key):
            return PublicCertificate(**cached)
        response, _headers = self._call("GET", self.config.url("certificate"))
        data = self._json(response)
        if not data.get("publicKey"):
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code)
        certificate = PublicCertificate(
            public_key=data["publicKey"], algorithm=str(data.get("encryptionAlgorithm", ""))
        )
        cache.set(key, certificate.__dict__, timeout=CERTIFICATE_CACHE_SECONDS)
        return certificate

    def encrypt(self, plaintext: str) -> str:
        return encrypt_for_abdm(self.public_certificate().public_key, plaintext)

    def search_abha_address(self, abha_address: str) -> AbhaSearchResult:
        response, _headers = self._call("POST", self.config.url("search"), json={"abhaAddress": abha_address})
        return AbhaSearchResult.from_abdm(self._json(response))

    def request_login_otp(self, abha_number: str, *, otp_system: str = "abdm") -> OtpRequest:
        """Start "ABHA number + OTP" login; otp_system "abdm" texts the ABHA mobile, "aadhaar" Aadhaar's."""
        scope = LOGIN_SCOPES[otp_system]
        response, _headers = self._call(
            "POST",
            self.config.url("request_otp"),
            json={
                "scope": scope,
                "loginHint": "abha-number",
                "loginId": self.encrypt(abha_number),
                "otpSystem": otp_system,
            },
        )
        data = self._json(response)
        if not data.get("txnId"):
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code)
        return OtpRequest(txn_id=str(data["txnId"]), message=str(data.get("message") or ""), scope=scope)

    def verify_login_otp(self, txn_id: str, otp: str, *, scope: list[str]) -> LoginResult:
        response, _headers = self._call(
            "POST",
            self.config.url("verify"),
            json={
                "scope": scope,
                "authData": {"authMethods": ["otp"], "otp": {"txnId": txn_id, "otpValue": self.encrypt(otp)}},
            },
        )
        data = self._json(response)
        if str(data.get("authResult", "")).lower() != "success" or not data.get("token"):
            raise AbdmError(errors.OTP_FAILED, upstream_message=str(data.get("message") or ""))
        return LoginResult(
            txn_id=str(data.get("txnId") or txn_id),
            x_token=str(data["token"]),
            expires_in=_to_int(data.get("expiresIn")),
            accounts=list(data.get("accounts") or []),
        )

    def fetch_profile(self, x_token: str) -> AbhaProfile:
        response, _headers = self._call(
            "GET", self.config.url("profile"), extra={"X-token": f"Bearer {x_token}"}
        )
        return AbhaProfile.from_abdm(self._json(response))

    # ---- scan and share ---------------------------------------------------------------------------------

    def on_share(
        self,
        *,
        inbound_request_id: str,
        abha_address: str,
        context: str,
        token_number: str,
        expiry_seconds: int = 1800,
        hip_id: str | None = None,
        error: tuple[str, str] | None = None,
    ) -> str:
        """Answer a PROFILE_SHARE with the OPD token (or an error). Returns the REQUEST-ID we sent."""
        body: dict[str, Any] = {"response": {"requestId": inbound_request_id}}
        if error:
            body["error"] = {"code": error[0], "message": error[1]}
        else:
            body["acknowledgement"] = {
                "status": "SUCCESS",
                "abhaAddress": abha_address,
                "profile": {
                    "context": context,
                    "tokenNumber": str(token_number),
                    "expiry": str(expiry_seconds),
                },
            }
        _response, headers = self._call(
            "POST",
            self.config.url("on_share"),
            json=body,
            gateway=True,
            extra={"X-HIP-ID": hip_id or self.config.hip_id},
        )
        return headers["REQUEST-ID"]

    # ---- the HIP role: gateway actions and the HIU push ----------------------------------------------------

    def gateway_post(
        self,
        endpoint: str,
        body: dict[str, Any],
        *,
        hip_id: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> str:
        """POST one of ENDPOINTS' gateway actions (202 expected, the answer comes as a callback) for a HIP.
        Returns the REQUEST-ID sent (the callback's `response.requestId`)."""
        _response, headers = self._call(
            "POST",
            self.config.url(endpoint),
            json=body,
            gateway=True,
            extra={"X-HIP-ID": hip_id or self.config.hip_id, **(extra or {})},
        )
        return headers["REQUEST-ID"]

    def push_health_information(self, url: str, body: dict[str, Any]) -> None:
        """POST encrypted entries straight to the HIU's dataPushUrl with our gateway token (section 5 c)."""
        self._call("POST", url, json=body)

    # ---- inbound calls: the gateway's JWT ------------------------------------------------------------------

    def jwks(self, *, force: bool = False) -> dict[str, Any]:
        key = self.config.cache_key("jwks")
        if not force and (cached := cache.get(key)):
            return cached
        response = self._send(
            "GET",
            self.config.url("certs"),
            headers=self._headers(gateway=True, token=None),
        )
        if response.status_code >= 400:
            raise normalise_error(response.status_code, _json_or_text(response))
        data = self._json(response)
        if not isinstance(data.get("keys"), list):
            raise AbdmError(errors.BAD_RESPONSE, http_status=response.status_code)
        cache.set(key, data, timeout=self.config.jwks_cache_seconds)
        return data

    def _signing_key(self, kid: str) -> Any:
        for force in (False, True):  # an unknown kid may mean the gateway rotated its keys: refetch once
            for jwk in self.jwks(force=force)["keys"]:
                if jwk.get("kid") == kid:
                    return jwt.PyJWK(jwk, algorithm="RS256").key
        raise AbdmError(errors.JWT_INVALID, upstream_message="unknown kid")

    def verify_gateway_jwt(self, token: str) -> dict[str, Any]:
        """Check an inbound gateway call's bearer: RS256, known kid, not expired, audience. Returns claims."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AbdmError(errors.JWT_INVALID, upstream_message="malformed") from exc
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise AbdmError(errors.JWT_INVALID, upstream_message="not RS256 with a kid")
        key = self._signing_key(str(header["kid"]))
        audience = self.config.jwt_audience or None
        try:
            return jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=audience,
                leeway=10,
                options={"require": ["exp"], "verify_aud": audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AbdmError(errors.JWT_INVALID, upstream_message="expired") from exc
        except jwt.InvalidSignatureError as exc:
            raise AbdmError(errors.JWT_INVALID, upstream_message="bad signature") from exc
        except jwt.PyJWTError as exc:
            raise AbdmError(errors.JWT_INVALID, upstream_message=type(exc).__name__) from exc


def verify_gateway_jwt(token: str, client: AbdmClient | None = None) -> dict[str, Any]:
    """For the bridge callbacks: `Authorization: Bearer <token>` of an inbound call -> claims or AbdmError."""
    return (client or AbdmClient()).verify_gateway_jwt(token)


def _json_or_text(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


def _path(url: str) -> str:
    """Log the path only: hosts may carry credentials in some deployments, bodies never get logged."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]
