"""Linking a verified ABHA to a Person of the patient index (issue #3 item 5).

Flow: who may act on the person (staff in scope, or a citizen for their own Him Parivar family) ->
SEC-10 consent recorded -> OTP through ABDM -> verified profile kept server-side under a one-time id ->
match score -> linked (score above ABHA_LINK_AUTO_THRESHOLD), queued for a supervisor (grey zone or a
conflict), or refused with the reasons. A link is never overwritten: a different ABHA on the person, or this
ABHA on another person, is a conflict a supervisor resolves by unlinking first. Every step is audited with the
ABHA masked; unlinking deletes the identifier rows and keeps the history in AbhaLinkEvent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from himswasthya.abdm.client import AbdmClient, AbhaProfile, OtpRequest
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.matching import MatchResult, score_abha_profile_against_person
from himswasthya.abdm.models import AbhaLinkConsent, AbhaLinkEvent, AbhaLinkRequest, LinkChannel
from himswasthya.abdm.otp import AbhaOtpFlow
from himswasthya.abdm.services import clean_abha_address, clean_abha_number, mask_abha_number
from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import (
    acting_person_ids,
    family_person_ids,
    get_scoped_or_not_found,
    require_role,
    scope_queryset,
)
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.core.validators import format_abha_number
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier

LINK_STAFF_ROLES = (Role.REGISTRATION_CLERK, Role.DOCTOR, Role.FACILITY_ADMIN, Role.STATE_ADMIN)
SUPERVISOR_ROLES = (Role.FACILITY_ADMIN, Role.STATE_ADMIN)
LINK_ROLES = (*LINK_STAFF_ROLES, Role.CITIZEN)
STAFF_PURPOSES = ("registration", "opd")  # SEC-1 purpose codes, as abdm.services
CITIZEN_PURPOSE = "citizen_self_service"
ADULT_AGE = 18
PENDING_SECONDS = 10 * 60
VERIFIED_SECONDS = 15 * 60
OTP_RESEND_SECONDS = 60  # CRT_ABHA_106: resend allowed after 60 s, at least twice
OTP_MAX_RESENDS = 3

# SEC-10 / CRT_ABHA_102: ABDM's consent text, shown before any OTP is requested. Bump the version when the
# wording changes; the consent row keeps the version and a hash of the exact text shown.
CONSENT_TEXT_VERSION = "abdm-abha-verify-2026-11"
CONSENT_TEXT = gettext_lazy(
    "I, hereby declare that I am voluntarily sharing my ABHA number or ABHA address and the one-time "
    "password sent to my mobile linked with ABHA or Aadhaar with the National Health Authority (NHA), "
    "for the sole purpose of verifying my ABHA and linking it to my health record with the Government "
    "of Himachal Pradesh. I understand that my ABHA profile (name, sex, date of birth, mobile and "
    "address) will be used only for this purpose, and that I may ask for the link to be removed at any "
    "time."
)


def consent_text() -> str:
    return str(CONSENT_TEXT)


# ---- who may act on whom ---------------------------------------------------------------------------------


def citizen_family_persons(user: Any) -> QuerySet[Person]:
    """The living people of the citizen's Him Parivar families (accounts.scoping.family_person_ids: the
    families in which a living member holds the citizen's mobile; abdm does not know the register)."""
    return Person.objects.filter(pk__in=family_person_ids(user))


def ensure_citizen_may_act_for(user: Any, person: Person) -> None:
    """SEC-5: a minor's ABHA is linked only by an adult member of the same family (a verified guardian: on the
    register, and signed in with the OTP of the mobile the register holds)."""
    if person.age() >= ADULT_AGE:
        return
    acting = Person.objects.filter(pk__in=acting_person_ids(user, person))
    if not any(p.age() >= ADULT_AGE for p in acting):
        raise Forbidden(
            _("A child's ABHA can be linked only by an adult member of the same family."),
            code="guardian_required",
        )


