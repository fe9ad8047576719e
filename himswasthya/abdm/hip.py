"""The ABDM HIP role (abdm-api.md sections 4, 5; issue #13 item 7): care contexts linked to ABHAs, discovery
and linking by the patient, consent artefacts, and encrypted health-information transfer.

The data comes from the app above through `abdm.hooks` (records fills it): `care_contexts_for(person)` and
`documents_for(...)`. ABDM's calls arrive on the bridge (`bridge.py`: JWT checked, 202 at once) and are
worked here after the response; every answer is an `on-*` call through `AbdmClient` with a new REQUEST-ID
and `response.requestId` = the inbound one. No HTTP call is made inside a database transaction.

HIP-initiated linking runs in the worker (`manage.py link_care_contexts --every 60`), not when a doctor signs:
signing never waits for ABDM or fails because it is down; one link token serves all of a person's pending
care contexts (ABDM allows only ABDM_LINK_TOKEN_MAX_PER_DAY token requests per person in 24 h); failures are
retried on the next run; and an ABHA linked after the visit gets its old visits linked too. It is idempotent:
a care context is one row per (HIP id, reference).
"""

from __future__ import annotations

import base64
import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from himswasthya.abdm import fidelius
from himswasthya.abdm.client import AbdmClient, abdm_timestamp
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.fidelius import FideliusError, KeyMaterial
from himswasthya.abdm.hip_ids import facility_for_hip, hip_ids_of
from himswasthya.abdm.hooks import CareContextInfo, hooks
from himswasthya.abdm.matching import score_abha_profile_against_person
from himswasthya.abdm.models import (
    CareContextChannel,
    CareContextLink,
    HealthInformationTransfer,
    HipConsent,
    LinkingTransaction,
    LinkTokenRequest,
)
from himswasthya.accounts.services import generate_otp, hash_otp
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.validators import normalise_mobile
from himswasthya.facilities.models import Facility
from himswasthya.notify.outbox import queue_sms
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier

logger = logging.getLogger("himswasthya.abdm.hip")

PURPOSE = "health_information_exchange"
PATIENT_REFERENCE_PREFIX = "PAT-"
OTP_SMS_TEMPLATE = "abdm_link_otp"
TOKEN_ANSWER_WAIT = datetime.timedelta(minutes=10)  # an unanswered generate-token is not repeated sooner
NOT_FOUND = "ABDM-1010"
BAD_REQUEST = "ABDM-1006"
BAD_HIP = "ABDM-1035"
ALREADY_LINKED = "ABDM-1056"


@dataclass(frozen=True)
class Inbound:
    """A checked bridge call: its REQUEST-ID, our HIP id and facility, the JSON body."""

    request_id: str
    hip_id: str
    facility: Facility | None
    body: dict[str, Any]


@dataclass
class Answer:
    """What to send back: the endpoint and body (posted after the transaction, outside it)."""

    endpoint: str
    body: dict[str, Any]
    hip_id: str
    then: list[Any] = field(default_factory=list)  # callables to run after the answer was sent


