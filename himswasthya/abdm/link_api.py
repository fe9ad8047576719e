"""/api/abdm/link/...: link a verified ABHA to a person, unlink, supervisor review; citizens for their family.

Schemas in, abdm.linking call, schemas out. Staff are scoped by accounts.scoping, citizens to their own Him
Parivar family; every read and change is audited by the service.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import Field

from himswasthya.abdm import linking
from himswasthya.abdm.matching import MatchResult
from himswasthya.abdm.schemas import AbhaOtpConfirmIn, AbhaOtpRequestOut
from himswasthya.abdm.services import mask_abha_number
from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import RoleAuth, family_context, require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.api import TOKEN_PATTERN, errors
from himswasthya.core.errors import DomainError
from himswasthya.core.validators import mask_mobile
from himswasthya.people.models import Person

router = Router(tags=["abdm-link"], auth=RoleAuth(*linking.LINK_ROLES))


class ConsentTextOut(Schema):
    version: str
    text: str


class MatchFieldOut(Schema):
    field: str
    weight: int
    points: float
    outcome: str
    code: str
    veto: bool
    reason: str


class MatchOut(Schema):
    score: int
    decision: str
    fields: list[MatchFieldOut]


class LinkPersonOut(Schema):
    id: int
    name_roman: str
    name_deva: str
    sex: str
    year_of_birth: int
    mobile_masked: str
    has_abha: bool
    abha_number: str  # XX-XXXX-XXXX-XXXX for staff; masked for citizens
    abha_addresses: list[str]


class FamilyMemberOut(LinkPersonOut):
    family_id: str
    may_link: bool


class LinkOtpRequestIn(Schema):
    abha_number: str = Field("", max_length=20)
    abha_address: str = Field("", max_length=80)
    otp_system: Literal["abdm", "aadhaar"] = "abdm"
    consent: bool = False
    consent_text_version: str = Field("", max_length=40)
    purpose: Literal["registration", "opd"] = "registration"


class LinkVerifiedOut(Schema):
    verification_id: str
    abha_number_masked: str
    abha_address: str
    name: str
    gender: str
    year_of_birth: int | None
    match: MatchOut


class LinkVerificationIn(Schema):
    verification_id: str = Field(pattern=TOKEN_PATTERN, max_length=64)


class LinkOutcomeOut(Schema):
    status: str
    message: str
    score: int | None
    reasons: list[str]
    request_id: int | None


class UnlinkIn(Schema):
    reason: str = Field(max_length=300)


class UnlinkOut(Schema):
    removed: int


class ReviewNoteIn(Schema):
    note: str = Field("", max_length=300)


class ReviewOut(Schema):
    id: int
    person_id: int
    person_name: str
    abha_number_masked: str
    profile_name: str
    profile_gender: str
    profile_year_of_birth: int | None
    score: int
    reason: str
    conflict_code: str
    status: str
    requested_by: str


def _match(match: MatchResult) -> dict[str, Any]:
    return {
        "score": match.score,
        "decision": match.decision,
        "fields": [{**f.as_dict(), "reason": f.reason} for f in match.fields],
    }


def _person(user: Any, person: Person) -> dict[str, Any]:
    abha = linking.abha_of(person)
    citizen = user.role == Role.CITIZEN
    return {
        "id": person.pk,
        "name_roman": person.name_roman,
        "name_deva": person.name_deva,
        "sex": person.sex,
        "year_of_birth": person.year_of_birth,
        "mobile_masked": mask_mobile(person.mobile or ""),
        "has_abha": bool(abha["number"]),
        "abha_number": abha["number_masked"] if citizen else abha["number"],
        "abha_addresses": abha["addresses"],
    }


def _review(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "person_id": r.person_id,
        "person_name": r.person.name_roman,
        "abha_number_masked": mask_abha_number(r.abha_number),
        "profile_name": r.profile_name,
        "profile_gender": r.profile_gender,
        "profile_year_of_birth": r.profile_year_of_birth,
        "score": r.score,
        "reason": r.reason,
        "conflict_code": r.conflict_code,
        "status": r.status,
        "requested_by": r.requested_by.display_name,
    }


@router.get("/consent-text", response={200: ConsentTextOut})
def consent_text(request: HttpRequest):
    """SEC-10: show this text and send `consent: true` with its version when asking for the OTP."""
    return {"version": linking.CONSENT_TEXT_VERSION, "text": linking.consent_text()}


@router.get("/mine", response={200: list[FamilyMemberOut]}, auth=RoleAuth(Role.CITIZEN))
def my_family_members(request: HttpRequest):
    """The citizen's own Him Parivar family (or families), with whether each member has an ABHA."""
    context = family_context(linking.citizen_family_persons(request.user).values_list("pk", flat=True))
    people = [(pk, c.family_id, c.district_id) for pk, c in context.items()]
    with transaction.atomic():
        for family_id, district_id in sorted({(f, d) for _pk, f, d in people}):
            record(
                AuditAction.FAMILY_READ,
                object_type="himparivar.Family",
                object_id=family_id,
                purpose=linking.CITIZEN_PURPOSE,
                actor=request.user,
                district_id=district_id,
                detail={"page": "api_my_family"},
            )
    families = {pk: family_id for pk, family_id, _district in people}
    out = []
    for person in Person.objects.filter(pk__in=families).order_by("pk"):
        try:
            linking.ensure_citizen_may_act_for(request.user, person)
            may_link = True
        except DomainError:
            may_link = False
        out.append({**_person(request.user, person), "family_id": families[person.pk], "may_link": may_link})
    return out


