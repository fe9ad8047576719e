"""SEC-25 / SEC-15: idle sessions end, and the sign-in page says so afterwards; SEC-23: staff with an expired
password must change it first."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from himswasthya.accounts.models import Role

_LAST_SEEN = "last_seen"
_STARTED = "session_started"
_LAST_SEEN_GRANULARITY_SECONDS = 60

# Issue #12: "your session ended" for someone whose session ended, not for a first-time visitor. A session
# ends in many ways that leave no trace on the server (idle limit, 12 h limit, signed in elsewhere, password
# changed, session deleted), so the browser keeps the trace: a cookie set while someone is signed in,
# living as long as the session cookie, removed when they sign out on purpose. Found on a sign-in page while
# nobody is signed in, it means the session ended; it holds only whose sign-in page that is.
SIGNED_IN_COOKIE = "hs_signed_in"
_SIGNED_IN_KINDS = ("citizen", "staff")
_FORGET_SIGN_IN = "_hs_forget_sign_in"


class SessionIdleTimeoutMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT_SECONDS, and any session older than SESSION_COOKIE_AGE
    (12 h, ASVS 3.3.2) - Django alone would extend the cookie on every request that touches the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN, now)
            started = request.session.setdefault(_STARTED, now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - last_seen >= _LAST_SEEN_GRANULARITY_SECONDS or _LAST_SEEN not in request.session:
                # Writing the session on every request would cost a database write per request; a minute's
                # precision is plenty for a 15-minute idle limit.
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def ended_session_kind(request: HttpRequest) -> str:
    """'citizen' or 'staff' when this browser's session ended without its person signing out, else ''."""
    kind = request.COOKIES.get(SIGNED_IN_COOKIE, "")
    return kind if kind in _SIGNED_IN_KINDS and not request.user.is_authenticated else ""


def forget_sign_in(request: HttpRequest) -> None:
    """Signing out on purpose (or being told why already): no "session ended" on the next sign-in page."""
    setattr(request, _FORGET_SIGN_IN, True)


class SignedInCookieMiddleware:
    """Sets and removes SIGNED_IN_COOKIE (above). Before the middleware that end sessions, so that it sees
    who is still signed in once they have run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _FORGET_SIGN_IN, False):
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        elif request.user.is_authenticated:
            kind = "citizen" if request.user.role == Role.CITIZEN else "staff"
            if request.COOKIES.get(SIGNED_IN_COOKIE) != kind:
                response.set_cookie(
                    SIGNED_IN_COOKIE,
                    kind,
                    max_age=None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response


class SingleSessionMiddleware:
    """SEC-15: no concurrent logins. Signing in elsewhere ends this session on its next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        current = getattr(user, "current_session_key", "") if user.is_authenticated else ""
        if current and request.session.session_key != current:
            logout(request)
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A staff member whose password is older than PASSWORD_MAX_AGE_DAYS can only change it (or sign out)."""

    # The second-factor pages come first: the password is changed only once the session is fully verified.
    _ALLOWED_NAMES = (
        "accounts:password_change",
        "accounts:logout",
        "set_language",
        "accounts:mfa",
        "accounts:mfa_enrol",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "password_expired", None) and user.password_expired():
            allowed = {reverse(name) for name in self._ALLOWED_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith(("/api/", "/fhir/")):  # machine clients: no redirect
                    return JsonResponse(
                        {
                            "code": "password_expired",
                            "message": _("Your password has expired. Please change it."),
                            "field": "password",
                        },
                        status=403,
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)


class SecondFactorMiddleware:
    """SEC-15/SEC-26: a session of a user who needs a second factor (accounts/mfa.py) reaches nothing but the
    second-factor pages and sign-out until it has been verified with a TOTP code. After OTPMiddleware."""

    # /login/ too: signing in as somebody else replaces this session.
    _ALLOWED_NAMES = (
        "accounts:mfa",
        "accounts:mfa_enrol",
        "accounts:logout",
        "accounts:login",
        "set_language",
    )
    _NEXT = "mfa_next"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from himswasthya.accounts.mfa import needs_second_factor

        user = request.user
        if (
            user.is_authenticated
            and needs_second_factor(user)
            and not getattr(user, "is_verified", lambda: False)()
        ):
            allowed = {reverse(name) for name in self._ALLOWED_NAMES}
            path = request.path
            if path not in allowed and not path.startswith(settings.STATIC_URL):
                if path.startswith(("/api/", "/fhir/")):  # machine clients: no redirect
                    return JsonResponse(
                        {
                            "code": "mfa_required",
                            "message": _("Enter the code from your authenticator app first."),
                            "field": None,
                        },
                        status=403,
                    )
                if request.method == "GET" and self._NEXT not in request.session:
                    request.session[self._NEXT] = request.get_full_path()
                return redirect("accounts:mfa")
        return self.get_response(request)