def _response(inbound: Inbound) -> dict[str, str]:
    return {"requestId": inbound.request_id}


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def parse_time(value: Any) -> datetime.datetime | None:
    """ABDM's ISO times ("2025-01-31T10:15:30.000Z", with or without zone; naive = UTC)."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _audit(
    action: AuditAction, *, object_type: str, object_id: Any, facility_id: int | None, **detail: Any
) -> None:
    record(
        action,
        object_type=object_type,
        object_id=object_id,
        purpose=PURPOSE,
        actor=None,
        actor_role="abdm_gateway",
        facility_id=facility_id,
        detail=detail or None,
    )


# ---- the person's ABHA and references ----------


def patient_reference(person: Person | int) -> str:
    return f"{PATIENT_REFERENCE_PREFIX}{person if isinstance(person, int) else person.pk}"


def person_id_of_reference(reference: str) -> int | None:
    if not reference.startswith(PATIENT_REFERENCE_PREFIX):
        return None
    try:
        return int(reference[len(PATIENT_REFERENCE_PREFIX) :])
    except ValueError:
        return None


def abha_of(person: Person) -> tuple[str, str]:
    """(ABHA number, ABHA address) linked to the person ("" when none)."""
    rows = PersonIdentifier.objects.filter(
        person=person, id_type__in=[IdentifierType.ABHA_NUMBER, IdentifierType.ABHA_ADDRESS]
    ).order_by("id_type", "value")
    number = next((r.value for r in rows if r.id_type == IdentifierType.ABHA_NUMBER), "")
    address = next((r.value for r in rows if r.id_type == IdentifierType.ABHA_ADDRESS), "")
    return number, address


def _grouped(contexts: Iterable[tuple[str, str, str]], person: Person) -> list[dict[str, Any]]:
    """The `patient[]` of section 4: one entry per hiType, count = len(careContexts) (else ABDM-1037)."""
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for reference, hi_type, display in contexts:
        by_type[hi_type].append({"referenceNumber": reference, "display": display})
    return [
        {
            "referenceNumber": patient_reference(person),
            "display": person.name_roman,
            "hiType": hi_type,
            "count": len(items),
            "careContexts": items,
        }
        for hi_type, items in sorted(by_type.items())
    ]


# ---- HIP-initiated linking (section 4) -------------------------------------------------------------------


def sync_care_contexts(person: Person) -> int:
    """Add a PENDING row for each of the person's care contexts not yet known; returns how many were added."""
    number, address = abha_of(person)
    if not address:
        return 0
    contexts = hooks.care_contexts_for(person)
    hip_ids = hip_ids_of({c.facility_id for c in contexts})
    added = 0
    for context in contexts:
        hip_id = hip_ids.get(context.facility_id)
        if not hip_id:
            continue
        _row, created = CareContextLink.objects.get_or_create(
            hip_id=hip_id,
            reference=context.reference,
            defaults={
                "person": person,
                "abha_address": address,
                "patient_reference": patient_reference(person),
                "hi_type": context.hi_type,
                "display": context.display[:120],
                "channel": CareContextChannel.HIP,
            },
        )
        added += created
    return added


def link_token_for(hip_id: str, abha_address: str) -> str:
    row = (
        LinkTokenRequest.objects.filter(
            hip_id=hip_id, abha_address=abha_address, expires_at__gt=timezone.now()
        )
        .exclude(link_token="")
        .order_by("-expires_at")
        .first()
    )
    return row.link_token if row else ""


def token_requests_today(hip_id: str, abha_address: str) -> int:
    since = timezone.now() - datetime.timedelta(hours=24)
    return LinkTokenRequest.objects.filter(
        hip_id=hip_id, abha_address=abha_address, requested_at__gt=since
    ).count()


def _awaiting_token(hip_id: str, abha_address: str) -> bool:
    return LinkTokenRequest.objects.filter(
        hip_id=hip_id,
        abha_address=abha_address,
        answered_at__isnull=True,
        requested_at__gt=timezone.now() - TOKEN_ANSWER_WAIT,
    ).exists()


def _to_link(person_ids: Iterable[int] | None = None) -> dict[tuple[int, str], list[CareContextLink]]:
    """Rows waiting to be linked (PENDING, or FAILED other than "already linked"), by (person, HIP)."""
    rows = CareContextLink.objects.filter(
        Q(status=CareContextLink.Status.PENDING) | Q(status=CareContextLink.Status.FAILED)
    ).select_related("person")
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    groups: dict[tuple[int, str], list[CareContextLink]] = defaultdict(list)
    for row in rows:
        groups[(row.person_id, row.hip_id)].append(row)
    return groups


def link_pending(person_ids: Iterable[int] | None = None, client: AbdmClient | None = None) -> dict[str, int]:
    """Send what is waiting: link/carecontext where a link token is held, else generate-token (within the
    daily limit). Returns counts: linking, token_requested, rate_limited, waiting, failed."""
    client = client or AbdmClient()
    counts = {"linking": 0, "token_requested": 0, "rate_limited": 0, "waiting": 0, "failed": 0}
    for (_person_id, hip_id), rows in _to_link(person_ids).items():
        person = rows[0].person
        address = rows[0].abha_address
        token = link_token_for(hip_id, address)
        try:
            if token:
                _send_link(client, hip_id, person, token, rows)
                counts["linking"] += len(rows)
            elif _awaiting_token(hip_id, address):
                counts["waiting"] += len(rows)
            elif token_requests_today(hip_id, address) >= settings.ABDM_LINK_TOKEN_MAX_PER_DAY:
                counts["rate_limited"] += len(rows)
            else:
                _request_token(client, hip_id, person, address)
                counts["token_requested"] += 1
        except AbdmError as exc:
            logger.warning("care context linking for a person failed at ABDM (%s)", exc.code)
            counts["failed"] += len(rows)
    return counts


