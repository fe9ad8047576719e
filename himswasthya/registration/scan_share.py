"""ABDM scan and share (abdm-api.md section 3, domain.md 1.3): a patient scans a counter's QR in their PHR
app, ABDM posts their profile to our bridge, we answer with an OPD counter token.

The flow, in order:
1. `parse_profile_share` checks the body (numbers or strings, `pincode` or `pinCode`);
2. `do_receive_profile_share` (one transaction) issues the day's token - idempotent per facility, ABHA address
   and day - matches the person (ABHA identifier first, then name + year of birth + sex + mobile through the
   patient index's duplicate search and the ABHA matcher), else registers a new person, links the ABHA as
   verified by ABDM (never overwriting a conflicting link: those go to the supervisor's review queue), audits,
   and queues the SMS (sent after commit);
3. `answer_share` calls the gateway's `on-share` with the token (or an error body).

The bridge acts as a system account per facility (`bridge_actor`): a clerk-role user without a usable
password, so the audit trail and the patient-index rules (scope, district, SEC-5) apply to it as to a clerk.

Children (SEC-5): a minor arriving by scan and share is registered under the Fourth Schedule exemption
(purpose `treatment`: health services to the child by a clinical establishment), as the counter staff would
do; no guardian is recorded, the clerk can add one later.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from himswasthya.abdm.client import AbdmClient, AbhaProfile
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.hip_ids import demo_facility_code, facility_for_hip, hip_id_of  # noqa: F401 - used here and by views
from himswasthya.abdm.linking import do_link_abha
from himswasthya.abdm.matching import score_abha_profile_against_person
from himswasthya.accounts.models import Role, User
from himswasthya.accounts.scoping import may_act_at, require_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.validators import normalise_abha_number, normalise_mobile
from himswasthya.facilities.models import Facility
from himswasthya.notify.outbox import queue_sms
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier, Sex
from himswasthya.people.services import (
    ADULT_AGE,
    NewPerson,
    age_on,
    do_register_person,
    find_likely_duplicates,
)
from himswasthya.registration.scan_share_models import (
    ScanShareCounter,
    ScanShareDay,
    ScanShareStatus,
    ScanShareToken,
)

logger = logging.getLogger(__name__)

PURPOSE = "opd_registration"
MINOR_PURPOSE = "treatment"  # SEC-5: the Fourth Schedule exemption for health services to a child
CLERK_ROLES = (Role.REGISTRATION_CLERK, Role.FACILITY_ADMIN)
COUNTER_PAGE_ROLES = (Role.REGISTRATION_CLERK, Role.FACILITY_ADMIN, Role.STATE_ADMIN)
SMS_TEMPLATE = "scan_share_counter_token"
SHARE_PROFILE_HOSTS = {"sbx": "https://phrsbx.abdm.gov.in", "abdm": "https://phr.abdm.gov.in"}


def token_expiry_seconds() -> int:
    """Seconds a token is offered to the patient (abdm-api.md: facility-defined; care 600, others 1800)."""
    return int(settings.SCAN_SHARE_TOKEN_EXPIRY_SECONDS)


# ---- facilities and their HIP ids ------------------------------------------------------------------------


def share_profile_url(facility: Facility, counter: ScanShareCounter) -> str:
    """What the counter's QR encodes: ABDM's share-profile page with our HIP id and the counter code."""
    host = settings.ABDM_SHARE_PROFILE_HOST or SHARE_PROFILE_HOSTS.get(
        settings.ABDM_CM_ID, SHARE_PROFILE_HOSTS["sbx"]
    )
    return f"{host.rstrip('/')}/share-profile?" + urlencode(
        {"hip-id": hip_id_of(facility), "counter-id": counter.code}
    )


# ---- the inbound body ------------------------------------------------------------------------------------


class ShareRejected(DomainError):
    """The PROFILE_SHARE cannot be accepted; `abdm_code` goes into the error body."""

    code = "scan_share_rejected"

    def __init__(self, message: Any, *, field: str | None = None, abdm_code: str = "ABDM-1006"):
        super().__init__(message, field=field)
        self.abdm_code = abdm_code


@dataclass(frozen=True)
class SharedPatient:
    abha_number: str  # 14 digits or ""
    abha_address: str  # lower case
    name: str
    gender: str
    year_of_birth: int | None
    month_of_birth: int | None
    day_of_birth: int | None
    mobile: str  # 10 digits or ""
    address_line: str
    district: str
    state: str
    pincode: str

    def date_of_birth(self) -> datetime.date | None:
        try:
            return datetime.date(self.year_of_birth, self.month_of_birth, self.day_of_birth)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def as_abha_profile(self) -> AbhaProfile:
        names = self.name.split()
        return AbhaProfile(
            abha_number=self.abha_number,
            abha_address=self.abha_address,
            name=self.name,
            first_name=names[0] if names else "",
            middle_name=" ".join(names[1:-1]),
            last_name=names[-1] if len(names) > 1 else "",
            gender=self.gender,
            year_of_birth=self.year_of_birth,
            month_of_birth=self.month_of_birth,
            day_of_birth=self.day_of_birth,
            mobile=self.mobile,
            email="",
            address=self.address_line,
            pincode=self.pincode,
            district_name=self.district,
            state_name=self.state,
            status="ACTIVE",
            kyc_verified=False,
        )


@dataclass(frozen=True)
class ProfileShare:
    request_id: str
    hip_id: str
    context: str
    patient: SharedPatient


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError
    return str(value).strip()[:limit]


def _number(value: Any, field: str, low: int, high: int, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise ShareRejected(_("%(field)s is required.") % {"field": field}, field=field)
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ShareRejected(_("%(field)s must be a number.") % {"field": field}, field=field) from None
    if not low <= number <= high:
        raise ShareRejected(_("%(field)s is out of range.") % {"field": field}, field=field)
    return number


def parse_profile_share(body: Any, *, request_id: str) -> ProfileShare:
    """The documented PROFILE_SHARE body -> ProfileShare, or ShareRejected naming the bad field."""
    if not isinstance(body, dict):
        raise ShareRejected(_("The body must be a JSON object."), field="body")
    if body.get("intent") != "PROFILE_SHARE":
        raise ShareRejected(_("intent must be PROFILE_SHARE."), field="intent")
    meta, profile = body.get("metaData"), body.get("profile")
    if not isinstance(meta, dict):
        raise ShareRejected(_("metaData is required."), field="metaData")
    patient = profile.get("patient") if isinstance(profile, dict) else None
    if not isinstance(patient, dict):
        raise ShareRejected(_("profile.patient is required."), field="profile.patient")
    address = patient.get("address") if isinstance(patient.get("address"), dict) else {}
    try:
        hip_id = _text(meta.get("hipId"), 30)
        context = _text(meta.get("context"), 64)
        abha_address = _text(patient.get("abhaAddress"), 64).lower()
        raw_number = _text(patient.get("abhaNumber"), 20)
        name = " ".join(_text(patient.get("name"), 200).split())
        gender = _text(patient.get("gender"), 1).upper()
        phone = _text(patient.get("phoneNumber") or patient.get("mobile"), 20)
        line = _text(address.get("line"), 200)
        district = _text(address.get("district"), 100)
        state = _text(address.get("state"), 100)
        pincode = _text(address.get("pincode") or address.get("pinCode"), 6)
    except TypeError:
        raise ShareRejected(_("A field has the wrong type: text or numbers only."), field="profile") from None
    if not hip_id:
        raise ShareRejected(_("metaData.hipId is required."), field="metaData.hipId")
    if not abha_address or "@" not in abha_address:
        raise ShareRejected(
            _("profile.patient.abhaAddress is required."), field="profile.patient.abhaAddress"
        )
    abha_number = ""
    if raw_number:
        try:
            abha_number = normalise_abha_number(raw_number)
        except Exception:  # noqa: BLE001 - a ValidationError of the validator
            raise ShareRejected(
                _("profile.patient.abhaNumber is not a valid ABHA number."),
                field="profile.patient.abhaNumber",
            ) from None
    if not name:
        raise ShareRejected(_("profile.patient.name is required."), field="profile.patient.name")
    if gender not in ("M", "F", "O"):
        raise ShareRejected(_("profile.patient.gender must be M, F or O."), field="profile.patient.gender")
    this_year = timezone.localdate().year
    year = _number(
        patient.get("yearOfBirth"), "profile.patient.yearOfBirth", this_year - 130, this_year, required=True
    )
    month = _number(patient.get("monthOfBirth"), "profile.patient.monthOfBirth", 1, 12)
    day = _number(patient.get("dayOfBirth"), "profile.patient.dayOfBirth", 1, 31)
    mobile = ""
    if phone:
        try:
            mobile = normalise_mobile(phone)
        except Exception:  # noqa: BLE001 - an odd number from the PHR app must not lose the patient's token
            mobile = ""
    return ProfileShare(
        request_id=request_id,
        hip_id=hip_id,
        context=context,
        patient=SharedPatient(
            abha_number, abha_address, name, gender, year, month, day, mobile, line, district, state, pincode
        ),
    )


# ---- the bridge's actor ----------------------------------------------------------------------------------


def bridge_actor(facility: Facility) -> User:
    """The bridge's system account at `facility`: a clerk with no usable password (never logs in)."""
    user = User.objects.filter(username=f"abdm-bridge-{facility.pk}").first()
    if user is not None:
        return user
    user = User(
        username=f"abdm-bridge-{facility.pk}",
        role=Role.REGISTRATION_CLERK,
        facility=facility,
        first_name="ABDM scan and share",
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent share made it first
        return User.objects.get(username=f"abdm-bridge-{facility.pk}")
    return user


# ---- matching the person ---------------------------------------------------------------------------------


def _survivor(person: Person) -> Person:
    seen = 0
    while person.merged_into_id and seen < 10:
        person = person.merged_into
        seen += 1
    return person


def _person_by_identifier(patient: SharedPatient) -> Person | None:
    kinds = [(IdentifierType.ABHA_ADDRESS, patient.abha_address)]
    if patient.abha_number:
        kinds.insert(0, (IdentifierType.ABHA_NUMBER, patient.abha_number))
    for kind, value in kinds:
        held = PersonIdentifier.objects.filter(id_type=kind, value=value).select_related("person").first()
        if held is not None:
            return _survivor(held.person)
    return None


def _new_person_fields(patient: SharedPatient) -> NewPerson:
    return NewPerson(
        name_roman=patient.name,
        sex=patient.gender,
        date_of_birth=patient.date_of_birth(),
        year_of_birth=patient.year_of_birth,
        mobile=patient.mobile or None,
    )


def _person_by_demographics(actor: User, patient: SharedPatient) -> Person | None:
    """The best candidate of the duplicate search whom the ABHA matcher would link outright (score >= 85)."""
    profile = patient.as_abha_profile()
    best: tuple[int, Person] | None = None
    try:
        candidates = find_likely_duplicates(actor, _new_person_fields(patient))
    except DomainError:  # fields the patient index would refuse (e.g. a name without letters): no match
        return None
    for candidate in candidates:
        match = score_abha_profile_against_person(profile, candidate.person)
        if match.decision == "link" and (best is None or match.score > best[0]):
            best = (match.score, candidate.person)
    return best[1] if best else None


def _register_new_person(actor: User, patient: SharedPatient) -> Person | None:
    """A new patient-index entry with the shared fields; None when they do not make a valid record."""
    fields = _new_person_fields(patient)
    minor = age_on(fields, timezone.localdate()) < ADULT_AGE
    try:
        with transaction.atomic():
            return do_register_person(
                actor, fields, confirm_new=True, purpose=MINOR_PURPOSE if minor else PURPOSE
            )
    except DomainError as exc:
        logger.info("scan and share: the shared profile does not make a person record (%s)", exc.field)
        return None


def _match_person(actor: User, patient: SharedPatient) -> tuple[Person | None, str]:
    person = _person_by_identifier(patient)
    if person is not None:
        return person, "identifier"
    person = _person_by_demographics(actor, patient)
    if person is not None:
        return person, "demographics"
    person = _register_new_person(actor, patient)
    return person, ("created" if person else "none")


def _link_abha(actor: User, person: Person, patient: SharedPatient) -> str:
    """Link the ABHA ABDM vouched for; a conflict or an unsure match goes to the supervisor (abdm.linking)."""
    if not patient.abha_number:
        return "no_number"
    try:
        return do_link_abha(person, patient.as_abha_profile(), actor, PURPOSE).status
    except DomainError as exc:
        logger.info("scan and share: ABHA not linked (%s)", exc.code)
        return "error"


# ---- the token -------------------------------------------------------------------------------------------


def _locked_day(facility: Facility, date: datetime.date) -> ScanShareDay:
    try:
        with transaction.atomic():
            ScanShareDay.objects.get_or_create(facility=facility, date=date)
    except IntegrityError:  # created concurrently: fine, lock it below
        pass
    return ScanShareDay.objects.select_for_update().get(facility=facility, date=date)


@dataclass(frozen=True)
class ShareOutcome:
    token: ScanShareToken
    repeat: bool
    match: str
    link: str

    @property
    def expiry_seconds(self) -> int:
        return max(int((self.token.expires_at - timezone.now()).total_seconds()), 0)


def do_receive_profile_share(share: ProfileShare, facility: Facility) -> ShareOutcome:
    """Issue (or return) the patient's token for today at `facility`, matched to a person. One transaction."""
    actor = bridge_actor(facility)
    patient = share.patient
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        day = _locked_day(facility, today)  # serialises the shares of one facility-day
        token = ScanShareToken.objects.filter(
            facility=facility, date=today, abha_address=patient.abha_address
        ).first()
        repeat = token is not None
        if token is None:
            day.last_token += 1
            day.save(update_fields=["last_token"])
            counter = ScanShareCounter.objects.filter(
                facility=facility, code=share.context, is_active=True
            ).first()
            token = ScanShareToken.objects.create(
                facility=facility,
                date=today,
                token_number=day.last_token,
                hip_id=share.hip_id,
                context=share.context,
                counter=counter,
                abha_address=patient.abha_address,
                abha_number=patient.abha_number,
                name=patient.name,
                gender=patient.gender,
                year_of_birth=patient.year_of_birth,
                mobile=patient.mobile,
                request_id=share.request_id[:64],
                expires_at=now + datetime.timedelta(seconds=token_expiry_seconds()),
            )
        elif token.expires_at <= now and token.status == ScanShareStatus.WAITING:
            # Same day, same number (one token per ABHA and day); the offer is renewed.
            token.expires_at = now + datetime.timedelta(seconds=token_expiry_seconds())
            token.save(update_fields=["expires_at"])
        match, link = "known", "unchanged"
        if token.person_id is None:
            person, match = _match_person(actor, patient)
            if person is not None:
                link = _link_abha(actor, person, patient)
                token.person = person
                token.save(update_fields=["person"])
        _audit_share(actor, token, share, repeat=repeat, match=match, link=link)
        if not repeat:
            queue_sms(
                SMS_TEMPLATE,
                mobile=token.mobile or (token.person.mobile if token.person else None),
                variables={"token": token.token_number, "date": today.strftime("%d-%m-%Y")},
            )
    return ShareOutcome(token, repeat, match, link)


def _audit_share(
    actor: User, token: ScanShareToken, share: ProfileShare, *, repeat: bool, match: str, link: str
) -> None:
    common = {
        "object_type": "registration.ScanShareToken",
        "object_id": token.pk,
        "actor": actor,
        "purpose": PURPOSE,
    }
    record(
        AuditAction.SCAN_SHARE_RECEIVE,
        **common,
        facility_id=token.facility_id,
        detail={"counter": share.context[:20], "repeat": repeat, "match": match, "abha_link": link},
    )
    if not repeat:
        record(
            AuditAction.SCAN_SHARE_TOKEN,
            **common,
            facility_id=token.facility_id,
            detail={"number": token.token_number, "person": token.person_id},
        )


# ---- answering the gateway -------------------------------------------------------------------------------


def answer_share(share: ProfileShare, outcome: ShareOutcome, client: AbdmClient | None = None) -> None:
    """POST on-share with the token; `response.requestId` is the share's REQUEST-ID."""
    (client or AbdmClient()).on_share(
        inbound_request_id=share.request_id,
        abha_address=share.patient.abha_address,
        context=share.context,
        token_number=str(outcome.token.token_number),
        expiry_seconds=outcome.expiry_seconds,
        hip_id=share.hip_id,
    )


def answer_failure(share: ProfileShare, code: str, message: str, client: AbdmClient | None = None) -> None:
    (client or AbdmClient()).on_share(
        inbound_request_id=share.request_id,
        abha_address=share.patient.abha_address,
        context=share.context,
        token_number="",
        hip_id=share.hip_id,
        error=(code, message),
    )


def process_profile_share(share: ProfileShare, facility: Facility) -> ShareOutcome | None:
    """The work after the 202: token, person, SMS, then on-share. Never raises (runs after the response)."""
    try:
        outcome = do_receive_profile_share(share, facility)
    except Exception:  # noqa: BLE001 - the patient must still get an answer on their phone
        logger.exception("scan and share: could not issue a token")
        try:
            answer_failure(
                share, "ABDM-9999", _t("The facility could not issue a token. Please go to the counter.")
            )
        except AbdmError:
            logger.warning("scan and share: on-share (failure) not delivered")
        return None
    try:
        answer_share(share, outcome)
    except AbdmError as exc:
        logger.warning("scan and share: on-share not delivered (%s); the token stands", exc.code)
    return outcome


# ---- the clerk's side ------------------------------------------------------------------------------------


def require_facility_staff(user: Any, facility: Facility, roles: tuple[str, ...] = CLERK_ROLES) -> None:
    """Clerks and admins of the facility itself (the state administrator may see every counter page)."""
    require_role(user, *roles)
    if not may_act_at(user, facility):
        from himswasthya.core.errors import Forbidden

        raise Forbidden(_("This is another facility's page."))


def todays_tokens(user: Any, *, since_id: int = 0) -> QuerySet[ScanShareToken]:
    """Today's tokens of the clerk's facility, newest first."""
    require_role(user, *CLERK_ROLES)
    tokens = scope_queryset(user, ScanShareToken.objects.all()).filter(
        facility_id=user.facility_id, date=timezone.localdate()
    )
    if since_id:
        tokens = tokens.filter(pk__gt=since_id)
    return tokens.select_related("person", "counter__department").order_by("-created_at", "-pk")


def token_for(user: Any, token_id: int) -> ScanShareToken:
    token = todays_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No scan-and-share token with this id today at your facility."), field="token")
    return token


def do_register_token(*, actor: Any, token_id: int, department_id: int, fee_exemption: str = "") -> Any:
    """Register the token's patient into a department as a scan-and-share walk-in (the booking engine)."""
    from himswasthya.registration import services as booking  # the booking engine, imported when used
    from himswasthya.registration.models import Channel, FeeExemption

    token = token_for(actor, token_id)
    if token.person_id is None:
        raise DomainError(
            _("This patient is not yet in the patient index: register them at the counter first."),
            field="token",
        )
    if token.status == ScanShareStatus.REGISTERED:
        raise DomainError(_("This token is already registered."), field="token")
    department = token.facility.departments.filter(pk=department_id).first()
    if department is None:
        raise DomainError(_("Choose a department of this facility."), field="department")
    with transaction.atomic():
        appointment = booking.do_register_walk_in(
            actor=actor,
            person=token.person,
            facility=token.facility,
            department=department,
            fee_exemption=fee_exemption or FeeExemption.NONE,
            channel=Channel.SCAN_SHARE,
        )
        ScanShareToken.objects.filter(pk=token.pk).update(
            status=ScanShareStatus.REGISTERED, appointment=appointment, registered_by=actor
        )
        record(
            AuditAction.SCAN_SHARE_REGISTER,
            object_type="registration.ScanShareToken",
            object_id=token.pk,
            actor=actor,
            purpose=PURPOSE,
            detail={"appointment": appointment.pk, "department": department.pk},
        )
    return appointment


def token_as_dict(token: ScanShareToken, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    person = token.person
    year = person.year_of_birth if person else token.year_of_birth
    sex = person.sex if person else token.gender
    return {
        "id": token.pk,
        "token_number": token.token_number,
        "name": person.name_roman if person else token.name,
        "name_deva": person.name_deva if person else "",
        "age": (person.age() if person else (today.year - year if year else None)),
        "sex": sex,
        "sex_label": str(Sex(sex).label) if sex in Sex.values else sex,
        "abha_address": token.abha_address,
        "person_id": token.person_id,
        "status": token.status,
        "status_label": str(token.get_status_display()),
        "counter": token.context,
        "department_id": token.counter.department_id if token.counter else None,
        "created_at": timezone.localtime(token.created_at).strftime("%H:%M:%S"),
        "expired": token.expires_at <= timezone.now(),
    }