def person_for_linking(user: Any, person_id: int) -> Person:
    """The person `user` may link an ABHA for. A person out of reach is NotFound (ids are not confirmed);
    a role that may not link at all, or a child without an adult of the family acting, is Forbidden."""
    if getattr(user, "role", None) == Role.CITIZEN and user.is_authenticated:
        try:
            person = citizen_family_persons(user).get(pk=person_id)
        except Person.DoesNotExist as exc:
            raise NotFound(_("Not found."), code="not_found") from exc
        ensure_citizen_may_act_for(user, person)
        return person
    require_role(user, *LINK_STAFF_ROLES)
    return get_scoped_or_not_found(user, Person.objects.all(), pk=person_id)


def ensure_not_merged(person: Person) -> None:
    """A duplicate merged into another record takes no new identifiers: they belong on the survivor."""
    if getattr(person, "merged_into_id", None):
        raise DomainError(
            _("This record was merged into another person's record: link the ABHA there."),
            field="person",
            code="person_merged",
        )


def _channel(user: Any) -> str:
    return LinkChannel.CITIZEN if getattr(user, "role", None) == Role.CITIZEN else LinkChannel.STAFF


def _purpose(user: Any, purpose: str) -> str:
    if _channel(user) == LinkChannel.CITIZEN:
        return CITIZEN_PURPOSE
    return purpose if purpose in STAFF_PURPOSES else STAFF_PURPOSES[0]


def _audit(action: str, user: Any, person: Person, purpose: str, **detail: Any) -> None:
    record(
        action,
        object_type="people.Person",
        object_id=person.pk,
        purpose=purpose,
        actor=user,
        district_id=person.district_id if _channel(user) == LinkChannel.CITIZEN else None,
        detail=detail,
    )


def _audit_committed(action: str, user: Any, person: Person, purpose: str, **detail: Any) -> None:
    """`_audit` in a transaction of its own: the row stays even when the ABDM call it reports fails."""
    with transaction.atomic():
        _audit(action, user, person, purpose, **detail)


# ---- reading a scanned ABHA card ---------------------------------------------------------------------------

_QR_NUMBER_KEYS = ("hidn", "abhaNumber", "abha_number", "ABHANumber", "healthIdNumber")
_QR_ADDRESS_KEYS = ("phr", "hid", "abhaAddress", "abha_address", "healthId")
_ABHA_IN_TEXT = re.compile(r"(?<!\d)(\d{2}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4})(?!\d)")


def parse_scanned_abha(text: str) -> tuple[str, str]:
    """(ABHA number, ABHA address) from what a scanner typed: the ABHA card's QR (JSON) or the bare number.
    Only the identifiers are kept; the rest of the card (name, DOB, address) comes from ABDM after the OTP."""
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            data = None
        if isinstance(data, dict):
            number = next((str(data[k]) for k in _QR_NUMBER_KEYS if data.get(k)), "")
            address = next(
                (str(data[k]) for k in _QR_ADDRESS_KEYS if data.get(k) and "@" in str(data[k])), ""
            )
            return number, address
    found = _ABHA_IN_TEXT.search(text)
    if found:
        return found.group(1), ""
    return "", text if "@" in text else ""


# ---- consent and OTP verification with ABDM ----------------------------------------------------------------


def do_record_consent(user: Any, person: Person, *, text: str | None = None) -> AbhaLinkConsent:
    shown = text if text is not None else consent_text()
    with transaction.atomic():
        consent = AbhaLinkConsent.objects.create(
            person=person,
            given_by=user,
            channel=_channel(user),
            text_version=CONSENT_TEXT_VERSION,
            language=(get_language() or "en")[:10],
            text_sha256=hashlib.sha256(shown.encode()).hexdigest(),
        )
        _audit(
            AuditAction.ABHA_LINK_CONSENT,
            user,
            person,
            _purpose(user, ""),
            version=CONSENT_TEXT_VERSION,
            consent_id=consent.pk,
        )
    return consent


OTP_FLOW = AbhaOtpFlow("abdm:link-otp", seconds=PENDING_SECONDS)


def _audit_otp_request(
    user: Any, person: Person, purpose: str, abha: str, outcome: str, **detail: Any
) -> None:
    """An OTP asked of ABDM: `outcome` is "sent" or ABDM's error code; the ABHA is masked."""
    _audit_committed(
        AuditAction.ABHA_LINK_OTP_REQUEST, user, person, purpose, abha=abha, outcome=outcome, **detail
    )


def _verified_key(verification_id: str) -> str:
    return f"abdm:link-verified:{verification_id}"