def _request_token(client: AbdmClient, hip_id: str, person: Person, address: str) -> None:
    number, _address = abha_of(person)
    body = {
        "abhaNumber": number,
        "abhaAddress": address,
        "name": person.name_roman,
        "gender": person.sex,
        "yearOfBirth": person.year_of_birth,
    }
    request_id = client.gateway_post("generate_token", body, hip_id=hip_id)
    LinkTokenRequest.objects.create(hip_id=hip_id, abha_address=address, request_id=request_id)


def _send_link(
    client: AbdmClient, hip_id: str, person: Person, token: str, rows: list[CareContextLink]
) -> None:
    number, _address = abha_of(person)
    body = {
        "abhaNumber": number,
        "abhaAddress": rows[0].abha_address,
        "patient": _grouped(((r.reference, r.hi_type, r.display) for r in rows), person),
    }
    request_id = client.gateway_post("link_care_context", body, hip_id=hip_id, extra={"X-LINK-TOKEN": token})
    with transaction.atomic():
        CareContextLink.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=CareContextLink.Status.REQUESTED, request_id=request_id, error_code=""
        )
        facility = facility_for_hip(hip_id)
        _audit(
            AuditAction.HIP_CARE_CONTEXT_LINK,
            object_type="people.Person",
            object_id=person.pk,
            facility_id=facility.pk if facility else None,
            care_contexts=len(rows),
        )


def on_generate_token(inbound: Inbound) -> list[int]:
    """Keep the link token (or the error) of our generate-token request; returns the person ids to link."""
    request_id = str((inbound.body.get("response") or {}).get("requestId") or "")
    row = LinkTokenRequest.objects.filter(request_id=request_id).first()
    if row is None:
        logger.warning("on-generate-token for an unknown request")
        return []
    error = inbound.body.get("error") or {}
    row.answered_at = timezone.now()
    if error or not inbound.body.get("linkToken"):
        row.error_code = str(error.get("code") or BAD_REQUEST)[:40]
        row.save(update_fields=["answered_at", "error_code"])
        return []
    row.link_token = str(inbound.body["linkToken"])
    row.expires_at = timezone.now() + datetime.timedelta(days=settings.ABDM_LINK_TOKEN_TTL_DAYS)
    row.save(update_fields=["answered_at", "link_token", "expires_at"])
    return list(
        CareContextLink.objects.filter(hip_id=row.hip_id, abha_address=row.abha_address)
        .values_list("person_id", flat=True)
        .distinct()
    )


def on_carecontext(inbound: Inbound) -> int:
    """Mark the care contexts of our link/carecontext linked (or failed, with ABDM's code)."""
    request_id = str((inbound.body.get("response") or {}).get("requestId") or "")
    rows = CareContextLink.objects.filter(request_id=request_id, status=CareContextLink.Status.REQUESTED)
    error = inbound.body.get("error") or {}
    code = str(error.get("code") or "")
    if not error or code == ALREADY_LINKED:
        return rows.update(status=CareContextLink.Status.LINKED, linked_at=timezone.now(), error_code=code)
    if code == "ABDM-1026":  # the link token is no longer good: forget it, a new one is asked for
        LinkTokenRequest.objects.filter(
            abha_address__in=rows.values_list("abha_address", flat=True),
            hip_id__in=rows.values_list("hip_id"),
        ).update(expires_at=timezone.now())
    return rows.update(status=CareContextLink.Status.FAILED, error_code=code[:40] or BAD_REQUEST)


def link_all(client: AbdmClient | None = None, person_ids: Iterable[int] | None = None) -> dict[str, int]:
    """The worker's run: care contexts of every person with an ABHA address, then `link_pending`."""
    ids = PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_ADDRESS)
    if person_ids is not None:
        ids = ids.filter(person_id__in=list(person_ids))
    added = 0
    for person in Person.objects.filter(pk__in=ids.values("person_id"), merged_into__isnull=True).iterator():
        with transaction.atomic():
            added += sync_care_contexts(person)
    counts = link_pending(person_ids, client)
    return {"added": added, **counts}


# ---- user-initiated linking: discover, init, confirm (section 4) -----------------------------------------


@dataclass(frozen=True)
class _Demographics:
    """What a discovery says about the patient, shaped for matching.score_abha_profile_against_person."""

    name: str
    gender: str
    year_of_birth: int | None
    mobile: str
    month_of_birth: None = None
    day_of_birth: None = None
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""


def _identifiers(patient: dict[str, Any]) -> dict[str, str]:
    found = {}
    for item in patient.get("verifiedIdentifiers") or []:
        if isinstance(item, dict) and item.get("type") and item.get("value"):
            found[str(item["type"]).upper()] = str(item["value"]).strip()
    return found


