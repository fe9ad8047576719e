"""/abdm/verify/: a staff page to check an ABHA by address, or by number + OTP, and see what ABDM returns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from himswasthya.abdm import services
from himswasthya.abdm.forms import AbhaSearchForm, OtpConfirmForm, OtpRequestForm
from himswasthya.core.errors import DomainError, Forbidden


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    try:
        services.ensure_can_verify(request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    step = request.POST.get("step", "")
    search_form = AbhaSearchForm(request.POST if step == "search" else None)
    request_form = OtpRequestForm(request.POST if step == "request" else None)
    confirm_form: OtpConfirmForm | None = OtpConfirmForm(request.POST) if step == "confirm" else None
    context: dict[str, object] = {}
    try:
        if step == "search" and search_form.is_valid():
            context["summary"] = services.do_search_abha_address(
                request.user, search_form.cleaned_data["abha_address"]
            )
        elif step == "request" and request_form.is_valid():
            started = services.do_request_abha_otp(
                request.user,
                request_form.cleaned_data["abha_number"],
                otp_system=request_form.cleaned_data["otp_system"],
            )
            confirm_form = OtpConfirmForm(initial={"txn_id": started.txn_id})
            context["otp_message"] = started.message
        elif step == "confirm" and confirm_form is not None and confirm_form.is_valid():
            context["profile"] = services.do_confirm_abha_otp(
                request.user, confirm_form.cleaned_data["txn_id"], confirm_form.cleaned_data["otp"]
            )
            confirm_form = None
    except DomainError as exc:
        context["error"] = exc.message
    context.update(search_form=search_form, request_form=request_form, confirm_form=confirm_form)
    return render(request, "abdm/verify.html", context, status=400 if context.get("error") else 200)
