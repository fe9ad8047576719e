"""Second factor (TOTP, django-otp) for staff who can see or change the whole state (SEC-15, SEC-26).

Who needs it (`needs_second_factor`): the state-level roles - state administrator, HIMCARE officer and
grievance officer (STATE_ROLES: they reach every district, even when narrowed to one) - and anyone who can
open the Django admin (`is_staff` / `is_superuser`). Facility staff and district officers sign in with their
password alone (a district officer sees one district; adding them is one line, MFA_ROLES).

A TOTP failure counts towards the same lockout as a wrong password (services.count_login_failure), is
throttled per device by django-otp (1, 2, 4 ... seconds after each failure) and per network
(OTP_MAX_VERIFY_PER_IP_PER_HOUR). Every enrolment, verification and failure is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from himswasthya.accounts import services
from himswasthya.accounts.models import STATE_ROLES, User
from himswasthya.audit.actions import AuditAction
from himswasthya.core import documents, ratelimit
from himswasthya.core.errors import DomainError, RateLimited

MFA_ROLES = frozenset(STATE_ROLES)
# The device make_demo_users creates (fixed, published key): only its code is ever shown, only in DEMO_MODE.
DEMO_DEVICE_NAME = "demo"
ENROL_DEVICE_NAME = "authenticator"


class MfaError(DomainError):
    code = "mfa_invalid"


class MfaLockedOut(MfaError):
    code = "login_failed"


def needs_second_factor(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "role", None) in MFA_ROLES or user.is_staff or user.is_superuser)  # type: ignore[attr-defined]


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user; its key stays until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=ENROL_DEVICE_NAME, confirmed=False)
    return device


def otpauth_uri(device: TOTPDevice) -> str:
    return device.config_url


def base32_key(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no external service ever sees the secret)."""
    svg = documents.qr_svg(data, border=4, inline=True)  # no XML declaration inside HTML
    # A fixed on-screen size that phone cameras read well; white background for dark themes.
    return svg.replace(
        "<svg ", '<svg aria-hidden="true" style="width:14rem;height:14rem;background:#fff" ', 1
    )


def usable_code(device: TOTPDevice) -> str:
    """The code the device accepts right now (the current step, or the next one if the current was used)."""
    for offset in range(0, device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_code_for(device: TOTPDevice | None) -> str | None:
    """Demo machines only (DEMO_MODE), and only for the published demo device."""
    if not settings.DEMO_MODE or device is None or device.name != DEMO_DEVICE_NAME:
        return None
    return usable_code(device)


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice
    enrolled: bool


def do_verify(
    user: User, device: TOTPDevice, code: str, *, ip: str | None, enrolling: bool = False
) -> Verified:
    """Check a TOTP code of `device` for `user`; on success confirm the device if it is being enrolled.

    Raises MfaLockedOut when the account is (or becomes) locked: the caller must sign the session out."""
    username = user.get_username()
    action = "enrol" if enrolling else "verify"
    if services.is_locked_out(username):
        _failed(user, action, "locked_out")
        raise MfaLockedOut(services.login_failed_message(), field=None)
    if not ratelimit.hit(
        f"accounts:mfa-verify:ip:{ip or 'unknown'}", settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR, services.HOUR
    ):
        _failed(user, action, "too_many_requests_ip")
        raise RateLimited(
            _("Too many attempts from this network. Try again in an hour."),
            field="code",
            code="mfa_too_many_requests",
        )
    code = (code or "").strip()
    wait = 0
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if locked is None:
            raise MfaError(_("This authenticator is no longer registered. Sign in again."), field="code")
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            wait = 1
            if info and info.get("locked_until"):
                wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
            ok = False
        else:
            ok = bool(locked.verify_token(code))  # a wrong code also starts django-otp's per-device throttle
        if ok:
            if enrolling:
                locked.confirmed = True
                locked.save(update_fields=["confirmed"])
                # One confirmed authenticator per user: an older one (lost phone, re-enrolment) stops working.
                TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
            services.record_auth_event(
                AuditAction.AUTH_MFA_ENROLLED if enrolling else AuditAction.AUTH_MFA_VERIFIED,
                user,
                {"method": "totp", "device": locked.pk},
            )
    if wait:
        # django-otp's per-device throttle (1, 2, 4 ... s after each wrong code): not evaluated, not counted.
        _failed(user, action, "throttled")
        raise RateLimited(
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try the next code.",
                "Too many wrong codes. Wait %(seconds)d seconds and try the next code.",
                wait,
            )
            % {"seconds": wait},
            field="code",
            code="mfa_throttled",
        )
    if not ok:
        failures = services.count_login_failure(username)
        _failed(user, action, "wrong_code")
        if failures >= settings.LOGIN_MAX_FAILURES:
            raise MfaLockedOut(services.login_failed_message(), field=None)
        left = settings.LOGIN_MAX_FAILURES - failures
        raise MfaError(
            ngettext(
                "Wrong code. %(left)d attempt left before the account is locked.",
                "Wrong code. %(left)d attempts left before the account is locked.",
                left,
            )
            % {"left": left},
            field="code",
            code="mfa_wrong",
        )
    services.clear_login_failures(username)
    return Verified(device=locked, enrolled=enrolling)


def _failed(user: User, action: str, reason: str) -> None:
    services.record_auth_event(
        AuditAction.AUTH_MFA_FAILED, user, {"method": "totp", "step": action, "reason": reason}
    )