def _candidates(patient: dict[str, Any]) -> tuple[list[Person], list[str]]:
    """People a verified identifier points at, and which identifiers did."""
    ids = _identifiers(patient)
    address = str(patient.get("id") or ids.get("ABHAADDRESS") or "").strip().lower()
    found: dict[int, Person] = {}
    matched_by: list[str] = []
    lookups = [(IdentifierType.ABHA_ADDRESS, address, "ABHA_ADDRESS")]
    if number := ids.get("ABHA_NUMBER", "").replace("-", ""):
        lookups.append((IdentifierType.ABHA_NUMBER, number, "ABHA_NUMBER"))
    for id_type, value, label in lookups:
        if not value:
            continue
        for row in PersonIdentifier.objects.filter(id_type=id_type, value=value).select_related("person"):
            if row.person.merged_into_id is None:
                found[row.person_id] = row.person
                matched_by.append(label)
    if mobile := ids.get("MOBILE"):
        try:
            mobile = normalise_mobile(mobile)
        except Exception:  # noqa: BLE001 - a malformed mobile simply matches nobody
            mobile = ""
        if mobile:
            people = list(Person.objects.filter(mobile=mobile, merged_into__isnull=True)[:20])
            if people:
                matched_by.append("MOBILE")
            for person in people:
                found.setdefault(person.pk, person)
    return list(found.values()), sorted(set(matched_by))


def match_patient(patient: dict[str, Any]) -> tuple[Person | None, list[str]]:
    """0 or 1 person: a verified identifier, then the ABHA matcher (fuzzy name, sex, year of birth +-2)."""
    people, matched_by = _candidates(patient)
    try:
        year = int(patient.get("yearOfBirth"))
    except (TypeError, ValueError):
        year = None
    demographics = _Demographics(
        name=str(patient.get("name") or ""),
        gender=str(patient.get("gender") or ""),
        year_of_birth=year,
        mobile=_identifiers(patient).get("MOBILE", ""),
    )
    accepted = []
    for person in people:
        result = score_abha_profile_against_person(demographics, person)
        known = {f.field for f in result.fields if f.outcome != "unknown"}
        if result.decision != "refuse" and {"name", "sex", "year_of_birth"} <= known:
            accepted.append(person)
    if len(accepted) != 1:
        return None, []
    return accepted[0], matched_by


def discover(inbound: Inbound) -> Answer:
    body = inbound.body
    transaction_id = str(body.get("transactionId") or "")
    patient = body.get("patient") if isinstance(body.get("patient"), dict) else {}
    answer: dict[str, Any] = {"transactionId": transaction_id, "response": _response(inbound)}
    person, matched_by = match_patient(patient) if transaction_id else (None, [])
    contexts: list[CareContextInfo] = []
    if person is not None and inbound.facility is not None:
        linked = set(
            CareContextLink.objects.filter(
                hip_id=inbound.hip_id, status=CareContextLink.Status.LINKED
            ).values_list("reference", flat=True)
        )
        contexts = [
            c
            for c in hooks.care_contexts_for(person)
            if c.facility_id == inbound.facility.pk and c.reference not in linked
        ]
    if person is None or not contexts:
        answer["error"] = _error(NOT_FOUND, "No matching patient or care contexts found")
        return Answer("on_discover", answer, inbound.hip_id)
    with transaction.atomic():
        LinkingTransaction.objects.update_or_create(
            transaction_id=transaction_id,
            defaults={
                "hip_id": inbound.hip_id,
                "person": person,
                "abha_address": str(patient.get("id") or "")[:64],
                "offered": [[c.reference, c.hi_type, c.display] for c in contexts],
                "status": LinkingTransaction.Status.DISCOVERED,
            },
        )
        _audit(
            AuditAction.HIP_DISCOVER,
            object_type="people.Person",
            object_id=person.pk,
            facility_id=inbound.facility.pk if inbound.facility else None,
            care_contexts=len(contexts),
            matched_by=matched_by,
        )
    answer["patient"] = _grouped(((c.reference, c.hi_type, c.display) for c in contexts), person)
    answer["matchedBy"] = matched_by
    return Answer("on_discover", answer, inbound.hip_id)


