"""HIMCARE enrolment services: enrol a family, take the premium (counter receipt or online gateway), issue the
card (number, validity, wallet, SMS), renew, cancel, expire, and import the AB-PMJAY list.

Each `do_*` runs in one transaction, writes an audit entry and raises a DomainError naming the field.
"""

from __future__ import annotations

import calendar
import datetime
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from himswasthya.accounts.models import FACILITY_ROLES, Role
from himswasthya.accounts.scoping import family_ids, has_role, require_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.core.importfiles import CheckedDictReader, RowError
from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.himcare.common import recorded_reason
from himswasthya.himcare.enrolment.eligibility import (
    ALREADY_ENROLLED,
    OUTSIDE_ENROLMENT_WINDOW,
    already_enrolled_refusal,
    category_rules,
    enrolment_window_refusal,
    evaluate_family,
    in_enrolment_window,
    scheme_year_in_force,
    units_for,
)
from himswasthya.himcare.enrolment.verification import format_card_number, normalise_card_number
from himswasthya.himcare.models import (
    LIVE_ENROLMENT_STATUSES,
    OFFICER_ROLES,
    CategorySource,
    Channel,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    PaymentMethod,
    PaymentStatus,
    PmjayFamily,
    PremiumPayment,
    SchemeYear,
    Wallet,
)
from himswasthya.himparivar.models import Family, Member, family_contact_mobile
from himswasthya.notify.outbox import queue_sms

PURPOSE = "himcare_enrolment"
COUNTER_ROLES = frozenset(str(r) for r in FACILITY_ROLES)
STAFF_ENROLLERS = OFFICER_ROLES | COUNTER_ROLES
ALLOWED_CHANNELS = {
    **dict.fromkeys(OFFICER_ROLES, {Channel.OFFICER, Channel.COUNTER, Channel.CSC}),
    **dict.fromkeys(COUNTER_ROLES, {Channel.COUNTER, Channel.CSC}),
    Role.CITIZEN: {Channel.CITIZEN},
}
SPECIAL_CASE = "special case authorised"

#: What may happen to an enrolment in which status (core.statemachine).
ENROLMENT_FLOW = StateMachine(
    {
        "activate": Transition(  # the premium is paid: card, validity, wallet
            sources={EnrolmentStatus.PENDING_PAYMENT},
            targets={EnrolmentStatus.ACTIVE},
            rule=gettext_lazy("This enrolment is not awaiting payment (it is %(status)s)."),
            field="enrolment",
            code="not_pending_payment",
        ),
        "cancel": Transition(
            sources=LIVE_ENROLMENT_STATUSES,
            targets={EnrolmentStatus.CANCELLED},
            rule=gettext_lazy("Only an active or pending enrolment can be cancelled."),
            field="enrolment",
            code="not_live",
        ),
        # The system's: validity over (nightly), or renewed (its renewal was paid).
        "expire": Transition(
            sources={EnrolmentStatus.ACTIVE}, targets={EnrolmentStatus.EXPIRED}, system=True
        ),
        "close_renewed": Transition(
            sources=LIVE_ENROLMENT_STATUSES, targets={EnrolmentStatus.EXPIRED}, system=True
        ),
    },
    status_label=choice_labels(EnrolmentStatus),
)


# --- who may act on which family ------------------------------------------------------------------------
def is_officer(actor: Any) -> bool:
    return has_role(actor, *OFFICER_ROLES)


def family_for_actor(actor: Any, family: Family) -> Family:
    """`family` if `actor` may enrol it (staff: within scope; citizen: one of their families)."""
    if has_role(actor, Role.CITIZEN):
        if citizen_families(actor).filter(pk=family.pk).exists():
            return family
        raise NotFound(_("No family with this id is linked to your mobile number."), field="family")
    require_role(actor, *STAFF_ENROLLERS)
    if not scope_queryset(actor, Family.objects.filter(pk=family.pk)).exists():
        raise NotFound(_("No family with this id in your area."), field="family")
    return family


def citizen_families(actor: Any):
    """The citizen's Him Parivar families: a living member holds their mobile (accounts.scoping)."""
    return Family.objects.filter(pk__in=family_ids(actor))


