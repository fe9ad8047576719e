"""/abdm/link/...: link a verified ABHA to a person (staff in scope, or a citizen for their own family),
and the supervisor's review queue. Thin: parse, call abdm.linking, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from himswasthya.abdm import linking
from himswasthya.abdm.forms import OtpConfirmForm
from himswasthya.abdm.link_forms import (
    ConfirmLinkForm,
    ResendOtpForm,
    ReviewDecisionForm,
    StartLinkForm,
    UnlinkForm,
)
from himswasthya.abdm.matching import explain
from himswasthya.abdm.models import AbhaLinkEvent, AbhaLinkRequest
from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import has_role, role_required
from himswasthya.core.errors import DomainError, Forbidden, NotFound
from himswasthya.core.validators import mask_mobile


def _person_or_404(request: HttpRequest, person_id: int):
    try:
        return linking.do_read_person_for_linking(request.user, person_id, request.GET.get("purpose", ""))
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _step(request: HttpRequest, person, context: dict[str, Any]) -> None:
    step = request.POST.get("step", "")
    user = request.user
    if step == "start":
        form = StartLinkForm(request.POST)
        context["start_form"] = form
        if form.is_valid():
            started = linking.do_start_abha_verification(
                user,
                person,
                abha_number=form.cleaned_data["abha_number"],
                abha_address=form.cleaned_data["abha_address"],
                otp_system=form.cleaned_data["otp_system"],
                consent_given=form.cleaned_data["consent"],
            )
            context["otp_form"] = OtpConfirmForm(initial={"txn_id": started.txn_id})
            context["otp_message"] = started.message
    elif step == "otp":
        form = OtpConfirmForm(request.POST)
        context["otp_form"] = form
        if form.is_valid():
            verified = linking.do_confirm_abha_verification(
                user, person, form.cleaned_data["txn_id"], form.cleaned_data["otp"]
            )
            context.update(
                verified=verified,
                otp_form=None,
                confirm_form=ConfirmLinkForm(initial={"verification_id": verified.verification_id}),
            )
    elif step == "resend":
        form = ResendOtpForm(request.POST)
        if form.is_valid():
            context["otp_form"] = OtpConfirmForm(initial={"txn_id": form.cleaned_data["txn_id"]})
            started = linking.do_resend_abha_otp(user, person, form.cleaned_data["txn_id"])
            context["otp_form"] = OtpConfirmForm(initial={"txn_id": started.txn_id})
            context["otp_message"] = started.message
    elif step == "link":
        form = ConfirmLinkForm(request.POST)
        if form.is_valid():
            context["outcome"] = linking.do_link_verified(
                user, person.pk, form.cleaned_data["verification_id"]
            )
    elif step == "unlink":
        form = UnlinkForm(request.POST)
        context["unlink_form"] = form
        if form.is_valid():
            linking.do_unlink_abha(person, user, form.cleaned_data["reason"])
            context["unlinked"] = True
            context["unlink_form"] = UnlinkForm()


@login_required
def link_person(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_or_404(request, person_id)
    context: dict[str, Any] = {
        "person": person,
        "start_form": StartLinkForm(),
        "unlink_form": UnlinkForm(),
        "consent_text": linking.consent_text(),
        "is_citizen": request.user.role == Role.CITIZEN,
        "is_supervisor": has_role(request.user, *linking.SUPERVISOR_ROLES),
    }
    status = 200
    if request.method == "POST":
        try:
            _step(request, person, context)
        except DomainError as exc:
            context["error"] = exc.message
            status = 400
    context["abha"] = linking.abha_of(person)
    context["mobile_masked"] = mask_mobile(person.mobile or "")
    if not context["is_citizen"]:
        context["pending"] = AbhaLinkRequest.objects.filter(
            person=person, status=AbhaLinkRequest.Status.PENDING
        )
        context["history"] = AbhaLinkEvent.objects.filter(person=person).select_related("actor")
    return render(request, "abdm/link_person.html", context, status=status)


def _queue(user: Any) -> list[dict[str, Any]]:
    """Pending requests in scope, each with its score reasons in the reader's language."""
    return [
        {"request": r, "reasons": [explain(f["code"], f.get("params") or {}) for f in r.breakdown]}
        for r in linking.review_queue(user)
    ]


@role_required(*linking.SUPERVISOR_ROLES)
def link_reviews(request: HttpRequest) -> HttpResponse:
    queue = _queue(request.user)
    return render(
        request,
        "abdm/link_reviews.html",
        {"queue": queue, "form": ReviewDecisionForm()},
    )


@require_POST
@role_required(*linking.SUPERVISOR_ROLES)
def link_review_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        return redirect("abdm:link_reviews")
    try:
        if form.cleaned_data["decision"] == "approve":
            linking.do_approve_link_request(request_id, request.user, form.cleaned_data["note"])
        else:
            linking.do_reject_link_request(request_id, request.user, form.cleaned_data["note"])
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        queue = _queue(request.user)
        return render(
            request,
            "abdm/link_reviews.html",
            {"queue": queue, "form": form, "error_message": exc.message},
            status=400,
        )
    return redirect("abdm:link_reviews")