def link_init(inbound: Inbound) -> Answer:
    body = inbound.body
    transaction_id = str(body.get("transactionId") or "")
    answer: dict[str, Any] = {"transactionId": transaction_id, "response": _response(inbound)}
    chosen = [
        str(context.get("referenceNumber"))
        for entry in body.get("patient") or []
        if isinstance(entry, dict)
        for context in entry.get("careContexts") or []
        if isinstance(context, dict)
    ]
    with transaction.atomic():
        txn = (
            LinkingTransaction.objects.select_for_update()
            .select_related("person")
            .filter(transaction_id=transaction_id, hip_id=inbound.hip_id)
            .first()
        )
        offered = {item[0] for item in (txn.offered if txn else [])}
        if txn is None or not chosen or not set(chosen) <= offered:
            answer["error"] = _error(NOT_FOUND, "Unknown transaction or care contexts")
            return Answer("on_init", answer, inbound.hip_id)
        if not txn.person.mobile:
            answer["error"] = _error(NOT_FOUND, "The facility holds no mobile number to send the OTP to")
            return Answer("on_init", answer, inbound.hip_id)
        code = generate_otp()
        txn.link_reference = str(uuid.uuid4())
        txn.chosen = chosen
        txn.otp_hash = hash_otp(txn.link_reference, code)
        txn.otp_expires_at = timezone.now() + datetime.timedelta(seconds=settings.ABDM_LINK_OTP_TTL_SECONDS)
        txn.failed_attempts = 0
        txn.status = LinkingTransaction.Status.OTP_SENT
        txn.save()
        queue_sms(
            OTP_SMS_TEMPLATE,
            mobile=txn.person.mobile,
            variables={"otp": code, "minutes": settings.ABDM_LINK_OTP_TTL_SECONDS // 60},
            subject=txn,
        )
    answer["link"] = {
        "referenceNumber": txn.link_reference,
        "authenticationType": "DIRECT",
        "meta": {
            "communicationMedium": "MOBILE",
            "communicationHint": "OTP",
            "communicationExpiry": abdm_timestamp(txn.otp_expires_at),
        },
    }
    return Answer("on_init", answer, inbound.hip_id)


def link_confirm(inbound: Inbound) -> Answer:
    confirmation = inbound.body.get("confirmation") or {}
    reference = str(confirmation.get("linkRefNumber") or "")
    token = str(confirmation.get("token") or "")
    answer: dict[str, Any] = {"response": _response(inbound)}
    with transaction.atomic():
        txn = (
            LinkingTransaction.objects.select_for_update()
            .select_related("person")
            .filter(
                link_reference=reference, hip_id=inbound.hip_id, status=LinkingTransaction.Status.OTP_SENT
            )
            .first()
            if reference
            else None
        )
        if (
            txn is None
            or txn.failed_attempts >= settings.ABDM_LINK_OTP_MAX_ATTEMPTS
            or txn.otp_expires_at is None
            or txn.otp_expires_at < timezone.now()
        ):
            answer["error"] = _error(NOT_FOUND, "The link request is unknown or has expired")
            return Answer("on_confirm", answer, inbound.hip_id)
        if hash_otp(txn.link_reference, token) != txn.otp_hash:
            txn.failed_attempts += 1
            txn.save(update_fields=["failed_attempts"])
            answer["error"] = _error(NOT_FOUND, "The OTP is wrong")
            return Answer("on_confirm", answer, inbound.hip_id)
        offered = {item[0]: item for item in txn.offered}
        now = timezone.now()
        linked = []
        for ref in txn.chosen:
            _ref, hi_type, display = offered[ref]
            CareContextLink.objects.update_or_create(
                hip_id=txn.hip_id,
                reference=ref,
                defaults={
                    "person": txn.person,
                    "abha_address": txn.abha_address,
                    "patient_reference": patient_reference(txn.person),
                    "hi_type": hi_type,
                    "display": display,
                    "channel": CareContextChannel.USER,
                    "status": CareContextLink.Status.LINKED,
                    "linked_at": now,
                    "error_code": "",
                },
            )
            linked.append((ref, hi_type, display))
        txn.status, txn.otp_hash = LinkingTransaction.Status.LINKED, ""
        txn.save(update_fields=["status", "otp_hash"])
        _audit(
            AuditAction.HIP_LINK_CONFIRM,
            object_type="people.Person",
            object_id=txn.person_id,
            facility_id=inbound.facility.pk if inbound.facility else None,
            care_contexts=len(linked),
        )
    answer["patient"] = _grouped(linked, txn.person)
    return Answer("on_confirm", answer, inbound.hip_id)


# ---- consent artefacts (section 5 a) ----------


def consent_notify(inbound: Inbound) -> Answer:
    notification = inbound.body.get("notification") or {}
    consent_id = str(notification.get("consentId") or "")[:64]
    status = str(notification.get("status") or "").upper()
    detail = notification.get("consentDetail") or {}
    if not consent_id or status not in HipConsent.Status.values:
        body = {
            "error": _error(BAD_REQUEST, "consentId and a known status are required"),
            "response": _response(inbound),
        }
        return Answer("consent_on_notify", body, inbound.hip_id)
    now = timezone.now()
    with transaction.atomic():
        if status == HipConsent.Status.GRANTED:
            permission = detail.get("permission") or {}
            date_range = permission.get("dateRange") or {}
            fields = {
                "status": status,
                "hip_id": str((detail.get("hip") or {}).get("id") or inbound.hip_id)[:40],
                "patient_id": str((detail.get("patient") or {}).get("id") or "")[:64],
                "care_contexts": [
                    {
                        "patientReference": str(c.get("patientReference") or ""),
                        "careContextReference": str(c.get("careContextReference") or ""),
                    }
                    for c in detail.get("careContexts") or []
                    if isinstance(c, dict)
                ],
                "hi_types": [str(t) for t in detail.get("hiTypes") or []],
                "purpose": str((detail.get("purpose") or {}).get("code") or "")[:20],
                "date_from": parse_time(date_range.get("from")),
                "date_to": parse_time(date_range.get("to")),
                "data_erase_at": parse_time(permission.get("dataEraseAt")),
                "signature": str(notification.get("signature") or ""),
                "updated_at": now,
            }
        else:  # SEC-11: the artefact's content goes; its id and status stay so that later pulls are refused
            fields = {
                "status": status,
                "care_contexts": [],
                "hi_types": [],
                "date_from": None,
                "date_to": None,
                "signature": "",
                "updated_at": now,
            }
        consent, _created = HipConsent.objects.update_or_create(consent_id=consent_id, defaults=fields)
        _audit(
            AuditAction.HIP_CONSENT,
            object_type="abdm.HipConsent",
            object_id=consent.pk,
            facility_id=inbound.facility.pk if inbound.facility else None,
            status=status,
        )
    body = {"acknowledgement": {"status": "OK", "consentId": consent_id}, "response": _response(inbound)}
    return Answer("consent_on_notify", body, inbound.hip_id)


# ---- health-information request, push and notify (section 5 b-d) -----------------------------------------


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _check_key_material(material: Any) -> dict[str, str]:
    if not isinstance(material, dict):
        raise Refused(BAD_REQUEST, "keyMaterial is missing")
    if (
        str(material.get("cryptoAlg") or "").upper() != fidelius.CRYPTO_ALG
        or str(material.get("curve") or "").lower() != fidelius.CURVE.lower()
    ):
        raise Refused(BAD_REQUEST, "keyMaterial must be ECDH on Curve25519")
    key = material.get("dhPublicKey") or {}
    expiry = parse_time(key.get("expiry"))
    if expiry is None or expiry <= timezone.now():
        raise Refused(BAD_REQUEST, "the HIU's key has expired")
    try:
        fidelius.decode_public_key(str(key.get("keyValue") or ""))
        fidelius.decode_nonce(str(material.get("nonce") or ""))
    except FideliusError as exc:
        raise Refused(BAD_REQUEST, f"keyMaterial is not usable: {exc}") from exc
    return {
        "keyValue": str(key["keyValue"]),
        "nonce": str(material["nonce"]),
        "expiry": str(key.get("expiry")),
    }


def _check_consent(consent: HipConsent | None, inbound: Inbound) -> HipConsent:
    if consent is None:
        raise Refused(NOT_FOUND, "No consent artefact with this id")
    if consent.status != HipConsent.Status.GRANTED:
        raise Refused(NOT_FOUND, f"The consent is {consent.status}")
    if consent.hip_id and consent.hip_id != inbound.hip_id:
        raise Refused(BAD_HIP, "The consent is for another HIP")
    if consent.data_erase_at and consent.data_erase_at <= timezone.now():
        raise Refused(NOT_FOUND, "The consent has expired")
    return consent


@dataclass
class HiWork:
    transfer_id: int
    answer: Answer


def hi_request(inbound: Inbound) -> HiWork | Answer:
    """Record the request, check consent and keys: on-request ACKNOWLEDGED (the push follows) or refused."""
    body = inbound.body
    transaction_id = str(body.get("transactionId") or "")[:64]
    hi = body.get("hiRequest") or {}
    consent_ref = str((hi.get("consent") or {}).get("id") or "")[:64]
    date_range = hi.get("dateRange") or {}
    with transaction.atomic():
        consent = HipConsent.objects.filter(consent_id=consent_ref).first()
        transfer, created = HealthInformationTransfer.objects.get_or_create(
            transaction_id=transaction_id or str(uuid.uuid4()),
            defaults={
                "request_id": inbound.request_id,
                "hip_id": inbound.hip_id,
                "consent": consent,
                "consent_ref": consent_ref,
                "date_from": parse_time(date_range.get("from")),
                "date_to": parse_time(date_range.get("to")),
                "data_push_url": str(hi.get("dataPushUrl") or "")[:500],
            },
        )
        try:
            if not created:
                raise Refused(BAD_REQUEST, "This transaction was already requested")
            if not transaction_id or not transfer.data_push_url.startswith(("https://", "http://")):
                raise Refused(BAD_REQUEST, "transactionId and dataPushUrl are required")
            _check_consent(consent, inbound)
            transfer.key_material = _check_key_material(hi.get("keyMaterial"))
            transfer.save(update_fields=["key_material"])
        except Refused as refused:
            if created:
                transfer.status, transfer.error_code = HealthInformationTransfer.Status.REFUSED, refused.code
                transfer.finished_at = timezone.now()
                transfer.save(update_fields=["status", "error_code", "finished_at"])
            _audit(
                AuditAction.HIP_DATA_REFUSED,
                object_type="abdm.HealthInformationTransfer",
                object_id=transfer.pk,
                facility_id=inbound.facility.pk if inbound.facility else None,
                consent=consent.pk if consent else None,
                reason=refused.code,
            )
            answer = {
                "hiRequest": {
                    "transactionId": transaction_id,
                    "sessionStatus": settings.ABDM_HI_FAILED_STATUS,
                },
                "error": _error(refused.code, refused.message),
                "response": _response(inbound),
            }
            return Answer("hi_on_request", answer, inbound.hip_id)
    answer = {
        "hiRequest": {"transactionId": transaction_id, "sessionStatus": "ACKNOWLEDGED"},
        "response": _response(inbound),
    }
    return HiWork(transfer.pk, Answer("hi_on_request", answer, inbound.hip_id))


def _overlap(
    a_from: datetime.datetime | None,
    a_to: datetime.datetime | None,
    b_from: datetime.datetime | None,
    b_to: datetime.datetime | None,
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    starts = [d for d in (a_from, b_from) if d]
    ends = [d for d in (a_to, b_to) if d]
    return (max(starts) if starts else None, min(ends) if ends else None)


def _checksum(plaintext: bytes) -> str:
    if settings.ABDM_HI_CHECKSUM_ENCODING == "base64":
        return base64.b64encode(bytes.fromhex(fidelius.checksum(plaintext))).decode()
    return fidelius.checksum(plaintext)


def push(transfer_id: int, client: AbdmClient | None = None) -> HealthInformationTransfer:
    """Encrypt the consented documents with a fresh key pair, push them to the HIU, then notify ABDM."""
    client = client or AbdmClient()
    transfer = HealthInformationTransfer.objects.select_related("consent").get(pk=transfer_id)
    consent = transfer.consent
    assert consent is not None
    facility = facility_for_hip(transfer.hip_id)
    date_from, date_to = _overlap(consent.date_from, consent.date_to, transfer.date_from, transfer.date_to)
    wanted: dict[int, list[str]] = defaultdict(list)
    for item in consent.care_contexts:
        person_id = person_id_of_reference(item.get("patientReference", ""))
        if person_id is not None:
            wanted[person_id].append(item.get("careContextReference", ""))
    known = set(
        CareContextLink.objects.filter(
            hip_id=transfer.hip_id, reference__in=[r for refs in wanted.values() for r in refs]
        ).values_list("person_id", "reference")
    )
    documents = []
    for person in Person.objects.filter(pk__in=list(wanted)):
        refs = [r for r in wanted[person.pk] if (person.pk, r) in known]  # only this HIP's care contexts
        try:
            found = hooks.documents_for(person, refs, date_from, date_to)
        except Exception:  # noqa: BLE001 - the provider failed: these care contexts are reported as not sent
            logger.exception("health-information push: documents not available")
            found = []
        for doc in found:
            if doc.hi_type in consent.hi_types or not consent.hi_types:
                documents.append((person, doc))
    own = KeyMaterial.generate()  # SEC-12: a fresh key pair and nonce per transfer, dropped afterwards
    entries = [
        {
            "content": fidelius.encrypt(
                doc.content, own, transfer.key_material["keyValue"], transfer.key_material["nonce"]
            ),
            "media": "application/fhir+json",
            "checksum": _checksum(doc.content),
            "careContextReference": doc.reference,
        }
        for _person, doc in documents
    ]
    key_material = {
        "cryptoAlg": fidelius.CRYPTO_ALG,
        "curve": fidelius.CURVE,
        "dhPublicKey": {
            "expiry": abdm_timestamp(timezone.now() + datetime.timedelta(hours=1)),
            "parameters": fidelius.KEY_PARAMETERS,
            "keyValue": own.public_key_x509_b64,
        },
        "nonce": own.nonce_b64,
    }
    size = max(1, settings.ABDM_HI_ENTRIES_PER_PAGE)
    pages = [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]
    delivered = True
    try:
        for number, page in enumerate(pages, start=1):
            client.push_health_information(
                transfer.data_push_url,
                {
                    "pageNumber": number,
                    "pageCount": len(pages),
                    "transactionId": transfer.transaction_id,
                    "entries": page,
                    "keyMaterial": key_material,
                },
            )
    except AbdmError as exc:
        logger.warning("health-information push failed (%s)", exc.code)
        delivered = False
    failed = settings.ABDM_HI_FAILED_STATUS
    pushed = {doc.reference for _p, doc in documents}
    statuses = [
        {
            "careContextReference": ref,
            "hiStatus": "DELIVERED" if delivered and ref in pushed else failed,
            "description": "ok"
            if delivered and ref in pushed
            else ("push failed" if not delivered else "no document in the date range"),
        }
        for ref in [r for refs in wanted.values() for r in refs]
    ]
    with transaction.atomic():
        transfer.status = (
            HealthInformationTransfer.Status.TRANSFERRED
            if delivered
            else HealthInformationTransfer.Status.FAILED
        )
        transfer.entries = [{k: s[k] for k in ("careContextReference", "hiStatus")} for s in statuses]
        transfer.finished_at = timezone.now()
        transfer.save(update_fields=["status", "entries", "finished_at"])
        if delivered:
            for person, doc in documents:  # every disclosure of health data, one entry per record
                _audit(
                    AuditAction.HIP_DATA_PUSH,
                    object_type="people.Person",
                    object_id=person.pk,
                    facility_id=facility.pk if facility else None,
                    care_context=doc.reference,
                    hi_type=doc.hi_type,
                    consent=consent.pk,  # ABDM's ids are uuids, which the audit log keeps out as token-like
                    transfer=transfer.pk,
                )
    notify = {
        "notification": {
            "consentId": consent.consent_id,
            "transactionId": transfer.transaction_id,
            "doneAt": abdm_timestamp(),
            "notifier": {"type": "HIP", "id": transfer.hip_id},
            "statusNotification": {
                "sessionStatus": "TRANSFERRED" if delivered else "FAILED",
                "hipId": transfer.hip_id,
                "statusResponses": statuses,
            },
        }
    }
    try:
        client.gateway_post("hi_notify", notify, hip_id=transfer.hip_id)
    except AbdmError as exc:
        logger.warning("health-information notify not delivered (%s)", exc.code)
    return transfer


# ---- running the work after the bridge's 202 ----------

HANDLERS = {
    "discover": discover,
    "link_init": link_init,
    "link_confirm": link_confirm,
    "consent_notify": consent_notify,
}


def send(answer: Answer, client: AbdmClient) -> None:
    try:
        client.gateway_post(answer.endpoint, answer.body, hip_id=answer.hip_id)
    except AbdmError as exc:
        logger.warning("ABDM %s not delivered (%s)", answer.endpoint, exc.code)


def process(name: str, inbound: Inbound, client: AbdmClient | None = None) -> None:
    """The work of one bridge call, run after its 202. Never raises: a failure is logged (and, where ABDM
    waits for an answer, answered with ABDM-9999)."""
    client = client or AbdmClient()
    try:
        if name == "on_generate_token":
            person_ids = on_generate_token(inbound)
            if person_ids:
                link_pending(person_ids, client)
        elif name == "on_carecontext":
            on_carecontext(inbound)
        elif name == "hi_request":
            work = hi_request(inbound)
            if isinstance(work, Answer):
                send(work, client)
            else:
                send(work.answer, client)
                push(work.transfer_id, client)
        else:
            send(HANDLERS[name](inbound), client)
    except Exception:  # noqa: BLE001 - runs after the response: log, and answer if ABDM waits for one
        logger.exception("ABDM bridge: %s failed", name)
        endpoint = {"discover": "on_discover", "link_init": "on_init", "link_confirm": "on_confirm"}.get(name)
        if endpoint:
            body = {
                "transactionId": str(inbound.body.get("transactionId") or ""),
                "error": _error("ABDM-9999", _t("The facility could not answer. Try again later.")),
                "response": _response(inbound),
            }
            send(Answer(endpoint, body, inbound.hip_id), client)