def do_start_abha_verification(
    user: Any,
    person: Person,
    *,
    abha_number: str = "",
    abha_address: str = "",
    otp_system: str = "abdm",
    consent_given: bool = False,
    purpose: str = "",
    client: AbdmClient | None = None,
) -> OtpRequest:
    """Record the consent, find the ABHA (by number, or by address through ABDM's search), ask for an OTP."""
    if not consent_given:
        raise DomainError(
            _("The ABHA holder must agree to the consent text before an OTP is sent."),
            field="consent",
            code="consent_required",
        )
    if otp_system not in ("abdm", "aadhaar"):
        raise DomainError(_("Choose where the OTP is sent."), field="otp_system", code="invalid")
    if not (abha_number or abha_address).strip():
        raise DomainError(_("Enter an ABHA number or an ABHA address."), field="abha_number", code="required")
    ensure_not_merged(person)
    purpose = _purpose(user, purpose)
    number = clean_abha_number(abha_number) if abha_number.strip() else ""
    address = "" if number else clean_abha_address(abha_address)
    consent = do_record_consent(user, person)  # committed before ABDM is asked for anything
    abdm = client or AbdmClient()
    try:
        if address:
            number = clean_abha_number(abdm.search_abha_address(address).abha_number)
        started = OTP_FLOW.start(
            abdm,
            number,
            otp_system=otp_system,
            remember={
                "user_id": user.pk,
                "person_id": person.pk,
                "abha": mask_abha_number(number),
                # Kept server-side only, for a resend (SEC-10: at least two, each after 60 s).
                "number": number,
                "otp_system": otp_system,
                "sent_at": time.time(),
                "resends": 0,
                "consent_id": consent.pk,
                "purpose": purpose,
            },
        )
    except AbdmError as exc:
        _audit_otp_request(user, person, purpose, mask_abha_number(number) or address, exc.code)
        raise
    _audit_otp_request(user, person, purpose, mask_abha_number(number), "sent")
    return started


def do_resend_abha_otp(
    user: Any, person: Person, txn_id: str, *, client: AbdmClient | None = None
) -> OtpRequest:
    """A new OTP for the same ABHA and consent, no sooner than OTP_RESEND_SECONDS after the last one."""
    pending = OTP_FLOW.pending(txn_id, user_id=user.pk, person_id=person.pk)
    wait = int(pending["sent_at"] + OTP_RESEND_SECONDS - time.time())
    if wait > 0:
        raise DomainError(
            _("You can ask for a new OTP in %(seconds)s seconds.") % {"seconds": wait},
            field="otp",
            code="resend_too_soon",
        )
    if pending["resends"] >= OTP_MAX_RESENDS:
        raise DomainError(
            _("No more OTPs can be sent for this request. Start again."), field="otp", code="resend_limit"
        )
    try:
        started = OTP_FLOW.start(
            client or AbdmClient(),
            pending["number"],
            otp_system=pending["otp_system"],
            remember={**pending, "sent_at": time.time(), "resends": pending["resends"] + 1},
        )
    except AbdmError as exc:
        _audit_otp_request(user, person, pending["purpose"], pending["abha"], exc.code, resend=True)
        raise
    if str(started.txn_id) != str(txn_id):
        OTP_FLOW.forget(txn_id)
    _audit_otp_request(user, person, pending["purpose"], pending["abha"], "sent", resend=True)
    return started


@dataclass(frozen=True)
class VerifiedAbha:
    verification_id: str
    profile: AbhaProfile
    match: MatchResult