def enrolment_for_actor(actor: Any, enrolment_id: int | str, *, lock: bool = False) -> Enrolment:
    """An enrolment `actor` may see (scoped; NotFound otherwise, never confirming other ids)."""
    qs = Enrolment.objects.select_related("family", "family__district", "scheme_year")
    visible = scope_queryset(actor, qs)
    if has_role(actor, *COUNTER_ROLES):
        # Counter staff act on families of their district (the family register's scope for facility staff).
        visible = qs.filter(family__in=scope_queryset(actor, Family.objects.all()))
    try:
        enrolment = visible.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError) as exc:
        raise NotFound(_("No such HIMCARE enrolment."), field="enrolment") from exc
    if lock:
        enrolment = (
            Enrolment.objects.select_for_update().select_related("family", "scheme_year").get(pk=enrolment.pk)
        )
    return enrolment


def _resolve_scheme_year(scheme_year: SchemeYear | None) -> SchemeYear:
    year = scheme_year or scheme_year_in_force()
    if year is None:
        raise DomainError(
            _("No HIMCARE scheme year is in force today; enrolment is closed."),
            field="scheme_year",
            code="no_scheme_year",
        )
    return year


def _choose_members(family: Family, alive: list[Member], member_ids: Sequence[Any] | None) -> list[Member]:
    if member_ids is None:
        return alive
    wanted = {str(m).strip().upper() for m in member_ids if str(m).strip()}
    if not wanted:
        raise DomainError(_("Choose at least one member to enrol."), field="member_ids", code="no_members")
    chosen = [m for m in alive if m.member_id.upper() in wanted or str(m.pk) in wanted]
    found = {m.member_id.upper() for m in chosen} | {str(m.pk) for m in chosen}
    unknown = sorted(wanted - found)
    if unknown:
        raise DomainError(
            _("These are not living members of this family: %(ids)s.") % {"ids": ", ".join(unknown)},
            field="member_ids",
            code="member_not_in_family",
        )
    return chosen


def _live_enrolment(family: Family) -> Enrolment | None:
    return family.himcare_enrolments.filter(status__in=LIVE_ENROLMENT_STATUSES).first()


def _check_window(actor: Any, year: SchemeYear, special_case_reason: str, day: datetime.date) -> str:
    """'' when the window is open; the recorded reason when an officer authorises a special case."""
    if in_enrolment_window(year, day):
        return ""
    if is_officer(actor) and (reason := recorded_reason(special_case_reason, field="special_case_reason")):
        return reason
    raise DomainError(enrolment_window_refusal(year), field="family", code=OUTSIDE_ENROLMENT_WINDOW)


def next_enrolment_no(year: SchemeYear) -> str:
    return f"HCA{year.starts_on.year % 100:02d}{timezone.now():%m%d}{_random_digits(6)}"


def _random_digits(n: int) -> str:
    import secrets

    return "".join(secrets.choice("0123456789") for _ in range(n))


# --- the audit entries -------------------------------------------------------------------------------------
def _audit_enrolment(
    action: str, enrolment: Enrolment, actor: Any, detail: dict[str, Any] | None = None
) -> None:
    """An enrolment's audit entry, in the family's district (`actor` None: the request's user)."""
    record(
        action,
        object_type="himcare.Enrolment",
        object_id=enrolment.pk,
        purpose=PURPOSE,
        actor=actor,
        district_id=enrolment.family.district_id,
        detail=detail,
    )


def _audit_payment(
    action: str, payment: PremiumPayment, actor: Any, *, district_id: int | None = None
) -> None:
    """A premium payment's audit entry (the district: the actor's own unless given)."""
    record(
        action,
        object_type="himcare.PremiumPayment",
        object_id=payment.pk,
        purpose=PURPOSE,
        actor=actor,
        district_id=district_id,
        detail={"enrolment": payment.enrolment_id, "amount_paise": payment.amount_paise},
    )