@router.get("/person/{person_id}", response={200: LinkPersonOut})
def person_detail(request: HttpRequest, person_id: int):
    return _person(request.user, linking.do_read_person_for_linking(request.user, person_id))


@router.post(
    "/person/{person_id}/otp/request", response={200: AbhaOtpRequestOut, **errors(409, 429, 502, 503, 504)}
)
def otp_request(request: HttpRequest, person_id: int, payload: LinkOtpRequestIn):
    person = linking.person_for_linking(request.user, person_id)
    if payload.consent and payload.consent_text_version != linking.CONSENT_TEXT_VERSION:
        raise DomainError(
            _("The consent text has changed: show the current text again."),
            field="consent_text_version",
            code="consent_outdated",
        )
    started = linking.do_start_abha_verification(
        request.user,
        person,
        abha_number=payload.abha_number,
        abha_address=payload.abha_address,
        otp_system=payload.otp_system,
        consent_given=payload.consent,
        purpose=payload.purpose,
    )
    return {"txn_id": started.txn_id, "message": started.message}


class LinkResendIn(Schema):
    txn_id: str = Field(pattern=TOKEN_PATTERN, max_length=64)


@router.post(
    "/person/{person_id}/otp/resend", response={200: AbhaOtpRequestOut, **errors(409, 429, 502, 503, 504)}
)
def otp_resend(request: HttpRequest, person_id: int, payload: LinkResendIn):
    """SEC-10 / CRT_ABHA_106: a new OTP, at the earliest 60 s after the last; its txn_id replaces the old."""
    person = linking.person_for_linking(request.user, person_id)
    started = linking.do_resend_abha_otp(request.user, person, payload.txn_id)
    return {"txn_id": started.txn_id, "message": started.message}


@router.post(
    "/person/{person_id}/otp/confirm", response={200: LinkVerifiedOut, **errors(409, 429, 502, 503, 504)}
)
def otp_confirm(request: HttpRequest, person_id: int, payload: AbhaOtpConfirmIn):
    person = linking.person_for_linking(request.user, person_id)
    verified = linking.do_confirm_abha_verification(request.user, person, payload.txn_id, payload.otp)
    p = verified.profile
    return {
        "verification_id": verified.verification_id,
        "abha_number_masked": mask_abha_number(p.abha_number),
        "abha_address": p.abha_address,
        "name": p.name,
        "gender": p.gender,
        "year_of_birth": p.year_of_birth,
        "match": _match(verified.match),
    }


@router.post("/person/{person_id}/score", response={200: MatchOut, **errors(409)})
def score_preview(request: HttpRequest, person_id: int, payload: LinkVerificationIn):
    """The match score of a verified ABHA against the person, without linking."""
    person = linking.person_for_linking(request.user, person_id)
    profile, _held = linking.verified_abha(request.user, person, payload.verification_id)
    return _match(linking.score_abha_profile_against_person(profile, person))


@router.post("/person/{person_id}/confirm", response={200: LinkOutcomeOut, **errors(409)})
def confirm(request: HttpRequest, person_id: int, payload: LinkVerificationIn):
    outcome = linking.do_link_verified(request.user, person_id, payload.verification_id)
    return {
        "status": outcome.status,
        "message": outcome.message,
        "score": outcome.match.score if outcome.match else None,
        "reasons": outcome.reasons,
        "request_id": outcome.request.pk if outcome.request else None,
    }


@router.post(
    "/person/{person_id}/unlink",
    response={200: UnlinkOut, **errors(409)},
    auth=RoleAuth(*linking.SUPERVISOR_ROLES),
)
def unlink(request: HttpRequest, person_id: int, payload: UnlinkIn):
    require_role(request.user, *linking.SUPERVISOR_ROLES)
    person = linking.person_for_linking(request.user, person_id)
    return {"removed": linking.do_unlink_abha(person, request.user, payload.reason)}


@router.get("/reviews", response={200: list[ReviewOut]}, auth=RoleAuth(*linking.SUPERVISOR_ROLES))
def reviews(request: HttpRequest):
    return [_review(r) for r in linking.review_queue(request.user)]


@router.post(
    "/reviews/{request_id}/approve",
    response={200: ReviewOut, **errors(409)},
    auth=RoleAuth(*linking.SUPERVISOR_ROLES),
)
def approve(request: HttpRequest, request_id: int, payload: ReviewNoteIn):
    return _review(linking.do_approve_link_request(request_id, request.user, payload.note))


@router.post(
    "/reviews/{request_id}/reject",
    response={200: ReviewOut, **errors(409)},
    auth=RoleAuth(*linking.SUPERVISOR_ROLES),
)
def reject(request: HttpRequest, request_id: int, payload: ReviewNoteIn):
    return _review(linking.do_reject_link_request(request_id, request.user, payload.note))