def do_confirm_abha_verification(
    user: Any, person: Person, txn_id: str, otp: str, *, client: AbdmClient | None = None
) -> VerifiedAbha:
    """Check the OTP with ABDM, fetch the profile and score it. The profile stays on the server under a
    one-time verification id: the link step never trusts a profile sent back by the browser."""
    pending = OTP_FLOW.pending(txn_id, user_id=user.pk, person_id=person.pk)
    if not (otp or "").isdigit() or not 4 <= len(otp) <= 8:
        raise DomainError(_("Enter the OTP the ABHA holder received."), field="otp", code="invalid")
    try:
        profile = OTP_FLOW.confirm(client or AbdmClient(), txn_id, otp, pending)
    except AbdmError as exc:
        _audit_committed(
            AuditAction.ABHA_LINK_VERIFY,
            user,
            person,
            pending["purpose"],
            abha=pending["abha"],
            outcome=exc.code,
        )
        raise
    match = score_abha_profile_against_person(profile, person)
    verification_id = secrets.token_urlsafe(24)
    cache.set(
        _verified_key(verification_id),
        {
            "user_id": user.pk,
            "person_id": person.pk,
            "profile": dataclasses.asdict(profile),
            "consent_id": pending["consent_id"],
            "purpose": pending["purpose"],
        },
        timeout=VERIFIED_SECONDS,
    )
    _audit_committed(
        AuditAction.ABHA_LINK_VERIFY,
        user,
        person,
        pending["purpose"],
        abha=mask_abha_number(profile.abha_number),
        outcome="verified",
        score=match.score,
        decision=match.decision,
    )
    return VerifiedAbha(verification_id, profile, match)


def verified_abha(user: Any, person: Person, verification_id: str) -> tuple[AbhaProfile, dict[str, Any]]:
    """The profile verified by this user for this person, or a clear error if it expired or is not theirs."""
    held = cache.get(_verified_key(str(verification_id)))
    if not held or held["user_id"] != user.pk or held["person_id"] != person.pk:
        raise DomainError(
            _("This verification has expired. Verify the ABHA again."),
            field="verification_id",
            code="verification_expired",
        )
    return AbhaProfile(**held["profile"]), held


# ---- linking ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkOutcome:
    status: str  # linked / already_linked / queued / conflict / refused
    message: str
    match: MatchResult | None = None
    request: AbhaLinkRequest | None = None
    reasons: list[str] = dataclasses.field(default_factory=list)


def _conflict(person: Person, profile: AbhaProfile) -> tuple[str, str]:
    """(code, message) when linking would overwrite or steal a link; ("", "") when it is safe."""
    current = PersonIdentifier.objects.filter(person=person, id_type=IdentifierType.ABHA_NUMBER).first()
    if current and current.value != profile.abha_number:
        return "person_has_other_abha", _(
            "This person is already linked to another ABHA (%(abha)s). Links are never overwritten: "
            "a supervisor must unlink it first."
        ) % {"abha": mask_abha_number(current.value)}
    others = PersonIdentifier.objects.exclude(person=person)
    if others.filter(id_type=IdentifierType.ABHA_NUMBER, value=profile.abha_number).exists():
        return "abha_linked_elsewhere", _(
            "This ABHA is already linked to another person's record. A supervisor must resolve it."
        )
    address = (profile.abha_address or "").lower()
    if address and others.filter(id_type=IdentifierType.ABHA_ADDRESS, value=address).exists():
        return "address_linked_elsewhere", _(
            "This ABHA address is already linked to another person's record. A supervisor must resolve it."
        )
    return "", ""


def _write_identifiers(person: Person, abha_number: str, abha_address: str) -> None:
    today = timezone.localdate()
    try:
        with (
            transaction.atomic()
        ):  # a savepoint: a concurrent link of the same ABHA hits the unique constraint
            PersonIdentifier.objects.get_or_create(
                person=person,
                id_type=IdentifierType.ABHA_NUMBER,
                value=abha_number,
                defaults={"issuer": "NHA", "verified": True, "source": "ABDM", "since": today},
            )
            if abha_address:
                PersonIdentifier.objects.get_or_create(
                    person=person,
                    id_type=IdentifierType.ABHA_ADDRESS,
                    value=abha_address.lower(),
                    defaults={"issuer": "NHA", "verified": True, "source": "ABDM", "since": today},
                )
    except IntegrityError as exc:
        raise Conflict(
            _("This ABHA was just linked to another person's record. A supervisor must resolve it."),
            code="abha_linked_elsewhere",
        ) from exc


def _event(
    person: Person,
    action: str,
    actor: Any,
    *,
    abha_number: str,
    abha_address: str = "",
    score: int | None = None,
    channel: str,
    purpose: str = "",
    reason: str = "",
    request: AbhaLinkRequest | None = None,
) -> AbhaLinkEvent:
    return AbhaLinkEvent.objects.create(
        person=person,
        action=action,
        abha_number=abha_number,
        abha_address=abha_address[:64],
        score=score,
        channel=channel,
        purpose=purpose,
        reason=reason[:300],
        request=request,
        actor=actor,
        actor_role=str(getattr(actor, "role", "")),
    )