# --- enrol ------------------------------------------------------------------------------------------------
def do_enrol_family(
    *,
    actor: Any,
    family: Family,
    member_ids: Sequence[Any] | None = None,
    channel: str,
    scheme_year: SchemeYear | None = None,
    category_override: str = "",
    override_reason: str = "",
    override_documents: Iterable[dict[str, Any]] = (),
    special_case_reason: str = "",
    renewal_of: Enrolment | None = None,
    today: datetime.date | None = None,
) -> Enrolment:
    """Enrol `family` for the scheme year (in force today by default). Zero premium activates at once;
    otherwise the enrolment awaits payment. `override_documents` items: {"kind", "upload", "reference"}."""
    family = family_for_actor(actor, family)
    channel = str(channel or "")
    allowed = ALLOWED_CHANNELS.get(getattr(actor, "role", ""), set())
    if channel not in allowed:
        raise Forbidden(_("You cannot enrol through this channel."), field="channel")
    year = _resolve_scheme_year(scheme_year)
    day = today or timezone.localdate()
    category_override = (category_override or "").strip()
    documents = list(override_documents or ())
    if category_override:
        if not is_officer(actor):
            raise Forbidden(
                _("Only a HIMCARE officer may set the category by hand."), field="category_override"
            )
        override_reason = recorded_reason(override_reason, field="override_reason")
        if not override_reason:
            raise DomainError(
                _("Give the reason for setting the category by hand."),
                field="override_reason",
                code="required",
            )
        if not documents:
            raise DomainError(
                _("Attach at least one document that supports the category."),
                field="override_documents",
                code="document_missing",
            )
    with transaction.atomic():
        Family.objects.select_for_update().filter(pk=family.pk).first()  # one enrolment at a time per family
        live = _live_enrolment(family)
        if live is not None and live.pk != getattr(renewal_of, "pk", None):
            raise Conflict(
                already_enrolled_refusal(live.card_number or live.enrolment_no),
                field="family",
                code=ALREADY_ENROLLED,
            )
        decision = evaluate_family(family, year, day)
        if not decision.eligible:
            raise DomainError(decision.refusal_message, field="family", code=decision.refusal_code)
        special = "" if renewal_of is not None else _check_window(actor, year, special_case_reason, day)
        members = _choose_members(family, decision.members, member_ids)
        rules = {r.category: r for r in category_rules(year)}
        if category_override:
            if category_override not in rules:
                raise DomainError(
                    _("Choose a category of this scheme year."),
                    field="category_override",
                    code="invalid_choice",
                )
            rule = rules[category_override]
        else:
            rule = rules[decision.category]
        units = units_for(len(members), year)
        enrolment = Enrolment.objects.create(
            enrolment_no=next_enrolment_no(year),
            family=family,
            scheme_year=year,
            category=rule.category,
            category_source=CategorySource.OVERRIDE if category_override else CategorySource.RULES,
            override_reason=override_reason if category_override else "",
            premium_paise=rule.premium_paise * units,
            units=units,
            cover_paise=units * year.cover_per_unit_paise,
            status=EnrolmentStatus.PENDING_PAYMENT,
            channel=channel,
            enrolled_by=actor if not has_role(actor, Role.CITIZEN) else None,
            renewal_of=renewal_of,
        )
        size = max(1, year.max_members_per_unit)
        EnrolledMember.objects.bulk_create(
            [
                EnrolledMember(enrolment=enrolment, member=m, person_id=m.person_id, unit_no=i // size + 1)
                for i, m in enumerate(members)
            ]
        )
        if category_override:
            from himswasthya.himcare.cases.documents import attach_document

            for doc in documents:
                attach_document(
                    actor=actor,
                    kind=doc.get("kind", ""),
                    upload=doc.get("upload"),
                    reference=doc.get("reference", ""),
                    enrolment=enrolment,
                )
        _audit_enrolment(
            AuditAction.HIMCARE_ENROLMENT_RENEW if renewal_of else AuditAction.HIMCARE_ENROLMENT_CREATE,
            enrolment,
            actor,
            {
                "channel": channel,
                "category": rule.category,
                "category_source": enrolment.category_source,
                "units": units,
                "members": len(members),
                "premium_paise": enrolment.premium_paise,
                "special_case": bool(special),
                "renewal_of": renewal_of.pk if renewal_of else None,
            },
        )
        if enrolment.premium_paise == 0:
            payment = PremiumPayment.objects.create(
                enrolment=enrolment,
                amount_paise=0,
                method=PaymentMethod.FREE,
                status=PaymentStatus.SUCCESS,
                order_id=f"FREE-{enrolment.enrolment_no}",
                paid_at=timezone.now(),
            )
            _activate(enrolment, actor=actor, payment=payment, day=day)
    return enrolment


# --- activation: card number, validity, wallet, SMS --------------------------------------------------------
def card_number(year_start: int, district_lgd: int, serial: int) -> str:
    """HC + 2-digit scheme start year + 3-digit district LGD code + 7-digit serial + MOD 11-2 check."""
    return format_card_number(year_start, district_lgd % 1000, serial)


def is_valid_card_number(text: str) -> bool:
    try:
        return normalise_card_number(text) == (text or "").strip().upper()
    except DomainError:
        return False


CARD_SERIAL_MAX = 9_999_999  # the 7 digits of the documented format


def random_card_serial(rng: Any = None) -> int:
    """A serial drawn uniformly from 1..9,999,999 (issue #10 item 6): card numbers are not sequential, so one
    card does not lead to its neighbours. Uniqueness is the card number's unique constraint; `_activate`
    draws again on a clash. `rng` (a random.Random) only for the reproducible demo."""
    if rng is not None:
        return int(rng.randint(1, CARD_SERIAL_MAX))
    return secrets.randbelow(CARD_SERIAL_MAX) + 1


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def validity(year: SchemeYear, day: datetime.date, carried_over_to: datetime.date | None = None) -> tuple:
    start = day
    base = max(day, carried_over_to + datetime.timedelta(days=1)) if carried_over_to else day
    return start, add_months(base, year.card_validity_months)


def _activate(
    enrolment: Enrolment, *, actor: Any, payment: PremiumPayment, day: datetime.date | None = None
) -> None:
    """Give the card, the validity and the wallet; SMS the head after commit. In the caller's transaction."""
    day = day or timezone.localdate()
    year = enrolment.scheme_year
    carried = enrolment.renewal_of.valid_to if enrolment.renewal_of_id else None
    if enrolment.renewal_of_id:
        # The renewed card stops being in force the moment its renewal is paid (one active card per family).
        _close_renewed(enrolment.renewal_of)
    enrolment.valid_from, enrolment.valid_to = validity(year, day, carried)
    ENROLMENT_FLOW.apply(enrolment, "activate")
    enrolment.activated_at = timezone.now()
    for _attempt in range(20):
        enrolment.card_number = card_number(
            year.starts_on.year, enrolment.family.district.lgd_code, random_card_serial()
        )
        try:
            with transaction.atomic():
                enrolment.save(
                    update_fields=["card_number", "valid_from", "valid_to", "status", "activated_at"]
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - twenty clashes in a row
        raise Conflict(_("Could not issue a card number; please try again."), field="card_number")
    Wallet.objects.create(enrolment=enrolment, cover_paise=enrolment.cover_paise)
    _audit_enrolment(
        AuditAction.HIMCARE_ENROLMENT_ACTIVATE,
        enrolment,
        actor,
        {"method": payment.method, "amount_paise": payment.amount_paise},
    )
    mobile = head_mobile(enrolment.family)
    if mobile:
        queue_sms(
            "himcare_card_issued",
            mobile=mobile,
            variables={"card": enrolment.card_number, "date": enrolment.valid_to.strftime("%d-%m-%Y")},
            subject=enrolment,
        )


def head_mobile(family: Family) -> str | None:
    """The family's contact mobile: the register's one rule (himparivar.models.family_contact_mobile)."""
    return family_contact_mobile(family)


def _close_renewed(old: Enrolment) -> None:
    """The renewed enrolment stops being live; its remaining days carry over to the renewal."""
    if ENROLMENT_FLOW.may("close_renewed", old.status):
        Enrolment.objects.filter(pk=old.pk).update(status=EnrolmentStatus.EXPIRED)
        ENROLMENT_FLOW.apply(old, "close_renewed")


# --- payment -----------------------------------------------------------------------------------------------
def _pending(enrolment: Enrolment) -> None:
    ENROLMENT_FLOW.check("activate", enrolment.status)


def do_record_counter_payment(*, actor: Any, enrolment: Enrolment, receipt_no: str) -> PremiumPayment:
    """A premium received at a counter against a receipt; activates the enrolment."""
    require_role(actor, *STAFF_ENROLLERS)
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise DomainError(_("Enter the receipt number."), field="receipt_no", code="required")
    if len(receipt_no) > 40:
        raise DomainError(_("The receipt number is too long."), field="receipt_no", code="too_long")
    with transaction.atomic():
        enrolment = enrolment_for_actor(actor, enrolment.pk, lock=True)
        _pending(enrolment)
        now = timezone.now()
        payment = PremiumPayment.objects.create(
            enrolment=enrolment,
            amount_paise=enrolment.premium_paise,
            method=PaymentMethod.COUNTER,
            status=PaymentStatus.SUCCESS,
            order_id=f"CTR-{enrolment.enrolment_no}-{_random_digits(4)}",
            receipt_no=receipt_no,
            received_by=actor,
            paid_at=now,
        )
        _audit_payment(AuditAction.HIMCARE_PAYMENT_COUNTER, payment, actor)
        _activate(enrolment, actor=actor, payment=payment)
    return payment


def do_start_online_payment(
    *, actor: Any, enrolment: Enrolment, callback_url: str = "", request: Any = None
) -> tuple[PremiumPayment, str]:
    """A gateway order for the premium: the payment row and the checkout URL to send the payer to.

    `callback_url` (default HIMCARE_PAYMENT_CALLBACK_URL) must be our own payment callback on an allowed
    host (or `request`'s host): the gateway sends the payer and the payment's signature there (issue #10
    item 6)."""
    from django.conf import settings

    from himswasthya.himcare.enrolment.payments.callbacks import check_callback_url
    from himswasthya.himcare.enrolment.payments.client import PaymentClient

    callback = check_callback_url(callback_url or settings.HIMCARE_PAYMENT_CALLBACK_URL, request)
    enrolment = enrolment_for_actor(actor, enrolment.pk)
    _pending(enrolment)
    client = PaymentClient()
    order = client.create_order(
        amount_paise=enrolment.premium_paise,
        receipt=enrolment.enrolment_no,
        notes={"enrolment": enrolment.enrolment_no},
    )
    with transaction.atomic():
        enrolment = enrolment_for_actor(actor, enrolment.pk, lock=True)
        _pending(enrolment)
        payment = PremiumPayment.objects.create(
            enrolment=enrolment,
            amount_paise=order.amount_paise,
            method=PaymentMethod.ONLINE,
            status=PaymentStatus.INITIATED,
            order_id=order.id,
        )
        _audit_payment(AuditAction.HIMCARE_PAYMENT_START, payment, actor)
    return payment, client.checkout_url(order.id, callback)


class PaymentNotVerified(DomainError):
    code = "payment_not_verified"


def do_confirm_online_payment(*, order_id: str, payment_id: str, signature: str) -> PremiumPayment:
    """The gateway's callback: verify the signature, mark the payment paid and activate - once. A forged or
    failed callback changes nothing; a repeated one returns the same payment."""
    from himswasthya.himcare.enrolment.payments.client import verify_signature

    order_id, payment_id = (order_id or "").strip(), (payment_id or "").strip()
    if not verify_signature(order_id, payment_id, signature or ""):
        raise PaymentNotVerified(
            _("The payment could not be verified. If money was taken, it will be refunded by the bank."),
            field="signature",
        )
    with transaction.atomic():
        try:
            payment = PremiumPayment.objects.select_for_update().get(
                order_id=order_id, method=PaymentMethod.ONLINE
            )
        except PremiumPayment.DoesNotExist as exc:
            raise NotFound(_("No such payment order."), field="order_id") from exc
        if payment.status == PaymentStatus.SUCCESS:
            return payment
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("family", "scheme_year")
            .get(pk=payment.enrolment_id)
        )
        _pending(enrolment)
        payment.status = PaymentStatus.SUCCESS
        payment.gateway_payment_id = payment_id[:64]
        payment.paid_at = timezone.now()
        payment.save(update_fields=["status", "gateway_payment_id", "paid_at"])
        _audit_payment(
            AuditAction.HIMCARE_PAYMENT_CONFIRM, payment, None, district_id=enrolment.family.district_id
        )
        _activate(enrolment, actor=None, payment=payment)
    return payment


# --- renew, cancel, expire ----------------------------------------------------------------------------------
def renewal_opens_on(enrolment: Enrolment) -> datetime.date | None:
    if enrolment.valid_to is None:
        return None
    return enrolment.valid_to - datetime.timedelta(days=enrolment.scheme_year.renewal_window_days)


def do_renew_enrolment(
    *,
    actor: Any,
    enrolment: Enrolment,
    channel: str,
    member_ids: Sequence[Any] | None = None,
    scheme_year: SchemeYear | None = None,
    receipt_no: str = "",
    special_case_reason: str = "",
    today: datetime.date | None = None,
) -> Enrolment:
    """Renew a card: open from `renewal_window_days` before expiry; an expired card only in the enrolment
    months (unless an officer records a special case). The family is evaluated again under the year in force.

    The active card stays in force until the renewal is paid (at once with `receipt_no` at a counter, or
    later online); the database allows one active and one awaiting-payment enrolment per family.
    """
    day = today or timezone.localdate()
    enrolment = enrolment_for_actor(actor, enrolment.pk) if not has_role(actor, Role.CITIZEN) else enrolment
    family_for_actor(actor, enrolment.family)
    if enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.EXPIRED):
        raise Conflict(
            _("Only an active or expired card can be renewed."), field="enrolment", code="not_renewable"
        )
    if enrolment.renewals.exclude(status=EnrolmentStatus.CANCELLED).exists():
        raise Conflict(_("This card has already been renewed."), field="enrolment", code="already_renewed")
    year = _resolve_scheme_year(scheme_year)
    expired = enrolment.status == EnrolmentStatus.EXPIRED or (enrolment.valid_to and enrolment.valid_to < day)
    if not expired:
        opens = renewal_opens_on(enrolment)
        if opens and day < opens:
            raise DomainError(
                _("Renewal opens on %(date)s, %(days)s days before the card expires.")
                % {"date": formats.date_format(opens, "d-m-Y"), "days": year.renewal_window_days},
                field="enrolment",
                code="renewal_not_open",
            )
    elif year.expired_renewal_in_enrolment_months_only and not in_enrolment_window(year, day):
        if not (is_officer(actor) and special_case_reason.strip()):
            raise DomainError(
                _("This card has expired. Expired cards are renewed like new enrolments: %(rule)s")
                % {"rule": enrolment_window_refusal(year)},
                field="enrolment",
                code=OUTSIDE_ENROLMENT_WINDOW,
            )
    with transaction.atomic():
        return _renew(actor, enrolment, expired, member_ids, channel, year, receipt_no, day)


