"""Sign-in pages and the per-role home page. Thin: the rules live in services.py and scoping.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from himswasthya.accounts import mfa, services
from himswasthya.accounts.forms import MobileForm, OtpForm, StaffLoginForm, TotpForm
from himswasthya.accounts.middleware import ended_session_kind, forget_sign_in
from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, Role, User
from himswasthya.accounts.signals import LOGIN_METHOD_ATTR
from himswasthya.core.client_address import client_ip
from himswasthya.core.errors import DomainError
from himswasthya.core.validators import mask_mobile
from himswasthya.core.views import add_domain_error

_OTP_CHALLENGE = "otp_challenge_id"
_OTP_MOBILE = "otp_mobile"
_BACKEND = "himswasthya.accounts.backends.LockoutModelBackend"
_MFA_NEXT = "mfa_next"


def sign_in(request: HttpRequest, user: User, method: str) -> None:
    """Django's login() rotates the session key and CSRF token (SEC-25 3.2.1); the user_logged_in receiver
    (accounts/signals.py) makes it the only live session and audits it, as for every other login()."""
    setattr(request, LOGIN_METHOD_ATTR, method)
    login(request, user, backend=_BACKEND)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _say_if_session_ended(request: HttpRequest) -> None:
    """Once, on the sign-in page shown to someone whose session ended (accounts/middleware.py)."""
    if request.method == "GET" and ended_session_kind(request):
        messages.info(request, _("Your session ended; please sign in again."))
        forget_sign_in(request)


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and ended_session_kind(request) == "citizen":
        return redirect("accounts:mobile_login")  # pages that need a login send everyone here
    _say_if_session_ended(request)
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.do_staff_login(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            target = _next_url(request)
            sign_in(request, user, "password")
            if mfa.needs_second_factor(user):
                # Signed in, but the MFA middleware lets the session reach only the second-factor pages.
                request.session[_MFA_NEXT] = target
                return redirect("accounts:mfa")
            return redirect(target)
    return render(request, "accounts/staff_login.html", {"form": form, "next": _next_url(request)})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def mobile_login(request: HttpRequest) -> HttpResponse:
    _say_if_session_ended(request)
    form = MobileForm(request.POST or None, initial={"mobile": request.session.get(_OTP_MOBILE, "")})
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.do_request_otp(form.cleaned_data["mobile"], ip=client_ip(request))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[_OTP_CHALLENGE] = str(sent.challenge.pk)
            request.session[_OTP_MOBILE] = sent.challenge.mobile
            messages.success(
                request,
                _("We have sent an OTP to %(mobile)s.") % {"mobile": mask_mobile(sent.challenge.mobile)},
            )
            return redirect("accounts:otp")
    return render(request, "accounts/mobile_login.html", {"form": form})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def otp_entry(request: HttpRequest) -> HttpResponse:
    challenge_id = request.session.get(_OTP_CHALLENGE)
    mobile = request.session.get(_OTP_MOBILE, "")
    if not challenge_id:
        return redirect("accounts:mobile_login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.do_verify_otp(
                form.cleaned_data["otp"], challenge_id=challenge_id, ip=client_ip(request)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            sign_in(request, user, "otp")  # flushes the old session, including the challenge id
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "mobile": mobile,
        "masked_mobile": mask_mobile(mobile),
        "demo_otp": services.demo_otp_for(mobile),
    }
    return render(request, "accounts/otp_entry.html", context)


# ------------------------------------------------------------------------------------- second factor


def _mfa_pending(request: HttpRequest) -> HttpResponse | None:
    """None when this session still needs its second factor; else where it should go instead."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if not mfa.needs_second_factor(user) or getattr(user, "is_verified", lambda: False)():
        return redirect(request.session.pop(_MFA_NEXT, None) or settings.LOGIN_REDIRECT_URL)
    return None


def _mfa_done(request: HttpRequest, device: mfa.TOTPDevice) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    target = request.session.pop(_MFA_NEXT, None) or settings.LOGIN_REDIRECT_URL
    request.session.cycle_key()  # a new session id for the raised privilege (SEC-25 3.2.1)
    otp_login(request, device)
    services.do_register_session(user, request.session.session_key or "")
    return redirect(target)


def _mfa_refused(request: HttpRequest, form: Form, exc: DomainError) -> HttpResponse | None:
    if isinstance(exc, mfa.MfaLockedOut):
        logout(request)
        forget_sign_in(request)  # the message says why
        messages.error(request, str(exc.message))
        return redirect("accounts:login")
    add_domain_error(form, exc)
    return None


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _mfa_pending(request)) is not None:
        return elsewhere
    user: User = request.user  # type: ignore[assignment]
    device = mfa.confirmed_device(user)
    if device is None:
        return redirect("accounts:mfa_enrol")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa.do_verify(user, device, form.cleaned_data["code"], ip=client_ip(request))
        except DomainError as exc:
            if (response := _mfa_refused(request, form, exc)) is not None:
                return response
        else:
            return _mfa_done(request, device)
    context = {"form": form, "demo_code": mfa.demo_code_for(device)}
    return render(request, "accounts/mfa_verify.html", context)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    if (elsewhere := _mfa_pending(request)) is not None:
        return elsewhere
    user: User = request.user  # type: ignore[assignment]
    if mfa.confirmed_device(user) is not None:
        return redirect("accounts:mfa")  # re-enrolling needs an administrator to remove the old device
    device = mfa.enrolment_device(user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa.do_verify(user, device, form.cleaned_data["code"], ip=client_ip(request), enrolling=True)
        except DomainError as exc:
            if (response := _mfa_refused(request, form, exc)) is not None:
                return response
        else:
            messages.success(request, _("Your authenticator app is set up."))
            return _mfa_done(request, device)
    uri = mfa.otpauth_uri(device)
    secret = mfa.base32_key(device)
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(uri),
        "otpauth_uri": uri,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "is_citizen": user.role == Role.CITIZEN,
        "is_facility_staff": user.role in FACILITY_ROLES,
        "is_district_staff": user.role in DISTRICT_ROLES,
        "is_state_admin": user.role == Role.STATE_ADMIN,
        "is_state_officer": user.role in {Role.HIMCARE_OFFICER, Role.GRIEVANCE_OFFICER},
    }
    return render(request, "home.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(request.user)  # type: ignore[arg-type]
    logout(request)  # flushes the session server-side (SEC-25 3.3.1)
    forget_sign_in(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:landing")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_usable_password():
        messages.info(request, _("You sign in with a mobile OTP; there is no password to change."))
        return redirect("accounts:home")
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_change_password(user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # rotates the session key: keep it the user's live session
        services.do_register_session(user, request.session.session_key or "")
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:home")
    return render(
        request, "accounts/password_change.html", {"form": form, "expired": user.password_expired()}
    )
