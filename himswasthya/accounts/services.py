"""Sign-in operations: citizen mobile OTP (SEC-23/24) and staff password lockout (SEC-15).

Rate limits and lockouts live in Django's cache, which is Redis in production, so they hold across
worker processes. Every refusal raises a DomainError with its own code and translated message and
leaves the counters as they were, except the attempt it counts.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from himswasthya.accounts.models import OtpChallenge, OtpPurpose, Role, User
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core import ratelimit
from himswasthya.core.errors import DomainError, RateLimited
from himswasthya.core.validators import mask_mobile, normalise_mobile
from himswasthya.notify import sms

HOUR = 60 * 60
_DEMO_OTP_KEY = "accounts:demo-otp:{mobile}"


class OtpError(DomainError):
    code = "otp_invalid"


class LoginFailed(DomainError):
    code = "login_failed"
    status = 401


# --------------------------------------------------------------------------------------------- helpers


def hash_otp(challenge_id: uuid.UUID | str, code: str) -> str:
    """HMAC-SHA256 keyed by SECRET_KEY and salted with the challenge id: a code fits only its challenge."""
    return salted_hmac("himswasthya.accounts.otp", f"{challenge_id}:{code}", algorithm="sha256").hexdigest()


def generate_otp() -> str:
    return f"{secrets.randbelow(10**settings.OTP_LENGTH):0{settings.OTP_LENGTH}d}"


def _mobile_or_error(mobile: str) -> str:
    try:
        return normalise_mobile(mobile)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="mobile", code="mobile_invalid") from exc


# -------------------------------------------------------------------------------------------- OTP send


@dataclass(frozen=True)
class OtpSent:
    challenge: OtpChallenge
    resend_after: int  # seconds


def do_request_otp(mobile: str, *, ip: str | None, purpose: str = OtpPurpose.LOGIN) -> OtpSent:
    """Send a fresh login OTP to `mobile`, superseding any earlier open challenge for it."""
    mobile = _mobile_or_error(mobile)
    ip_key = f"accounts:otp-send:ip:{ip or 'unknown'}"
    mobile_key = f"accounts:otp-send:mobile:{mobile}"
    resend_key = f"accounts:otp-resend:{mobile}:{purpose}"

    if not ratelimit.hit(ip_key, settings.OTP_MAX_SENDS_PER_IP_PER_HOUR, HOUR):
        _refused("too_many_requests_ip", mobile)
        raise RateLimited(
            _("Too many OTP requests from this network. Try again in an hour."),
            field="mobile",
            code="otp_too_many_requests",
        )
    if not ratelimit.hit(mobile_key, settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR, HOUR):
        ratelimit.refund(ip_key)
        _refused("too_many_requests_mobile", mobile)
        raise RateLimited(
            _("Too many OTPs were sent to this mobile number. Try again in an hour."),
            field="mobile",
            code="otp_too_many_requests",
        )
    # cache.add is atomic (SET NX on Redis): only one request per resend interval wins.
    if not cache.add(resend_key, timezone.now().timestamp(), timeout=settings.OTP_RESEND_INTERVAL_SECONDS):
        ratelimit.refund(ip_key)
        ratelimit.refund(mobile_key)
        wait = _seconds_until_resend(resend_key)
        _refused("resend_too_soon", mobile)
        raise RateLimited(
            ngettext(
                "Please wait %(seconds)d second before asking for a new OTP.",
                "Please wait %(seconds)d seconds before asking for a new OTP.",
                wait,
            )
            % {"seconds": wait},
            field="mobile",
            code="otp_resend_too_soon",
        )
    try:
        sent = _create_and_send(mobile, purpose, ip)
    except BaseException:
        ratelimit.refund(ip_key)
        ratelimit.refund(mobile_key)
        cache.delete(resend_key)
        raise
    return sent


def _seconds_until_resend(resend_key: str) -> int:
    started = cache.get(resend_key)
    if started is None:
        return 1
    remaining = settings.OTP_RESEND_INTERVAL_SECONDS - (timezone.now().timestamp() - float(started))
    return max(1, int(remaining + 0.999))


def _create_and_send(mobile: str, purpose: str, ip: str | None) -> OtpSent:
    now = timezone.now()
    code = generate_otp()
    with transaction.atomic():
        # A new OTP supersedes older open ones for this mobile: only the latest can be used.
        OtpChallenge.objects.filter(
            mobile=mobile, purpose=purpose, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        challenge_id = uuid.uuid4()
        challenge = OtpChallenge.objects.create(
            id=challenge_id,
            mobile=mobile,
            purpose=purpose,
            code_hash=hash_otp(challenge_id, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
            ip=ip,
        )
        record(
            AuditAction.AUTH_OTP_SENT,
            object_type="accounts.OtpChallenge",
            object_id=str(challenge.id),
            purpose="login",
            detail={"mobile": mask_mobile(mobile)},
        )
        # Sent inside the transaction on purpose: if the gateway refuses, the challenge is not kept
        # and the citizen is told at once instead of waiting for an SMS that never comes.
        template = "otp_login_hi" if (get_language() or "").startswith("hi") else "otp_login"
        try:
            sms.send_sms(mobile, template, otp=code, minutes=max(1, settings.OTP_TTL_SECONDS // 60))
        except sms.SmsError as exc:
            raise DomainError(
                _("We could not send the SMS just now. Please try again in a few minutes."),
                field="mobile",
                code="sms_failed",
            ) from exc
    if settings.DEMO_MODE:
        # Demo machines only: the OTP page shows this so a tester needs no phone (never on in production).
        cache.set(_DEMO_OTP_KEY.format(mobile=mobile), code, timeout=settings.OTP_TTL_SECONDS)
    return OtpSent(challenge=challenge, resend_after=settings.OTP_RESEND_INTERVAL_SECONDS)


def demo_otp_for(mobile: str) -> str | None:
    if not settings.DEMO_MODE:
        return None
    return cache.get(_DEMO_OTP_KEY.format(mobile=mobile))


def _refused(reason: str, mobile: str) -> None:
    record(
        AuditAction.AUTH_OTP_REFUSED,
        object_type="accounts.OtpChallenge",
        purpose="login",
        detail={"mobile": mask_mobile(mobile), "reason": reason},
    )


# ------------------------------------------------------------------------------------------ OTP verify


def do_verify_otp(
    otp: str,
    *,
    challenge_id: uuid.UUID | str | None = None,
    mobile: str | None = None,
    ip: str | None = None,
    purpose: str = OtpPurpose.LOGIN,
) -> User:
    """Check an OTP against its challenge and return the citizen (created on first login)."""
    if not ratelimit.hit(
        f"accounts:otp-verify:ip:{ip or 'unknown'}", settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR, HOUR
    ):
        raise RateLimited(
            _("Too many attempts from this network. Try again in an hour."),
            field="otp",
            code="otp_too_many_requests",
        )
    challenge = _find_challenge(challenge_id, mobile, purpose)
    try:
        _check_challenge(challenge, (otp or "").strip())
    except OtpError as exc:
        _login_failed(challenge.mobile, exc.code)
        raise
    return _citizen_for(challenge.mobile)


def _find_challenge(challenge_id: uuid.UUID | str | None, mobile: str | None, purpose: str) -> OtpChallenge:
    challenges = OtpChallenge.objects.filter(purpose=purpose)
    challenge = None
    if challenge_id:
        try:
            challenge = challenges.filter(pk=uuid.UUID(str(challenge_id))).first()
        except ValueError:
            challenge = None
    elif mobile:
        challenge = challenges.filter(mobile=_mobile_or_error(mobile)).order_by("-created_at").first()
    if challenge is None:
        raise OtpError(
            _("No OTP was requested for this login. Please ask for a new OTP."),
            field="otp",
            code="otp_not_requested",
        )
    return challenge


def _otp_used() -> OtpError:
    return OtpError(
        _("This OTP has already been used. Please ask for a new OTP."), field="otp", code="otp_used"
    )


def _check_challenge(challenge: OtpChallenge, otp: str) -> None:
    now = timezone.now()
    if challenge.used_at is not None:
        raise _otp_used()
    if challenge.expires_at <= now:
        raise OtpError(_("This OTP has expired. Please ask for a new OTP."), field="otp", code="otp_expired")
    # Count the attempt atomically before comparing, so parallel guesses cannot exceed the limit.
    counted = OtpChallenge.objects.filter(
        pk=challenge.pk, used_at__isnull=True, attempts__lt=settings.OTP_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not counted:
        challenge.refresh_from_db(fields=["used_at"])
        if challenge.used_at is not None:  # used by a parallel request a moment ago
            raise _otp_used()
        raise OtpError(
            _("Too many wrong attempts for this OTP. Please ask for a new OTP."),
            field="otp",
            code="otp_too_many_attempts",
        )
    challenge.refresh_from_db(fields=["attempts"])
    if not (otp.isdigit() and constant_time_compare(challenge.code_hash, hash_otp(challenge.pk, otp))):
        left = settings.OTP_MAX_ATTEMPTS - challenge.attempts
        if left <= 0:
            raise OtpError(
                _("Wrong OTP. No attempts left: please ask for a new OTP."),
                field="otp",
                code="otp_too_many_attempts",
            )
        raise OtpError(
            ngettext("Wrong OTP. %(left)d attempt left.", "Wrong OTP. %(left)d attempts left.", left)
            % {"left": left},
            field="otp",
            code="otp_wrong",
        )
    # Single use: only one request can flip used_at.
    if not OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=now):
        raise _otp_used()


def citizen_username(mobile: str) -> str:
    """Stable but not the mobile itself, so usernames in logs and audit rows reveal no phone number."""
    return (
        "citizen-" + salted_hmac("himswasthya.accounts.username", mobile, algorithm="sha256").hexdigest()[:12]
    )


def _citizen_for(mobile: str) -> User:
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=citizen_username(mobile), mobile=mobile, role=Role.CITIZEN)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # created by a parallel login a moment ago
            user = User.objects.get(mobile=mobile)
    # Staff sign in with their password (and lockout); a staff mobile never opens a citizen session.
    if not user.is_active or user.role != Role.CITIZEN:
        _login_failed(mobile, "not_a_citizen_account")
        raise OtpError(
            _("This mobile number cannot be used to sign in here."),
            field="mobile",
            code="otp_account_unavailable",
        )
    return user


def _login_failed(mobile: str, reason: str) -> None:
    record(
        AuditAction.AUTH_LOGIN_FAILED,
        object_type="accounts.User",
        purpose="login",
        detail={"method": "otp", "mobile": mask_mobile(mobile), "reason": reason},
    )


def _record_own_account(action: str, user: User, *, purpose: str, **extra: Any) -> None:
    """An audit row about something `user` did to their own account (sign-in, sign-out, password)."""
    record(action, object_type="accounts.User", object_id=user.pk, actor=user, purpose=purpose, **extra)


def record_auth_event(action: str, user: User, detail: dict) -> None:
    """An audit row about `user`'s own sign-in (login, second factor), in the user's facility and district."""
    _record_own_account(
        action,
        user,
        purpose="login",
        facility_id=user.facility_id,
        district_id=user.district_id,
        detail=detail,
    )


def record_login(user: User, method: str) -> None:
    record_auth_event(AuditAction.AUTH_LOGIN, user, {"method": method})


def do_register_session(user: User, session_key: str) -> None:
    """Make this the user's only live session (SEC-15); any older session ends on its next request."""
    User.objects.filter(pk=user.pk).update(current_session_key=session_key)
    user.current_session_key = session_key


