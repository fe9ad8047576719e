"""HIMCARE API: enrolment, premium payment, the card and the family's balance.

Staff act on families in their scope (HIMCARE officers and the state everywhere, facility staff their
district); a citizen only on their own family (found through their mobile). Errors: {code, message, field}.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from himswasthya.accounts.scoping import RoleAuth, has_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.api import errors
from himswasthya.core.errors import Conflict, NotFound
from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.enrolment.cards import card_download
from himswasthya.himcare.enrolment.eligibility import evaluate_family, scheme_year_in_force
from himswasthya.himcare.enrolment.payments.callbacks import our_callback_url
from himswasthya.himcare.models import Enrolment, EnrolmentStatus, Wallet

router = Router(tags=["himcare"])
ENROLLERS = RoleAuth(*svc.FAMILY_ENROLLER_ROLES)
STAFF = RoleAuth(*sorted(svc.STAFF_ENROLLERS))
ANY_ROLE = RoleAuth()


class EnrolmentMemberOut(Schema):
    member_id: str
    name: str
    name_deva: str
    relation: str
    year_of_birth: int
    unit: int | None = Field(None, description="Unit number (enrolled members only)")


class EligibilityOut(Schema):
    family_id: str
    scheme_year: str
    eligible: bool
    refusal_code: str = Field(
        description="no_living_members, covered_by_ab_pmjay, government_employee_family, ..."
    )
    refusal_message: str = Field(description="Why the family cannot enrol, in the user's language")
    category: str
    premium_per_unit_paise: int
    matched_criteria: list[str]
    members: list[EnrolmentMemberOut] = Field(description="Living members who can be enrolled")
    units_if_all: int
    premium_if_all_paise: int
    live_enrolment_id: int | None = None


class EnrolmentWalletOut(Schema):
    cover_paise: int
    blocked_paise: int
    consumed_paise: int
    available_paise: int


class EnrolmentOut(Schema):
    id: int
    enrolment_no: str
    card_number: str | None
    family_id: str
    district: str
    scheme_year: str
    category: str
    category_source: str
    status: str
    status_label: str
    channel: str
    units: int
    premium_paise: int
    cover_paise: int
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    members: list[EnrolmentMemberOut]
    wallet: EnrolmentWalletOut | None


class EnrolmentRow(Schema):
    id: int
    enrolment_no: str
    card_number: str | None
    family_id: str
    district: str
    category: str
    status: str
    units: int
    premium_paise: int
    valid_to: datetime.date | None


class OverrideDocumentRef(Schema):
    kind: str = Field(description="Document kind, e.g. category_cert")
    reference: str = Field(description="The certificate's number as seen")


class EnrolIn(Schema):
    family_id: str
    channel: str = Field(description="officer | counter | csc | citizen (must fit the caller's role)")
    member_ids: list[str] | None = Field(
        None, description="Him Parivar member ids; default all living members"
    )
    category_override: str = ""
    override_reason: str = ""
    override_documents: list[OverrideDocumentRef] = []
    special_case_reason: str = Field("", description="Officers only: enrol outside the enrolment months")


class ReceiptIn(Schema):
    receipt_no: str


class OnlinePaymentIn(Schema):
    callback_url: str = Field(
        "",
        description="Where the gateway sends the payer back: only this site's /himcare/payment/callback/"
        " (the default); any other URL is refused (400 callback_url_invalid)",
    )


class OnlinePaymentOut(Schema):
    order_id: str
    amount_paise: int
    redirect_url: str


class ConfirmIn(Schema):
    order_id: str = Field(max_length=64)
    payment_id: str = Field(max_length=64)
    signature: str = Field(
        pattern=r"^[0-9a-fA-F]{1,128}$", description="Hex HMAC-SHA256 of order_id|payment_id"
    )


class PaymentOut(Schema):
    order_id: str
    status: str
    amount_paise: int
    enrolment_id: int
    enrolment_status: str
    card_number: str | None


class RenewIn(Schema):
    channel: str
    member_ids: list[str] | None = None
    receipt_no: str = ""
    special_case_reason: str = ""


class EnrolmentCancelIn(Schema):
    reason: str


def member_out(member, unit=None) -> dict:
    return {
        "member_id": member.member_id,
        "name": member.name_roman,
        "name_deva": member.name_deva,
        "relation": member.get_relation_display(),
        "year_of_birth": member.year_of_birth,
        "unit": unit,
    }


def wallet_out(enrolment: Enrolment) -> dict | None:
    wallet = Wallet.objects.filter(enrolment=enrolment).first()
    if wallet is None:
        return None
    return {
        "cover_paise": wallet.cover_paise,
        "blocked_paise": wallet.blocked_paise,
        "consumed_paise": wallet.consumed_paise,
        "available_paise": wallet.available_paise,
    }


def enrolment_out(enrolment: Enrolment) -> dict:
    members = [
        member_out(em.member, em.unit_no)
        for em in enrolment.members.select_related("member").order_by("unit_no", "id")
    ]
    return {
        "id": enrolment.pk,
        "enrolment_no": enrolment.enrolment_no,
        "card_number": enrolment.card_number,
        "family_id": enrolment.family.family_id,
        "district": enrolment.family.district.name,
        "scheme_year": enrolment.scheme_year.code,
        "category": enrolment.category,
        "category_source": enrolment.category_source,
        "status": enrolment.status,
        "status_label": str(enrolment.get_status_display()),
        "channel": enrolment.channel,
        "units": enrolment.units,
        "premium_paise": enrolment.premium_paise,
        "cover_paise": enrolment.cover_paise,
        "valid_from": enrolment.valid_from,
        "valid_to": enrolment.valid_to,
        "members": members,
        "wallet": wallet_out(enrolment),
    }


def eligibility_out(family, year) -> dict:
    decision = evaluate_family(family, year)
    units = svc.units_for(len(decision.members), year) if decision.members else 0
    live = family.himcare_enrolments.filter(status__in=("pending_payment", "active")).first()
    return {
        "family_id": family.family_id,
        "scheme_year": year.code,
        "eligible": decision.eligible,
        "refusal_code": decision.refusal_code,
        "refusal_message": decision.refusal_message,
        "category": decision.category,
        "premium_per_unit_paise": decision.premium_paise,
        "matched_criteria": decision.matched_criteria,
        "members": [member_out(m) for m in decision.members],
        "units_if_all": units,
        "premium_if_all_paise": decision.premium_paise * units,
        "live_enrolment_id": live.pk if live else None,
    }


def get_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    user = request.auth
    if has_role(user, "citizen"):
        found = scope_queryset(user, Enrolment.objects.select_related("family", "scheme_year")).filter(
            pk=enrolment_id
        )
        enrolment = found.first()
        if enrolment is None:
            raise NotFound(_("No such HIMCARE enrolment."), field="enrolment")
        return enrolment
    return svc.enrolment_for_actor(user, enrolment_id)


@router.get("/enrolment/families/{family_id}/eligibility", response={200: EligibilityOut}, auth=ENROLLERS)
def eligibility(request: HttpRequest, family_id: str) -> dict:
    """Whether a family can enrol in the scheme year in force, in which category, at what premium."""
    family = svc.find_family(request.auth, family_id)
    return eligibility_out(family, svc._resolve_scheme_year(scheme_year_in_force()))


@router.post("/enrolments", response={201: EnrolmentOut, **errors(409)}, auth=ENROLLERS)
def enrol(request: HttpRequest, payload: EnrolIn) -> tuple[int, dict]:
    """Enrol a family. Zero premium: active at once with a card; otherwise awaiting payment."""
    family = svc.find_family(request.auth, payload.family_id)
    enrolment = svc.do_enrol_family(
        actor=request.auth,
        family=family,
        member_ids=payload.member_ids,
        channel=payload.channel,
        category_override=payload.category_override,
        override_reason=payload.override_reason,
        override_documents=[d.dict() for d in payload.override_documents],
        special_case_reason=payload.special_case_reason,
    )
    return Status(201, enrolment_out(enrolment))


@router.get("/enrolments", response={200: list[EnrolmentRow]}, auth=RoleAuth(*svc.LIST_ROLES))
@paginate(PageNumberPagination, page_size=50)
def list_enrolments(request: HttpRequest, status: str = "", district: int | None = None, q: str = ""):
    """Enrolments in the officer's scope, newest first; filter by status, district id or card/family id."""
    rows = svc.enrolments_for_list(request.auth)
    if status:
        rows = rows.filter(status=status)
    if district:
        rows = rows.filter(family__district_id=district)
    if q.strip():
        text = q.strip().upper()
        rows = rows.filter(card_number=text) | rows.filter(family__family_id=text)
    record_read("himcare.Enrolment", None, purpose=svc.PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_LIST)
    return [
        {
            "id": e.pk,
            "enrolment_no": e.enrolment_no,
            "card_number": e.card_number,
            "family_id": e.family.family_id,
            "district": e.family.district.name,
            "category": e.category,
            "status": e.status,
            "units": e.units,
            "premium_paise": e.premium_paise,
            "valid_to": e.valid_to,
        }
        for e in rows
    ]


