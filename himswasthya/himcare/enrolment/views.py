"""HIMCARE pages: enrol a family (officer / counter), an enrolment with its card, payment, renewal and
cancellation, the officers' list, and the citizen's "My HIMCARE card"."""

from __future__ import annotations

from typing import Any

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
from himswasthya.himcare.enrolment.cards import render_card_pdf
from himswasthya.himcare.enrolment.eligibility import scheme_year_in_force
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


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Find a family by its Him Parivar id, see whether and how it can enrol, enrol it."""
    family_id = (request.POST.get("family_id") or request.GET.get("family_id") or "").strip()
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
    if request.method == "POST" and "family" in context:
        documents = []
        upload = request.FILES.get("override_file")
        reference = request.POST.get("override_reference", "")
        if upload is not None or reference.strip():
            documents.append(
                {
                    "kind": request.POST.get("override_kind", "category_cert"),
                    "upload": upload,
                    "reference": reference,
                }
            )
        try:
            enrolment = svc.do_enrol_family(
                actor=request.user,
                family=context["family"],
                member_ids=request.POST.getlist("member_ids"),
                channel=request.POST.get("channel") or _default_channel(request.user),
                category_override=request.POST.get("category_override", ""),
                override_reason=request.POST.get("override_reason", ""),
                override_documents=documents,
                special_case_reason=request.POST.get("special_case_reason", ""),
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
    enrolment = _enrolment(request, enrolment_id)
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
    )


@role_required(*ALL)
def card_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    if not enrolment.card_number:
        raise Http404
    record_read(
        "himcare.Enrolment", enrolment.pk, purpose=svc.PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_CARD
    )
    pdf = render_card_pdf(enrolment, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="himcare-{enrolment.card_number}.pdf"'
    return response


@role_required(*STAFF)
@require_POST
def counter_payment_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    try:
        svc.do_record_counter_payment(
            actor=request.user, enrolment=enrolment, receipt_no=request.POST.get("receipt_no", "")
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Premium received. The card is issued."))
    return redirect("himcare:enrolment", enrolment_id=enrolment.pk)


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
    data = request.GET if request.method == "GET" else request.POST
    order_id = data.get("razorpay_order_id", "")
    enrolment = Enrolment.objects.filter(payments__order_id=order_id).first() if order_id else None
    if data.get("error_code") or not data.get("razorpay_signature"):
        messages.error(request, _("The payment did not go through. Nothing was charged; you can try again."))
        return redirect(_after(request, enrolment) if request.user.is_authenticated else "/")
    try:
        svc.do_confirm_online_payment(
            order_id=order_id,
            payment_id=data.get("razorpay_payment_id", ""),
            signature=data.get("razorpay_signature", ""),
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
    try:
        renewed = svc.do_renew_enrolment(
            actor=request.user,
            enrolment=enrolment,
            channel=_default_channel(request.user),
            receipt_no=request.POST.get("receipt_no", ""),
            special_case_reason=request.POST.get("special_case_reason", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect(_after(request, enrolment))
    messages.success(request, _("The card is renewed."))
    return redirect(_after(request, renewed))


@role_required(*sorted(svc.OFFICER_ROLES))
@require_POST
def cancel_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    try:
        svc.do_cancel_enrolment(
            actor=request.user, enrolment=enrolment, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The enrolment is cancelled."))
    return redirect("himcare:enrolment", enrolment_id=enrolment.pk)


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
    if request.method == "POST":
        family = next((f for f in families if f.family_id == request.POST.get("family_id")), None)
        if family is None:
            raise Http404
        try:
            enrolment = svc.do_enrol_family(
                actor=request.user,
                family=family,
                channel="citizen",
                member_ids=request.POST.getlist("member_ids") or None,
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
    )