def record_logout(user: User) -> None:
    _record_own_account(AuditAction.AUTH_LOGOUT, user, purpose="logout")


# -------------------------------------------------------------------------------------- staff password


def _lockout_key(username: str) -> str:
    # Hashed: whatever was typed (perhaps a password in the wrong box) never sits in the cache as text.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"accounts:login-failures:{digest}"


def is_locked_out(username: str) -> bool:
    return cache.get(_lockout_key(username), 0) >= settings.LOGIN_MAX_FAILURES


def count_login_failure(username: str) -> int:
    """One more failure (password or second factor) for this username; the lockout runs from the last one."""
    key = _lockout_key(username)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        failures = 1
    if failures >= settings.LOGIN_MAX_FAILURES:
        cache.touch(key, settings.LOGIN_LOCKOUT_SECONDS)
    return failures


def clear_login_failures(username: str) -> None:
    cache.delete(_lockout_key(username))


def login_failed_message() -> str:
    return _(
        "Wrong username or password, or the account is locked. Try again later or contact your administrator."
    )


def do_staff_login(request, username: str, password: str) -> User:  # noqa: ANN001 - authenticate() needs it
    """Check a staff password. The lockout, its audit rows and the refusal of citizens live in the
    authentication backend (accounts/backends.py), so /admin/login/ and every authenticate() obey them too.
    The error never says whether the username exists."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise LoginFailed(login_failed_message(), field=None, code="login_failed")
    return user


def staff_login_failed(username: str, reason: str, *, path: str | None = None) -> None:
    detail = {"method": "password", "username": username[:150], "reason": reason}
    if path:
        detail["path"] = path[:200]
    record(
        AuditAction.AUTH_LOGIN_FAILED,
        object_type="accounts.User",
        purpose="login",
        detail=detail,
        redact_detail=True,  # typed by whoever is at the keyboard: a pasted Aadhaar or token gets masked
    )


def do_change_password(user: User, new_password: str) -> None:
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "password_changed_at"])
        _record_own_account(AuditAction.AUTH_PASSWORD_CHANGED, user, purpose="account")