@router.get("/enrolments/{enrolment_id}", response={200: EnrolmentOut}, auth=ENROLLERS)
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> dict:
    enrolment = get_enrolment(request, enrolment_id)
    if not has_role(request.auth, "citizen"):
        record_read(
            "himcare.Enrolment", enrolment.pk, purpose=svc.PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_READ
        )
    return enrolment_out(enrolment)


@router.get("/my/enrolments", response={200: list[EnrolmentOut]}, auth=RoleAuth("citizen"))
def my_enrolments(request: HttpRequest) -> list[dict]:
    """The citizen's family enrolments (live first) with members, validity and the family balance."""
    return [enrolment_out(e) for e in svc.my_enrolments(request.auth)]


@router.post(
    "/enrolments/{enrolment_id}/counter-payment", response={200: PaymentOut, **errors(409)}, auth=STAFF
)
def counter_payment(request: HttpRequest, enrolment_id: int, payload: ReceiptIn) -> dict:
    enrolment = svc.enrolment_for_actor(request.auth, enrolment_id)
    payment = svc.do_record_counter_payment(
        actor=request.auth, enrolment=enrolment, receipt_no=payload.receipt_no
    )
    return payment_out(payment)


def payment_out(payment) -> dict:
    enrolment = Enrolment.objects.get(pk=payment.enrolment_id)
    return {
        "order_id": payment.order_id,
        "status": payment.status,
        "amount_paise": payment.amount_paise,
        "enrolment_id": enrolment.pk,
        "enrolment_status": enrolment.status,
        "card_number": enrolment.card_number,
    }