def _renew(actor, enrolment, expired, member_ids, channel, year, receipt_no, day) -> Enrolment:
    if expired and ENROLMENT_FLOW.may("expire", enrolment.status):
        Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.EXPIRED)
    renewed = do_enrol_family(
        actor=actor,
        family=enrolment.family,
        member_ids=member_ids,
        channel=channel,
        scheme_year=year,
        renewal_of=enrolment,
        today=day,
    )
    if renewed.status == EnrolmentStatus.PENDING_PAYMENT and receipt_no.strip():
        do_record_counter_payment(actor=actor, enrolment=renewed, receipt_no=receipt_no)
        renewed.refresh_from_db()
    return renewed


def do_cancel_enrolment(*, actor: Any, enrolment: Enrolment, reason: str) -> Enrolment:
    """An officer cancels a live enrolment; refused while cases hold blocked money in the wallet."""
    if not is_officer(actor):
        raise Forbidden(_("Only a HIMCARE officer may cancel an enrolment."))
    reason = recorded_reason(reason)
    if not reason:
        raise DomainError(_("Give the reason for cancelling."), field="reason", code="required")
    with transaction.atomic():
        enrolment = enrolment_for_actor(actor, enrolment.pk, lock=True)
        ENROLMENT_FLOW.check("cancel", enrolment.status)
        wallet = Wallet.objects.filter(enrolment=enrolment).first()
        if wallet is not None and wallet.blocked_paise > 0:
            raise Conflict(
                _(
                    "Rs %(amount)s is blocked for treatment in progress; finish or cancel those cases before "
                    "cancelling the card."
                )
                % {"amount": f"{wallet.blocked_paise / 100:,.2f}"},
                field="enrolment",
                code="money_blocked",
            )
        ENROLMENT_FLOW.apply(enrolment, "cancel")
        enrolment.cancelled_at = timezone.now()
        enrolment.cancelled_by = actor
        enrolment.cancellation_reason = reason
        enrolment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
        _audit_enrolment(AuditAction.HIMCARE_ENROLMENT_CANCEL, enrolment, actor)
    return enrolment


