"""One error for every ABDM failure, whatever shape the gateway's 4xx body had (abdm-api.md section 6)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError

# Codes we raise ourselves (not ABDM's): transport failures and answers we cannot use.
UNREACHABLE = "abdm_unreachable"
TIMEOUT = "abdm_timeout"
BAD_RESPONSE = "abdm_bad_response"
NOT_CONFIGURED = "abdm_not_configured"
OTP_FAILED = "abdm_otp_failed"
INVALID_TOKEN = "900901"
TXN_UNKNOWN = "abdm_txn_unknown"
JWT_INVALID = "abdm_jwt_invalid"

# What the user reads for each code; anything else gets a generic message carrying the code.
USER_MESSAGES: dict[str, Promise] = {
    "ABDM-1211": _("No ABHA account was found for these details."),
    "ABDM-1010": _("No ABHA account was found for these details."),
    "ABDM-1051": _("This ABHA number is not valid."),
    "ABDM-1016": _("ABDM refused the request because of a clock or timestamp problem. Try again."),
    "ABDM-1006": _("ABDM could not accept the details sent. Check them and try again."),
    "ABDM-1024": _("An ABDM service is down at the moment. Try again in a few minutes."),
    "ABDM-1027": _("This ABHA account is blocked for 24 hours after too many attempts."),
    "ABDM-1094": _("The ABHA session has expired. Verify the ABHA again."),
    "ABDM-1035": _("ABDM does not recognise this health facility."),
    INVALID_TOKEN: _("HimSwasthya could not sign in to ABDM. Tell the system administrator."),
    UNREACHABLE: _("ABDM cannot be reached right now. Try again in a few minutes."),
    TIMEOUT: _("ABDM did not answer in time. Try again in a few minutes."),
    BAD_RESPONSE: _("ABDM sent an answer HimSwasthya could not read. Try again later."),
    NOT_CONFIGURED: _("The ABDM connection is not configured. Tell the system administrator."),
    OTP_FAILED: _("The OTP is wrong or has expired."),
    TXN_UNKNOWN: _("This verification has expired or was not started here. Request a new OTP."),
    JWT_INVALID: _("The caller's ABDM token is not valid."),
}

# Our API's status for each code (DomainError.status); ABDM's own HTTP status stays in `http_status`.
_API_STATUS = {
    "ABDM-1211": 404,
    "ABDM-1010": 404,
    UNREACHABLE: 503,
    TIMEOUT: 504,
    BAD_RESPONSE: 502,
    NOT_CONFIGURED: 503,
    INVALID_TOKEN: 502,
    "ABDM-1024": 503,
    "ABDM-1016": 502,
    JWT_INVALID: 401,
}


class AbdmError(DomainError):
    """`code`: ABDM's code (ABDM-1211, 900901...) or one of ours; `upstream_message`: ABDM's English text."""

    code = "abdm_error"
    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise | None = None,
        *,
        http_status: int | None = None,
        upstream_message: str = "",
        field: str | None = None,
    ):
        if message is None:
            message = USER_MESSAGES.get(code) or _("ABDM refused the request (code %(code)s).") % {
                "code": code
            }
        super().__init__(message, field=field, code=code)
        self.http_status = http_status
        self.upstream_message = upstream_message
        self.status = _API_STATUS.get(code, 502 if (http_status or 0) >= 500 else 400)

    def __repr__(self) -> str:
        return f"AbdmError({self.code!r}, http={self.http_status!r}, upstream={self.upstream_message!r})"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def normalise_error(http_status: int, body: Any) -> AbdmError:
    """Turn any of ABDM's 4xx/5xx body shapes into one AbdmError.

    Shapes seen in the wild: {"code","message"}; {"error":{"code","message"}} (V0.5 with integer codes);
    a field map {"loginId":"Invalid LoginId"}; the gateway's {"code":"900901"}; or no JSON at all.
    """
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if isinstance(body, dict) and body.get("code") not in (None, ""):
        return AbdmError(
            _text(body["code"]),
            http_status=http_status,
            upstream_message=_text(body.get("message") or body.get("description")),
        )
    if isinstance(body, dict) and body and all(isinstance(v, str) for v in body.values()):
        field, text = next(iter(body.items()))
        code = "ABDM-1016" if field.lower() == "timestamp" else "ABDM-1006"
        return AbdmError(code, http_status=http_status, upstream_message=text, field=field)
    if http_status == 401:
        return AbdmError(INVALID_TOKEN, http_status=http_status)
    if http_status >= 500:
        return AbdmError(UNREACHABLE, http_status=http_status)
    return AbdmError(f"http_{http_status}", http_status=http_status, upstream_message=_text(body)[:200])
