"""HIMCARE API, cases and claims (mounted at /api/himcare/):

GET  /cases                          cases the user may see (hospital: its own; district officer: district;
                                     officers: all; citizen: the family's, read-only)
GET  /cases/{id}                     one case with packages, diagnoses, events, claim, wallet, allowed actions
POST /preauths                      raise a pre-authorisation (scheme desk / facility admin), only for a
                                     member of a family this user verified (POST /verify) in this session
POST /cases/{id}/decide              approve | query | reject the pre-authorisation (officer)
POST /cases/{id}/answer-query        answer the officer's query (hospital)
POST /cases/{id}/cancel              cancel before admission (hospital or officer)
POST /cases/{id}/admit, /discharge   admission and discharge with the treatment data (hospital)
POST /cases/{id}/claim               submit the claim (hospital)
POST /cases/{id}/documents           upload a document (multipart: kind, file) (hospital)
POST /claims/{id}/adjudicate         approve | part_approve | query | reject (officer)
POST /claims/{id}/answer-query       answer a claim query (hospital)
POST /claims/{id}/payment            record the payment (officer)
GET  /preauth-queue, /claim-queue    the officer's work queues
GET  /claims/mine                    the citizen's family's cases and claims, with the remaining balance
GET  /icd10?q=                       ICD-10 codes usable as a diagnosis (staff)
GET  /cases/{id}/record              the case's admission record (records' encounter: admission notes,
                                     procedures, discharge summary and diagnoses), as records lets the
                                     caller read it (claims officers: the newest signed version)
POST /cases/{id}/record              open it (hospital; idempotent)
PUT  /cases/{id}/record/draft        save its draft (records' DraftIn: notes, admitted_at, diagnoses,
                                     procedures, discharge)
POST /cases/{id}/record/sign         sign it; a claim needs a signed discharge summary
POST /cases/{id}/record/correct      a new draft version of the signed record
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AwareDatetime

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import RoleAuth, get_scoped_or_not_found, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.codelists.models import Icd10Code
from himswasthya.codelists.search import icd10_matches
from himswasthya.core.api import errors
from himswasthya.core.errors import NotFound
from himswasthya.facilities.models import Facility
from himswasthya.himcare.cases import documents as papers
from himswasthya.himcare.cases import services, treatment, wallet
from himswasthya.himcare.cases.documents import attach_document
from himswasthya.himcare.enrolment.verification import require_verified
from himswasthya.himcare.models import Case, Claim, EnrolledMember
from himswasthya.records import services as records
from himswasthya.records.api import DraftIn, EncounterOut, encounter_out

router = Router(tags=["himcare: cases and claims"])

_readers = RoleAuth(*services.READER_ROLES)
_hospital = RoleAuth(*services.HOSPITAL_ROLES)
_officer = RoleAuth(*services.OFFICER_ROLES)
_hospital_or_officer = RoleAuth(*services.HOSPITAL_ROLES, *services.OFFICER_ROLES)
_staff_coders = RoleAuth(*services.HOSPITAL_ROLES, *services.OFFICER_ROLES, Role.DOCTOR)
_citizen = RoleAuth(Role.CITIZEN)
# Who reads a case's admission record here: those who read the case and whom records lets read records.
_record_readers = RoleAuth(*(r for r in services.READER_ROLES if r in records.READ_ROLES))


# --- schemas --------------------------------------------------------------------------------------------
class CaseDocumentOut(Schema):
    id: int
    kind: str


class CaseDocumentRef(Schema):
    kind: str
    reference: str


class PreauthIn(Schema):
    enrolled_member_id: int
    package_ids: list[int]
    provisional_icd10_codes: list[str]
    estimated_paise: int | None = None
    is_emergency: bool = False
    treating_doctor: str = ""
    facility_id: int | None = None
    documents: list[CaseDocumentRef] = []


class DecideIn(Schema):
    decision: str
    approved_paise: int | None = None
    note: str = ""


class AnswerIn(Schema):
    text: str
    documents: list[CaseDocumentRef] = []


class CaseCancelIn(Schema):
    reason: str


class AdmitIn(Schema):
    admitted_at: AwareDatetime | None = None


class DischargeIn(Schema):
    discharged_at: AwareDatetime
    final_icd10_codes: list[str]
    discharge_summary: str


class ClaimIn(Schema):
    claimed_paise: int | None = None
    documents: list[CaseDocumentRef] = []


class AdjudicateIn(Schema):
    decision: str
    approved_paise: int | None = None
    reason: str = ""
    note: str = ""


class ClaimPaymentIn(Schema):
    payment_ref: str
    paid_at: AwareDatetime | None = None


class ClaimOut(Schema):
    id: int
    claim_no: str
    status: str
    claimed_paise: int
    approved_paise: int | None
    reason: str
    adjudication_note: str
    submitted_at: datetime.datetime
    adjudicated_at: datetime.datetime | None
    payment_status: str
    payment_due_on: datetime.date | None
    payment_ref: str
    paid_at: datetime.datetime | None


class CaseRow(Schema):
    id: int
    case_no: str
    status: str
    status_label: str
    facility_code: str
    facility_name: str
    patient_name: str
    is_emergency: bool
    estimated_paise: int
    blocked_paise: int
    approved_preauth_paise: int | None
    raised_at: datetime.datetime
    decision_due_at: datetime.datetime | None
    escalation_level: int
    admitted_at: datetime.datetime | None
    discharged_at: datetime.datetime | None
    claim: ClaimOut | None = None


class CasePackageOut(Schema):
    code: str
    name: str
    name_hi: str
    kind: str
    rate_paise: int
    quantity: int


class CaseDiagnosisOut(Schema):
    code: str
    title: str
    kind: str
    is_primary: bool


class CaseEventOut(Schema):
    from_status: str
    to_status: str
    note: str
    at: datetime.datetime


class CaseWalletOut(Schema):
    cover_paise: int
    blocked_paise: int
    consumed_paise: int
    available_paise: int


class CaseOut(CaseRow):
    treating_doctor: str
    query_text: str
    decision_note: str
    discharge_summary: str
    claim_deadline: datetime.date | None
    packages: list[CasePackageOut]
    diagnoses: list[CaseDiagnosisOut]
    events: list[CaseEventOut]
    documents: int
    # The kinds the case's packages need to raise the pre-authorisation and to claim, and what is attached
    # (attach with POST /cases/{id}/documents before submitting the claim, or send references with it).
    required_documents: dict[str, list[str]]
    attached_documents: list[CaseDocumentOut]
    wallet: CaseWalletOut
    allowed_actions: list[str]


class MyClaimsOut(Schema):
    wallet: CaseWalletOut | None
    cases: list[CaseRow]


class Icd10Out(Schema):
    code: str
    title: str


# --- helpers --------------------------------------------------------------------------------------------
def _claim(case: Case) -> Claim | None:
    try:
        return case.claim
    except Claim.DoesNotExist:
        return None


def _row(case: Case) -> dict[str, Any]:
    claim = _claim(case)
    return {
        "id": case.pk,
        "case_no": case.case_no,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "facility_code": case.facility.code,
        "facility_name": case.facility.display_name(),
        "patient_name": case.person.name_roman,
        "is_emergency": case.is_emergency,
        "estimated_paise": case.estimated_paise,
        "blocked_paise": case.blocked_paise,
        "approved_preauth_paise": case.approved_preauth_paise,
        "raised_at": case.raised_at,
        "decision_due_at": case.decision_due_at,
        "escalation_level": case.escalation_level,
        "admitted_at": case.admitted_at,
        "discharged_at": case.discharged_at,
        "claim": claim,
    }


def _wallet(enrolment_id: int) -> dict[str, int]:
    b = wallet.balance(enrolment_id)
    return {
        "cover_paise": b.cover_paise,
        "blocked_paise": b.blocked_paise,
        "consumed_paise": b.consumed_paise,
        "available_paise": b.available_paise,
    }


def _full(user: Any, case: Case) -> dict[str, Any]:
    case = (
        Case.objects.select_related("facility", "person", "enrolment__scheme_year")
        .prefetch_related("packages__package", "diagnoses__icd10", "events", "documents")
        .get(pk=case.pk)
    )
    packages = [p.package for p in case.packages.all()]
    documents = list(case.documents.all())
    return {
        **_row(case),
        "treating_doctor": case.treating_doctor,
        "query_text": case.query_text,
        "decision_note": case.decision_note,
        "discharge_summary": case.discharge_summary,
        "claim_deadline": services.claim_deadline(case),
        "packages": [
            {
                "code": p.package.code,
                "name": p.package.name,
                "name_hi": p.package.name_hi,
                "kind": p.package.kind,
                "rate_paise": p.rate_paise,
                "quantity": p.quantity,
            }
            for p in case.packages.all()
        ],
        "diagnoses": [
            {"code": d.icd10.code, "title": d.icd10.title, "kind": d.kind, "is_primary": d.is_primary}
            for d in case.diagnoses.all()
        ],
        "events": list(case.events.all()),
        "documents": len(documents),
        "required_documents": {
            stage: papers.required_documents(packages, stage) for stage in (papers.PREAUTH, papers.CLAIM)
        },
        "attached_documents": [{"id": d.pk, "kind": d.kind} for d in documents],
        "wallet": _wallet(case.enrolment_id),
        "allowed_actions": services.actions_for(user, case),
    }


def _case(request: HttpRequest, case_id: int) -> Case:
    return services.get_case(request.user, case_id)


def _claim_of(request: HttpRequest, claim_id: int) -> Claim:
    claim = get_scoped_or_not_found(request.user, Claim.objects.select_related("case"), pk=claim_id)
    return claim


# --- reading --------------------------------------------------------------------------------------------
@router.get("/cases", response={200: list[CaseRow]}, auth=_readers)
def list_cases(request: HttpRequest, status: str = "", q: str = "", limit: int = 100) -> list[dict[str, Any]]:
    rows = services.cases_for(request.user)
    if status:
        rows = rows.filter(status=status)
    if q.strip():
        rows = rows.filter(Q(case_no__iexact=q.strip()) | Q(claim__claim_no__iexact=q.strip()))
    return [_row(c) for c in rows.order_by("-raised_at")[: max(1, min(limit, 500))]]


@router.get("/cases/{case_id}", response={200: CaseOut}, auth=_readers)
def read_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    if request.user.role != Role.CITIZEN:
        record_read(
            "himcare.Case",
            case.pk,
            purpose=services.PURPOSE,
            facility_id=case.facility_id,
            action=AuditAction.HIMCARE_CASE_READ,
        )
    return _full(request.user, case)


@router.get("/preauth-queue", response={200: list[CaseRow]}, auth=_officer)
def preauth_queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(c) for c in services.preauth_queue(request.user)[:500]]


@router.get("/claim-queue", response={200: list[CaseRow]}, auth=_officer)
def claim_queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(c) for c in services.claim_queue(request.user)[:500]]


@router.get("/claims/mine", response={200: MyClaimsOut}, auth=_citizen)
def my_claims(request: HttpRequest) -> dict[str, Any]:
    rows = list(services.cases_for(request.user).order_by("-raised_at")[:200])
    from himswasthya.himcare.models import Enrolment, EnrolmentStatus

    enrolment = (
        scope_queryset(request.user, Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE))
        .order_by("-valid_to")
        .first()
    )
    return {"wallet": _wallet(enrolment.pk) if enrolment else None, "cases": [_row(c) for c in rows]}


@router.get("/icd10", response={200: list[Icd10Out]}, auth=_staff_coders)
def icd10_search(request: HttpRequest, q: str = "") -> list[Icd10Code]:
    return list(icd10_matches(q))


def _act(request: HttpRequest, service: Callable[..., Any], payload: Schema, **target: Any) -> dict[str, Any]:
    """Call a service of cases/services.py on its target (case= or claim=) with the payload's fields as its
    keyword arguments (each schema is named after them); the answer is the case as it now is."""
    result = service(actor=request.user, **target, **payload.model_dump())
    return _full(request.user, result if isinstance(result, Case) else result.case)


# --- the hospital's actions -----------------------------------------------------------------------------
@router.post("/preauths", response={201: CaseOut, **errors(409)}, auth=_hospital)
def raise_preauth(request: HttpRequest, payload: PreauthIn) -> Status:
    member = (
        EnrolledMember.objects.select_related("enrolment__scheme_year")
        .filter(pk=payload.enrolled_member_id)
        .first()
    )
    # Only for a family this user has just verified (identifier and second fact); an unknown id gets the
    # same refusal.
    member = require_verified(request, member, field="enrolled_member_id")
    facility = Facility.objects.filter(pk=payload.facility_id or request.user.facility_id).first()
    if facility is None:
        raise NotFound(_("No such hospital."), field="facility_id")
    case = services.do_raise_preauth(
        actor=request.user,
        enrolled_member=member,
        facility=facility,
        **payload.model_dump(exclude={"enrolled_member_id", "facility_id"}),
    )
    return Status(201, _full(request.user, case))


@router.post("/cases/{case_id}/answer-query", response={200: CaseOut, **errors(409)}, auth=_hospital)
def answer_query(request: HttpRequest, case_id: int, payload: AnswerIn) -> dict[str, Any]:
    return _act(request, services.do_answer_query, payload, case=_case(request, case_id))


@router.post("/cases/{case_id}/cancel", response={200: CaseOut, **errors(409)}, auth=_hospital_or_officer)
def cancel(request: HttpRequest, case_id: int, payload: CaseCancelIn) -> dict[str, Any]:
    return _act(request, services.do_cancel_case, payload, case=_case(request, case_id))


@router.post("/cases/{case_id}/admit", response={200: CaseOut, **errors(409)}, auth=_hospital)
def admit(request: HttpRequest, case_id: int, payload: AdmitIn) -> dict[str, Any]:
    return _act(request, services.do_admit, payload, case=_case(request, case_id))


@router.post("/cases/{case_id}/discharge", response={200: CaseOut, **errors(409)}, auth=_hospital)
def discharge(request: HttpRequest, case_id: int, payload: DischargeIn) -> dict[str, Any]:
    return _act(request, services.do_discharge, payload, case=_case(request, case_id))


@router.post("/cases/{case_id}/claim", response={201: CaseOut, **errors(409)}, auth=_hospital)
def submit_claim(request: HttpRequest, case_id: int, payload: ClaimIn) -> Status:
    return Status(201, _act(request, services.do_submit_claim, payload, case=_case(request, case_id)))


@router.post("/cases/{case_id}/documents", response={201: CaseDocumentOut, **errors(409)}, auth=_hospital)
def upload_document(
    request: HttpRequest, case_id: int, kind: Form[str], file: File[UploadedFile], reference: Form[str] = ""
) -> Status:
    case = _case(request, case_id)  # scoped: another hospital's case is not found
    document = attach_document(actor=request.user, kind=kind, upload=file, case=case, reference=reference)
    return Status(201, {"id": document.pk, "kind": document.kind})


# --- the officer's actions ------------------------------------------------------------------------------
@router.post("/cases/{case_id}/decide", response={200: CaseOut, **errors(409)}, auth=_officer)
def decide(request: HttpRequest, case_id: int, payload: DecideIn) -> dict[str, Any]:
    return _act(request, services.do_decide_preauth, payload, case=_case(request, case_id))


@router.post("/claims/{claim_id}/adjudicate", response={200: CaseOut, **errors(409)}, auth=_officer)
def adjudicate(request: HttpRequest, claim_id: int, payload: AdjudicateIn) -> dict[str, Any]:
    return _act(request, services.do_adjudicate_claim, payload, claim=_claim_of(request, claim_id))


@router.post("/claims/{claim_id}/answer-query", response={200: CaseOut, **errors(409)}, auth=_hospital)
def answer_claim_query(request: HttpRequest, claim_id: int, payload: AnswerIn) -> dict[str, Any]:
    return _act(request, services.do_answer_claim_query, payload, claim=_claim_of(request, claim_id))


@router.post("/claims/{claim_id}/payment", response={200: CaseOut, **errors(409)}, auth=_officer)
def record_payment(request: HttpRequest, claim_id: int, payload: ClaimPaymentIn) -> dict[str, Any]:
    return _act(request, services.do_record_claim_payment, payload, claim=_claim_of(request, claim_id))


# --- the case's admission record (cases/treatment.py over records.services) ------------------------------
@router.get("/cases/{case_id}/record", response={200: EncounterOut}, auth=_record_readers)
def read_record(request: HttpRequest, case_id: int) -> EncounterOut:
    found = treatment.case_record(request.user, _case(request, case_id))
    if found is None:
        raise NotFound(_("This case has no admission record yet."), field="record", code="no_record")
    return encounter_out(found)


@router.post("/cases/{case_id}/record", response={200: EncounterOut, **errors(409)}, auth=_hospital)
def open_record(request: HttpRequest, case_id: int) -> EncounterOut:
    return encounter_out(treatment.do_open_record(actor=request.user, case=_case(request, case_id)))


@router.put("/cases/{case_id}/record/draft", response={200: EncounterOut, **errors(409)}, auth=_hospital)
def save_record(request: HttpRequest, case_id: int, payload: DraftIn) -> EncounterOut:
    case = _case(request, case_id)
    return encounter_out(treatment.do_save_record(actor=request.user, case=case, data=payload.model_dump()))


@router.post("/cases/{case_id}/record/sign", response={200: EncounterOut, **errors(409)}, auth=_hospital)
def sign_record(request: HttpRequest, case_id: int) -> EncounterOut:
    return encounter_out(treatment.do_sign_record(actor=request.user, case=_case(request, case_id)))


@router.post("/cases/{case_id}/record/correct", response={200: EncounterOut, **errors(409)}, auth=_hospital)
def correct_record(request: HttpRequest, case_id: int) -> EncounterOut:
    return encounter_out(treatment.do_correct_record(actor=request.user, case=_case(request, case_id)))