def _queue(
    person: Person,
    profile: AbhaProfile,
    match: MatchResult,
    actor: Any,
    *,
    reason: str,
    conflict_code: str,
    channel: str,
    purpose: str,
    consent_id: int | None,
) -> AbhaLinkRequest:
    existing = AbhaLinkRequest.objects.filter(
        person=person, abha_number=profile.abha_number, status=AbhaLinkRequest.Status.PENDING
    ).first()
    if existing:
        return existing
    mobile = "".join(c for c in profile.mobile if c.isdigit())
    return AbhaLinkRequest.objects.create(
        person=person,
        abha_number=profile.abha_number,
        abha_address=(profile.abha_address or "").lower()[:64],
        profile_name=profile.name[:200],
        profile_gender=(profile.gender or "")[:1],
        profile_year_of_birth=profile.year_of_birth,
        profile_mobile_masked=f"******{mobile[-4:]}" if mobile else "",
        score=match.score,
        breakdown=match.breakdown(),
        reason=reason,
        conflict_code=conflict_code,
        channel=channel,
        purpose=purpose,
        consent_id=consent_id,
        requested_by=actor,
    )


def do_link_abha(
    person: Person, verified_profile: AbhaProfile, actor: Any, purpose: str, *, consent_id: int | None = None
) -> LinkOutcome:
    """Link a profile ABDM verified to `person`, or queue it for a supervisor, or refuse it. One transaction.

    Callers must have checked that `actor` may act on `person` (person_for_linking)."""
    channel = _channel(actor)
    purpose = _purpose(actor, purpose)
    profile = verified_profile
    masked = mask_abha_number(profile.abha_number)
    with transaction.atomic():
        # One link decision per person at a time.
        locked = Person.objects.select_for_update().filter(pk=person.pk).first()
        ensure_not_merged(locked or person)
        match = score_abha_profile_against_person(profile, person)
        common = {
            "abha_number": profile.abha_number,
            "abha_address": profile.abha_address,
            "channel": channel,
            "purpose": purpose,
        }
        conflict_code, conflict_message = _conflict(person, profile)
        if conflict_code:
            request = _queue(
                person,
                profile,
                match,
                actor,
                reason=AbhaLinkRequest.Reason.CONFLICT,
                conflict_code=conflict_code,
                channel=channel,
                purpose=purpose,
                consent_id=consent_id,
            )
            _event(
                person,
                AbhaLinkEvent.Action.REFUSED,
                actor,
                score=match.score,
                reason=conflict_code,
                request=request,
                **common,
            )
            _audit(
                AuditAction.ABHA_LINK_CONFLICT,
                actor,
                person,
                purpose,
                abha=masked,
                conflict=conflict_code,
                request_id=request.pk,
            )
            return LinkOutcome("conflict", conflict_message, match, request, [conflict_message])
        already = PersonIdentifier.objects.filter(
            person=person, id_type=IdentifierType.ABHA_NUMBER, value=profile.abha_number
        ).exists()
        if already:
            _write_identifiers(
                person, profile.abha_number, profile.abha_address
            )  # adds a new address, if any
            _audit(AuditAction.ABHA_LINK, actor, person, purpose, abha=masked, outcome="already_linked")
            return LinkOutcome("already_linked", _("This ABHA is already linked to this person."), match)
        if match.decision == "link":
            _write_identifiers(person, profile.abha_number, profile.abha_address)
            _event(person, AbhaLinkEvent.Action.LINKED, actor, score=match.score, **common)
            _audit(
                AuditAction.ABHA_LINK,
                actor,
                person,
                purpose,
                abha=masked,
                outcome="linked",
                score=match.score,
            )
            return LinkOutcome("linked", _("The ABHA is now linked to this person."), match)
        if match.decision == "review":
            request = _queue(
                person,
                profile,
                match,
                actor,
                reason=AbhaLinkRequest.Reason.GREY_ZONE,
                conflict_code="",
                channel=channel,
                purpose=purpose,
                consent_id=consent_id,
            )
            _event(person, AbhaLinkEvent.Action.QUEUED, actor, score=match.score, request=request, **common)
            _audit(
                AuditAction.ABHA_LINK_QUEUED,
                actor,
                person,
                purpose,
                abha=masked,
                score=match.score,
                request_id=request.pk,
            )
            return LinkOutcome(
                "queued",
                _("The match is not certain: a supervisor will review this link."),
                match,
                request,
                match.reasons,
            )
        reasons = match.refusal_reasons or match.reasons
        _event(
            person,
            AbhaLinkEvent.Action.REFUSED,
            actor,
            score=match.score,
            reason="; ".join(reasons),
            **common,
        )
        _audit(AuditAction.ABHA_LINK_REFUSED, actor, person, purpose, abha=masked, score=match.score)
        return LinkOutcome(
            "refused", _("The ABHA does not match this person, so it was not linked."), match, reasons=reasons
        )


