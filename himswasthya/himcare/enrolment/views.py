"""HIMCARE pages: enrol a family (officer / counter), an enrolment with its card, payment, renewal and
cancellation, the officers' list, and the citizen's "My HIMCARE card"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from himswasthya.accounts.scoping import has_role, role_required, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.errors import DomainError
from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.enrolment.api import eligibility_out, enrolment_out
from himswasthya.himcare.enrolment.cards import card_download
from himswasthya.himcare.enrolment.eligibility import scheme_year_in_force
from himswasthya.himcare.enrolment.forms import (
    CancelForm,
    CounterPaymentForm,
    EnrolForm,
    MyCardEnrolForm,
    PaymentCallbackForm,
    RenewForm,
    field_error,
)
from himswasthya.himcare.enrolment.payments.callbacks import our_callback_url
from himswasthya.himcare.models import Category, DocumentKind, Enrolment, EnrolmentStatus

STAFF = tuple(sorted(svc.STAFF_ENROLLERS))
ALL = svc.FAMILY_ENROLLER_ROLES


def _enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    user = request.user
    try:
        if has_role(user, "citizen"):
            found = scope_queryset(user, Enrolment.objects.select_related("family", "scheme_year")).filter(
                pk=enrolment_id
            )
            enrolment = found.first()
            if enrolment is None:
                raise Http404
            return enrolment
        return svc.enrolment_for_actor(user, enrolment_id)
    except DomainError as exc:
        raise Http404 from exc


def _default_channel(user: Any) -> str:
    if has_role(user, "citizen"):
        return "citizen"
    return "officer" if svc.is_officer(user) else "counter"


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _detail_page(request: HttpRequest, enrolment: Enrolment, *, status: int = 200) -> HttpResponse:
    if not has_role(request.user, "citizen"):
        record_read(
            "himcare.Enrolment", enrolment.pk, purpose=svc.PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_READ
        )
    return render(
        request,
        "himcare/enrolment/detail.html",
        {
            "enrolment": enrolment,
            "data": enrolment_out(enrolment),
            "is_officer": svc.is_officer(request.user),
            "is_staff_enroller": has_role(request.user, *STAFF),
            "renewal_opens_on": svc.renewal_opens_on(enrolment),
            "channel": _default_channel(request.user),
            "payments": list(enrolment.payments.all()),
        },
        status=status,
    )


def _refused(request: HttpRequest, enrolment: Enrolment, form: forms.Form) -> HttpResponse:
    """A posted form the page never sends: the enrolment page again (400), the field and reason on top."""
    messages.error(request, field_error(form)[1])
    return _detail_page(request, enrolment, status=400)


def _enrolment_action(
    request: HttpRequest,
    enrolment_id: int,
    form_class: type[forms.Form],
    do: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """A staff action on the enrolment page: the posted form's fields are `do`'s arguments."""
    enrolment = _enrolment(request, enrolment_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, enrolment, form)
    try:
        do(actor=request.user, enrolment=enrolment, **form.cleaned_data)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("himcare:enrolment", enrolment_id=enrolment.pk)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Find a family by its Him Parivar id, see whether and how it can enrol, enrol it."""
    form = EnrolForm(request.POST, request.FILES) if request.method == "POST" else None
    form_valid = form is not None and form.is_valid()
    # The posted family id (when that field is valid), else the one asked for by GET.
    posted_id = form.cleaned_data.get("family_id", "") if form is not None else ""
    family_id = posted_id or (request.GET.get("family_id") or "").strip()
    context: dict[str, Any] = {
        "family_id": family_id,
        "is_officer": svc.is_officer(request.user),
        "categories": Category.choices,
        "document_kinds": DocumentKind.choices,
        "error": "",
    }
    year = scheme_year_in_force()
    context["scheme_year"] = year
    status = 200
    if family_id and year is not None:
        try:
            family = svc.find_family(request.user, family_id)
            context["family"] = family
            context["check"] = eligibility_out(family, year)
        except DomainError as exc:
            context["error"] = str(exc.message)
            status = exc.status if exc.status != 403 else 403
    if form is not None and not form_valid:
        context["error_field"], context["error"] = field_error(form)
        status = 400
    elif form is not None and "family" in context:
        data = form.cleaned_data
        try:
            enrolment = svc.do_enrol_family(
                actor=request.user,
                family=context["family"],
                member_ids=data["member_ids"],
                channel=data["channel"] or _default_channel(request.user),
                category_override=data["category_override"],
                override_reason=data["override_reason"],
                override_documents=form.override_documents(),
                special_case_reason=data["special_case_reason"],
            )
        except DomainError as exc:
            context["error"] = str(exc.message)
            context["error_field"] = exc.field
            status = 400
        else:
            messages.success(request, _("The family is enrolled (%(no)s).") % {"no": enrolment.enrolment_no})
            return redirect("himcare:enrolment", enrolment_id=enrolment.pk)
    return render(request, "himcare/enrolment/enrol.html", context, status=status)