@router.post(
    "/enrolments/{enrolment_id}/online-payment",
    response={200: OnlinePaymentOut, **errors(409, 502, 503, 504)},
    auth=ENROLLERS,
)
def online_payment(request: HttpRequest, enrolment_id: int, payload: OnlinePaymentIn) -> dict:
    """Start paying the premium online: send the payer to `redirect_url` (the gateway's checkout)."""
    enrolment = get_enrolment(request, enrolment_id)
    callback = payload.callback_url or our_callback_url(request)
    payment, url = svc.do_start_online_payment(
        actor=request.auth, enrolment=enrolment, callback_url=callback, request=request
    )
    return {"order_id": payment.order_id, "amount_paise": payment.amount_paise, "redirect_url": url}


@router.post("/payments/confirm", response={200: PaymentOut, **errors(400, 404, 409)}, auth=None)
def confirm_payment(request: HttpRequest, payload: ConfirmIn) -> dict:
    """The gateway's confirmation: HMAC-SHA256 over "order_id|payment_id" checked; idempotent."""
    payment = svc.do_confirm_online_payment(
        order_id=payload.order_id, payment_id=payload.payment_id, signature=payload.signature
    )
    return payment_out(payment)


@router.post("/enrolments/{enrolment_id}/renew", response={201: EnrolmentOut, **errors(409)}, auth=ENROLLERS)
def renew(request: HttpRequest, enrolment_id: int, payload: RenewIn) -> tuple[int, dict]:
    enrolment = get_enrolment(request, enrolment_id)
    renewed = svc.do_renew_enrolment(
        actor=request.auth,
        enrolment=enrolment,
        channel=payload.channel,
        member_ids=payload.member_ids,
        receipt_no=payload.receipt_no,
        special_case_reason=payload.special_case_reason,
    )
    return Status(201, enrolment_out(renewed))


@router.post(
    "/enrolments/{enrolment_id}/cancel",
    response={200: EnrolmentOut, **errors(409)},
    auth=RoleAuth(*sorted(svc.OFFICER_ROLES)),
)
def cancel(request: HttpRequest, enrolment_id: int, payload: EnrolmentCancelIn) -> dict:
    enrolment = svc.enrolment_for_actor(request.auth, enrolment_id)
    return enrolment_out(
        svc.do_cancel_enrolment(actor=request.auth, enrolment=enrolment, reason=payload.reason)
    )


@router.get(
    "/enrolments/{enrolment_id}/card.pdf",
    response={200: None, **errors(409)},
    auth=ENROLLERS,
    openapi_extra={"responses": {200: {"description": "The card (PDF)", "content": {"application/pdf": {}}}}},
)
def card_pdf(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """The e-card PDF (active or expired cards)."""
    enrolment = get_enrolment(request, enrolment_id)
    if not enrolment.card_number or enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.EXPIRED):
        raise Conflict(_("This enrolment has no card yet."), field="enrolment", code="no_card")
    return card_download(request, enrolment)
