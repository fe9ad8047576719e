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

from himswasthya.accounts import services
from himswasthya.accounts.forms import MobileForm, OtpForm, StaffLoginForm
from himswasthya.accounts.models import DISTRICT_ROLES, FACILITY_ROLES, Role, User
from himswasthya.core.client_address import client_ip
from himswasthya.core.errors import DomainError
from himswasthya.core.validators import mask_mobile

_OTP_CHALLENGE = "otp_challenge_id"
_OTP_MOBILE = "otp_mobile"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_in(request: HttpRequest, user: User, method: str) -> None:
    """Django's login() rotates the session key and CSRF token (SEC-25 3.2.1)."""
    login(request, user, backend=_BACKEND)
    services.do_register_session(user, request.session.session_key or "")
    services.record_login(user, method)


def _add_domain_error(form: Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.do_staff_login(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except DomainError as exc:
            _add_domain_error(form, exc)
        else:
            sign_in(request, user, "password")
            return redirect(_next_url(request))
    return render(request, "accounts/staff_login.html", {"form": form, "next": _next_url(request)})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def mobile_login(request: HttpRequest) -> HttpResponse:
    form = MobileForm(request.POST or None, initial={"mobile": request.session.get(_OTP_MOBILE, "")})
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.do_request_otp(form.cleaned_data["mobile"], ip=client_ip(request))
        except DomainError as exc:
            _add_domain_error(form, exc)
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
            _add_domain_error(form, exc)
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