def do_link_verified(user: Any, person_id: int, verification_id: str) -> LinkOutcome:
    """The confirm step of the pages and the API: the profile comes from the server's verification only."""
    person = person_for_linking(user, person_id)
    profile, held = verified_abha(user, person, verification_id)
    outcome = do_link_abha(person, profile, user, held["purpose"], consent_id=held["consent_id"])
    cache.delete(_verified_key(verification_id))
    return outcome


def do_unlink_abha(person: Person, actor: Any, reason: str) -> int:
    """Remove the person's ABHA number and addresses; history in AbhaLinkEvent, audited. Returns rows gone."""
    require_role(actor, *SUPERVISOR_ROLES)
    get_scoped_or_not_found(actor, Person.objects.all(), pk=person.pk)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(_("Say why the ABHA is being unlinked."), field="reason", code="required")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        rows = list(
            PersonIdentifier.objects.filter(
                person=person, id_type__in=[IdentifierType.ABHA_NUMBER, IdentifierType.ABHA_ADDRESS]
            )
        )
        number = next((r.value for r in rows if r.id_type == IdentifierType.ABHA_NUMBER), "")
        if not rows or not number:
            raise DomainError(_("This person has no linked ABHA."), field="person", code="not_linked")
        addresses = ", ".join(r.value for r in rows if r.id_type == IdentifierType.ABHA_ADDRESS)
        _event(
            person,
            AbhaLinkEvent.Action.UNLINKED,
            actor,
            abha_number=number,
            abha_address=addresses,
            channel=LinkChannel.REVIEW,
            reason=reason,
        )
        PersonIdentifier.objects.filter(pk__in=[r.pk for r in rows]).delete()
        _audit(
            AuditAction.ABHA_UNLINK,
            actor,
            person,
            "registration",
            abha=mask_abha_number(number),
            removed=len(rows),
        )
    return len(rows)


# ---- the supervisor's review queue -----------------------------------------------------------------------


def review_queue(user: Any, limit: int = 200) -> list[AbhaLinkRequest]:
    """The pending requests the supervisor may decide, oldest first; reading the queue is audited."""
    require_role(user, *SUPERVISOR_ROLES)
    pending = AbhaLinkRequest.objects.filter(status=AbhaLinkRequest.Status.PENDING)
    scoped = scope_queryset(user, pending).select_related("person", "requested_by")
    queue = list(scoped.order_by("requested_at", "pk")[:limit])
    with transaction.atomic():
        record(
            AuditAction.ABHA_LINK_REQUEST_LIST,
            object_type="abdm.AbhaLinkRequest",
            purpose="link_review",
            actor=user,
            detail={"count": len(queue), "ids": [r.pk for r in queue][:50]},
        )
    return queue


_DECIDED = gettext_lazy("This request has already been decided.")
#: A link request in review is decided once: approved or rejected by another supervisor.
LINK_REQUEST_FLOW = StateMachine(
    {
        "approve": Transition(
            sources={AbhaLinkRequest.Status.PENDING},
            targets={AbhaLinkRequest.Status.APPROVED},
            rule=_DECIDED,
            code="already_decided",
            field=None,
        ),
        "reject": Transition(
            sources={AbhaLinkRequest.Status.PENDING},
            targets={AbhaLinkRequest.Status.REJECTED},
            rule=_DECIDED,
            code="already_decided",
            field=None,
        ),
    },
    status_label=choice_labels(AbhaLinkRequest.Status),
)