def expire_enrolments(today: datetime.date | None = None) -> int:
    """Active enrolments whose validity ended before `today` become expired. Returns how many."""
    day = today or timezone.localdate()
    with transaction.atomic():
        count = Enrolment.objects.filter(
            status__in=ENROLMENT_FLOW.sources("expire"), valid_to__lt=day
        ).update(status=EnrolmentStatus.EXPIRED)
        if count:
            record(
                AuditAction.HIMCARE_ENROLMENT_EXPIRE,
                object_type="himcare.Enrolment",
                purpose=PURPOSE,
                actor=None,
                detail={"count": count, "on": day.isoformat()},
            )
    return count


# --- the AB-PMJAY list -------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def do_import_pmjay_list(rows: Iterable[dict[str, str]], *, actor: Any = None) -> ImportResult:
    """Rows with family_id or ration_card_no, source and listed_on (YYYY-MM-DD). Idempotent; each bad row is
    reported with its line number (the header is line 1) and the good ones are kept."""
    result = ImportResult()
    for line, row in enumerate(rows, start=2):
        # extra cells (key None, a list) are ignored; missing cells are blank
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        family_id, ration, source = (
            row.get("family_id", ""),
            row.get("ration_card_no", ""),
            row.get("source", ""),
        )
        try:
            listed_on = datetime.date.fromisoformat(row.get("listed_on", ""))
        except ValueError:
            result.errors.append(RowError(line, "listed_on", _("listed_on must be a date like 2019-01-01.")))
            continue
        if not source:
            result.errors.append(RowError(line, "source", _("source is required.")))
            continue
        if len(ration) > 20 or len(family_id) > 32:
            result.errors.append(RowError(line, "family_id", _("family_id or ration_card_no is too long.")))
            continue
        if family_id:
            family = Family.objects.filter(family_id=family_id.upper()).first()
        elif ration:
            matches = list(Family.objects.filter(ration_card_no=ration)[:2])
            family = matches[0] if len(matches) == 1 else None
            if len(matches) > 1:
                result.errors.append(
                    RowError(line, "ration_card_no", _("More than one family has this ration card number."))
                )
                continue
        else:
            result.errors.append(RowError(line, "family_id", _("Give family_id or ration_card_no.")))
            continue
        if family is None:
            result.errors.append(RowError(line, "family_id", _("No Him Parivar family matches this row.")))
            continue
        values = {
            "ration_card_no": ration or family.ration_card_no,
            "source": source[:100],
            "listed_on": listed_on,
        }
        with transaction.atomic():
            existing = PmjayFamily.objects.select_for_update().filter(family=family).first()
            if existing is None:
                PmjayFamily.objects.create(family=family, **values)
                result.created += 1
            elif any(getattr(existing, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.save()
                result.updated += 1
            else:
                result.unchanged += 1
    record(
        AuditAction.HIMCARE_PMJAY_IMPORT,
        object_type="himcare.PmjayFamily",
        purpose=PURPOSE,
        actor=actor,
        detail={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": len(result.errors),
        },
    )
    return result


def read_pmjay_csv(text: str) -> list[dict[str, str]]:
    """The rows of the list; a malformed CSV (a field over the csv limit, a NUL) is an ImportFileError."""
    return list(CheckedDictReader(io.StringIO(text)))


# --- look-ups for the pages and the API ---------------------------------------------------------------------
FAMILY_ENROLLER_ROLES = tuple(sorted(STAFF_ENROLLERS | {Role.CITIZEN}))
LIST_ROLES = tuple(sorted(OFFICER_ROLES | {Role.DISTRICT_OFFICER}))


def find_family(actor: Any, family_id: str) -> Family:
    """A family by its Him Parivar id: staff through the register's scoped, audited look-up; a citizen only
    their own family."""
    from himswasthya.himparivar.services import do_read_family

    if has_role(actor, Role.CITIZEN):
        family = citizen_families(actor).filter(family_id=(family_id or "").strip().upper()).first()
        if family is None:
            raise NotFound(_("No family with this id is linked to your mobile number."), field="family_id")
        return family
    require_role(actor, *STAFF_ENROLLERS)
    return do_read_family(actor, family_id, purpose=PURPOSE)


def enrolments_for_list(actor: Any):
    """Enrolments an officer may list: HIMCARE officers and the state all (or their district), district
    officers their district."""
    require_role(actor, *LIST_ROLES)
    return scope_queryset(
        actor, Enrolment.objects.select_related("family", "family__district", "scheme_year", "wallet")
    ).order_by("-created_at", "-id")


def my_enrolments(actor: Any) -> list[Enrolment]:
    """A citizen's family enrolments, newest first (live ones first)."""
    require_role(actor, Role.CITIZEN)
    rows = list(
        Enrolment.objects.filter(family__in=citizen_families(actor))
        .select_related("family", "scheme_year")
        .order_by("-created_at", "-id")
    )
    rows.sort(key=lambda e: e.status not in LIVE_ENROLMENT_STATUSES)
    return rows