@role_required(*ALL)
def enrolment_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _detail_page(request, _enrolment(request, enrolment_id))


@role_required(*ALL)
def card_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    if not enrolment.card_number:
        raise Http404
    return card_download(request, enrolment)


@role_required(*STAFF)
@require_POST
def counter_payment_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _enrolment_action(
        request,
        enrolment_id,
        CounterPaymentForm,
        svc.do_record_counter_payment,
        _("Premium received. The card is issued."),
    )


@role_required(*ALL)
@require_POST
def pay_online_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    try:
        _payment, url = svc.do_start_online_payment(
            actor=request.user,
            enrolment=enrolment,
            callback_url=our_callback_url(request),
            request=request,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect(_after(request, enrolment))
    return redirect(url)


def _after(request: HttpRequest, enrolment: Enrolment | None) -> str:
    if has_role(request.user, "citizen") or enrolment is None:
        return reverse("himcare:my_card")
    return reverse("himcare:enrolment", kwargs={"enrolment_id": enrolment.pk})


def payment_callback_view(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the payer back. Only a valid signature changes anything."""
    form = PaymentCallbackForm(request.GET if request.method == "GET" else request.POST)
    # Not from the gateway (a NUL character): the same as a failed payment.
    data = form.cleaned_data if form.is_valid() else dict.fromkeys(form.fields, "")
    order_id = data["razorpay_order_id"]
    enrolment = Enrolment.objects.filter(payments__order_id=order_id).first() if order_id else None
    if data["error_code"] or not data["razorpay_signature"]:
        messages.error(request, _("The payment did not go through. Nothing was charged; you can try again."))
        return redirect(_after(request, enrolment) if request.user.is_authenticated else "/")
    try:
        svc.do_confirm_online_payment(
            order_id=order_id,
            payment_id=data["razorpay_payment_id"],
            signature=data["razorpay_signature"],
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Payment received. Your HIMCARE card is issued."))
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(_after(request, enrolment))


@role_required(*ALL)
@require_POST
def renew_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    form = RenewForm(request.POST)
    if not form.is_valid():
        return _refused(request, enrolment, form)
    try:
        renewed = svc.do_renew_enrolment(
            actor=request.user,
            enrolment=enrolment,
            channel=_default_channel(request.user),
            **form.cleaned_data,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect(_after(request, enrolment))
    messages.success(request, _("The card is renewed."))
    return redirect(_after(request, renewed))


@role_required(*sorted(svc.OFFICER_ROLES))
@require_POST
def cancel_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _enrolment_action(
        request, enrolment_id, CancelForm, svc.do_cancel_enrolment, _("The enrolment is cancelled.")
    )


@role_required(*svc.LIST_ROLES)
def enrolment_list_view(request: HttpRequest) -> HttpResponse:
    rows = svc.enrolments_for_list(request.user)
    status = request.GET.get("status", "")
    if status in EnrolmentStatus.values:
        rows = rows.filter(status=status)
    q = request.GET.get("q", "").strip().upper()
    if q:
        rows = rows.filter(card_number=q) | rows.filter(family__family_id=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    record_read("himcare.Enrolment", None, purpose=svc.PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_LIST)
    return render(
        request,
        "himcare/enrolment/list.html",
        {"page": page, "status": status, "q": q, "statuses": EnrolmentStatus.choices},
    )


@role_required("citizen")
@require_http_methods(["GET", "POST"])
def my_card_view(request: HttpRequest) -> HttpResponse:
    """The citizen's HIMCARE card: the family's enrolment, members, validity and balance; enrol online."""
    families = list(svc.citizen_families(request.user).order_by("family_id"))
    enrolments = svc.my_enrolments(request.user)
    year = scheme_year_in_force()
    status = 200
    form = MyCardEnrolForm(request.POST) if request.method == "POST" else None
    if form is not None and not form.is_valid():
        messages.error(request, field_error(form)[1])
        status = 400
    elif form is not None:
        family = next((f for f in families if f.family_id == form.cleaned_data["family_id"]), None)
        if family is None:
            raise Http404
        try:
            enrolment = svc.do_enrol_family(
                actor=request.user,
                family=family,
                channel="citizen",
                member_ids=form.cleaned_data["member_ids"] or None,
            )
        except DomainError as exc:
            _fail(request, exc)
            return redirect("himcare:my_card")
        if enrolment.status == EnrolmentStatus.ACTIVE:
            messages.success(request, _("Your family is enrolled. Your HIMCARE card is issued."))
            return redirect("himcare:my_card")
        return pay_online_view(request, enrolment.pk)
    enrolled_families = {e.family_id for e in enrolments if e.status in ("pending_payment", "active")}
    offers = [
        eligibility_out(f, year) for f in families if year is not None and f.pk not in enrolled_families
    ]
    return render(
        request,
        "himcare/enrolment/my_card.html",
        {
            "cards": [enrolment_out(e) | {"obj": e} for e in enrolments],
            "offers": offers,
            "scheme_year": year,
            "has_family": bool(families),
        },
        status=status,
    )