def _decide(request_id: int, actor: Any, step: str) -> AbhaLinkRequest:
    require_role(actor, *SUPERVISOR_ROLES)
    request = get_scoped_or_not_found(actor, AbhaLinkRequest.objects.select_for_update(), pk=request_id)
    LINK_REQUEST_FLOW.check(step, request.status)
    if request.requested_by_id == actor.pk:
        raise Forbidden(_("Another supervisor must review a link you asked for."), code="four_eyes")
    return request


def do_approve_link_request(request_id: int, actor: Any, note: str = "") -> AbhaLinkRequest:
    with transaction.atomic():
        request = _decide(request_id, actor, "approve")
        person = Person.objects.select_for_update().get(pk=request.person_id)
        ensure_not_merged(person)
        profile = _profile_of(request)
        code, message = _conflict(person, profile)
        if code:
            raise Conflict(message, code=code)
        _write_identifiers(person, request.abha_number, request.abha_address)
        LINK_REQUEST_FLOW.apply(request, "approve")
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _review_event(request, AbhaLinkEvent.Action.APPROVED, actor, reason=note)
        _review_event(request, AbhaLinkEvent.Action.LINKED, actor)
        _audit(
            AuditAction.ABHA_LINK_APPROVE,
            actor,
            person,
            request.purpose,
            abha=mask_abha_number(request.abha_number),
            request_id=request.pk,
        )
    return request


def _review_event(request: AbhaLinkRequest, action: str, actor: Any, reason: str = "") -> None:
    """A history event for a supervisor's decision on a link request."""
    _event(
        request.person,
        action,
        actor,
        abha_number=request.abha_number,
        abha_address=request.abha_address,
        score=request.score,
        channel=LinkChannel.REVIEW,
        purpose=request.purpose,
        reason=reason,
        request=request,
    )


def do_reject_link_request(request_id: int, actor: Any, note: str) -> AbhaLinkRequest:
    note = (note or "").strip()
    if len(note) < 5:
        raise DomainError(_("Say why the link is rejected."), field="note", code="required")
    with transaction.atomic():
        request = _decide(request_id, actor, "reject")
        LINK_REQUEST_FLOW.apply(request, "reject")
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note[:300]
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _review_event(request, AbhaLinkEvent.Action.REJECTED, actor, reason=note)
        _audit(
            AuditAction.ABHA_LINK_REJECT,
            actor,
            request.person,
            request.purpose,
            abha=mask_abha_number(request.abha_number),
            request_id=request.pk,
        )
    return request


def _profile_of(request: AbhaLinkRequest) -> AbhaProfile:
    return AbhaProfile(
        abha_number=request.abha_number,
        abha_address=request.abha_address,
        name=request.profile_name,
        first_name="",
        middle_name="",
        last_name="",
        gender=request.profile_gender,
        year_of_birth=request.profile_year_of_birth,
        month_of_birth=None,
        day_of_birth=None,
        mobile=request.profile_mobile_masked,
        email="",
        address="",
        pincode="",
        district_name="",
        state_name="",
        status="",
        kyc_verified=False,
    )


# ---- what the pages show ---------------------------------------------------------------------------------


def abha_of(person: Person) -> dict[str, Any]:
    """The person's linked ABHA for display: number as XX-XXXX-XXXX-XXXX, addresses."""
    rows = list(
        PersonIdentifier.objects.filter(
            person=person, id_type__in=[IdentifierType.ABHA_NUMBER, IdentifierType.ABHA_ADDRESS]
        ).order_by("id_type", "value")
    )
    number = next((r for r in rows if r.id_type == IdentifierType.ABHA_NUMBER), None)
    return {
        "number": format_abha_number(number.value) if number else "",
        "number_masked": mask_abha_number(number.value) if number else "",
        "since": number.since if number else None,
        "addresses": [r.value for r in rows if r.id_type == IdentifierType.ABHA_ADDRESS],
    }


def do_read_person_for_linking(user: Any, person_id: int, purpose: str = "") -> Person:
    """person_for_linking + the audit row for showing the person's data on the link page."""
    person = person_for_linking(user, person_id)
    _audit_committed(AuditAction.PERSON_READ, user, person, _purpose(user, purpose), page="abha_link")
    return person
