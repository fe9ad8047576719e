"""A HIMCARE hospital case: pre-authorisation -> admission -> discharge -> claim -> adjudication -> payment.

Follows the PM-JAY TMS-like flow of domain.md section 3. Every service runs in one transaction: it locks
the case row, checks the state machine (`TRANSITIONS`, the one table of what may happen in which status),
changes the case, moves money in the family's wallet (`himcare/cases/wallet.py`), writes a CaseEvent and an
audit entry. Refusals are DomainErrors naming the field and the reason.

The case's own rows (ICD-10 diagnoses, packages, admission/discharge times, discharge summary) are what the
status changes record; the treatment data (admission notes, procedures, the signed discharge summary and its
diagnoses) is the case's admission record in the health records (cases/treatment.py), which a claim needs.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import get_scoped_or_not_found, may_act_at, require_role, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.codelists.models import Icd10Code
from himswasthya.core.errors import Conflict, DomainError, Forbidden
from himswasthya.core.money import rupees
from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.facilities.models import Facility
from himswasthya.himcare.cases import documents as papers
from himswasthya.himcare.cases import wallet
from himswasthya.himcare.cases.documents import attach_document
from himswasthya.himcare.cases.misuse import check_case_on_commit
from himswasthya.himcare.models import (
    Case,
    CaseDiagnosis,
    CaseEvent,
    CasePackage,
    CaseStatus,
    Claim,
    ClaimPaymentStatus,
    ClaimReason,
    ClaimStatus,
    DiagnosisKind,
    DocumentKind,
    Empanelment,
    EmpanelmentStatus,
    EnrolledMember,
    EnrolmentStatus,
    Package,
    PackageKind,
)

PURPOSE = "himcare_claims"
HOSPITAL_ROLES = (Role.SCHEME_DESK, Role.FACILITY_ADMIN)
OFFICER_ROLES = (Role.HIMCARE_OFFICER, Role.STATE_ADMIN)
READER_ROLES = (
    Role.CITIZEN,
    Role.SCHEME_DESK,
    Role.FACILITY_ADMIN,
    Role.DOCTOR,
    Role.DISTRICT_OFFICER,
    Role.HIMCARE_OFFICER,
    Role.STATE_ADMIN,
)
S = CaseStatus


def _now() -> datetime.datetime:
    """The local time now (a function so tests can move the clock)."""
    return timezone.localtime()


# --- the state machine: ONE table of what may happen in which status (core.statemachine) -------------------
_TABLE = {
    "decide_preauth": Transition(
        label=_("decide the pre-authorisation"),
        sources={S.PREAUTH_PENDING},
        targets={S.PREAUTH_APPROVED, S.PREAUTH_QUERY, S.PREAUTH_REJECTED},
        rule=_("A pre-authorisation can be decided only while it is pending"),
    ),
    "answer_query": Transition(
        label=_("answer the query"),
        sources={S.PREAUTH_QUERY},
        targets={S.PREAUTH_PENDING},
        rule=_("A query can be answered only when the pre-authorisation has been queried"),
    ),
    "escalate": Transition(
        label=_("escalate"),
        sources={S.PREAUTH_PENDING},
        targets={S.PREAUTH_PENDING, S.PREAUTH_APPROVED},
        rule=_("Only a pending pre-authorisation can be escalated"),
        system=True,
    ),
    "cancel": Transition(
        label=_("cancel the case"),
        sources={S.PREAUTH_PENDING, S.PREAUTH_QUERY, S.PREAUTH_APPROVED},
        targets={S.CANCELLED},
        rule=_("A case can be cancelled only before admission"),
    ),
    "admit": Transition(
        label=_("admit"),
        sources={S.PREAUTH_APPROVED},
        targets={S.ADMITTED},
        rule=_("A patient can be admitted only after the pre-authorisation is approved"),
    ),
    "discharge": Transition(
        label=_("discharge"),
        sources={S.ADMITTED},
        targets={S.DISCHARGED},
        rule=_("A patient can be discharged only after admission"),
    ),
    "submit_claim": Transition(
        label=_("submit the claim"),
        sources={S.DISCHARGED},
        targets={S.CLAIM_SUBMITTED},
        rule=_("A claim can be submitted only after discharge"),
    ),
    "adjudicate_claim": Transition(
        label=_("adjudicate the claim"),
        sources={S.CLAIM_SUBMITTED},
        targets={S.CLAIM_APPROVED, S.CLAIM_PART_APPROVED, S.CLAIM_QUERY, S.CLAIM_REJECTED},
        rule=_("A claim can be adjudicated only after it is submitted"),
    ),
    "answer_claim_query": Transition(
        label=_("answer the claim query"),
        sources={S.CLAIM_QUERY},
        targets={S.CLAIM_SUBMITTED},
        rule=_("A claim query can be answered only when the claim has been queried"),
    ),
    "record_payment": Transition(
        label=_("record the payment"),
        sources={S.CLAIM_APPROVED, S.CLAIM_PART_APPROVED},
        targets={S.CLAIM_APPROVED, S.CLAIM_PART_APPROVED},
        rule=_("A payment can be recorded only for an approved claim"),
    ),
}


def _explain(machine: StateMachine, action: str, status: str) -> Any:
    """The refusal: the rule and the case's status, then what is allowed now (or that nothing more is)."""
    allowed = [str(machine[a].label) for a in machine.allowed_actions(status)]
    message = _("%(rule)s; this case is '%(status)s'.") % {
        "rule": machine[action].rule,
        "status": machine.status_label(status),
    }
    if allowed:
        return _("%(message)s Allowed now: %(allowed)s.") % {
            "message": message,
            "allowed": ", ".join(allowed),
        }
    return _("%(message)s Nothing more can be done with it.") % {"message": message}


TRANSITIONS = StateMachine(_TABLE, status_label=choice_labels(CaseStatus), explain=_explain)


HOSPITAL_ACTIONS = ("answer_query", "cancel", "admit", "discharge", "submit_claim", "answer_claim_query")
OFFICER_ACTIONS = ("decide_preauth", "adjudicate_claim", "record_payment", "cancel")


def allowed_actions(status: str) -> list[str]:
    """The actions of TRANSITIONS allowed in `status` (escalation is the system's, not a person's)."""
    return TRANSITIONS.allowed_actions(status)


def actions_for(user: Any, case: Case) -> list[str]:
    """What this user may do to this case now (for pages: show only these buttons)."""
    role = getattr(user, "role", None)
    mine = HOSPITAL_ACTIONS if role in HOSPITAL_ROLES else OFFICER_ACTIONS if role in OFFICER_ROLES else ()
    found = [a for a in allowed_actions(case.status) if a in mine]
    if "record_payment" in found and getattr(case, "claim", None) is not None:
        if case.claim.payment_status == ClaimPaymentStatus.PAID:
            found.remove("record_payment")
    return found


def check_transition(case: Case, action: str) -> None:
    """Raise InvalidTransition (a Conflict: "...; this case is '...'. Allowed now: ...") unless TRANSITIONS
    allows `action` in the case's status."""
    TRANSITIONS.check(action, case.status)


# --- helpers ----------------------------------------------------------------------------------------------
def _lock(case: Case) -> Case:
    """The case row, locked for this transaction, with fresh values."""
    return (
        Case.objects.select_for_update().select_related("enrolment__scheme_year", "facility").get(pk=case.pk)
    )


def _event(case: Case, from_status: str, actor: Any, note: Any = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        from_status=from_status,
        to_status=case.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=str(note)[:500],
    )


def _audit(action: str, case: Case, actor: Any, **detail: Any) -> None:
    record(
        action,
        object_type="himcare.Case",
        object_id=case.pk,
        purpose=PURPOSE,
        actor=actor,
        facility_id=case.facility_id,
        detail={"case_no": case.case_no, "status": case.status, **detail},
    )


def _hospital_case(actor: Any, case: Case) -> Case:
    """A case the hospital user may act on: their facility's (others' cases are 'not found')."""
    require_role(actor, *HOSPITAL_ROLES)
    return get_scoped_or_not_found(actor, Case.objects.all(), pk=case.pk)


def _officer_case(actor: Any, case: Case) -> Case:
    require_role(actor, *OFFICER_ROLES)
    return get_scoped_or_not_found(actor, Case.objects.all(), pk=case.pk)


def _text(value: str, field: str, message: Any, limit: int = 500) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    return value[:limit]


def _codes(codes: Iterable[str], field: str) -> list[Icd10Code]:
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise DomainError(_("Enter at least one ICD-10 diagnosis."), field=field, code="required")
    found = {c.code: c for c in Icd10Code.objects.filter(code__in=wanted)}
    for code in wanted:
        row = found.get(code)
        if row is None:
            raise DomainError(
                _("%(code)s is not an ICD-10 code.") % {"code": code}, field=field, code="unknown_icd10"
            )
        if not row.is_codable:
            raise DomainError(
                _("%(code)s is a heading, not a diagnosis: choose a more specific code.") % {"code": code},
                field=field,
                code="icd10_not_codable",
            )
    return [found[c] for c in wanted]


def _add_diagnoses(case: Case, codes: list[Icd10Code], kind: str) -> None:
    CaseDiagnosis.objects.bulk_create(
        [CaseDiagnosis(case=case, icd10=code, kind=kind, is_primary=i == 0) for i, code in enumerate(codes)]
    )


DocumentSpec = Any  # (kind, upload) | {"kind", "upload", "reference"} | an uploaded file


def _spec(item: DocumentSpec, default_kind: str) -> tuple[str, Any, str]:
    """(kind, upload, reference) of one document given to a service."""
    if isinstance(item, Mapping):
        return item.get("kind") or default_kind, item.get("upload"), item.get("reference", "") or ""
    if isinstance(item, tuple):
        return item[0], item[1], ""
    return default_kind, item, ""


def _given_kinds(documents: Sequence[DocumentSpec], default_kind: str) -> set[str]:
    return {_spec(item, default_kind)[0] for item in documents or ()}


def _attach(actor: Any, case: Case, documents: Sequence[DocumentSpec], default_kind: str) -> int:
    count = 0
    for item in documents or ():
        kind, upload, reference = _spec(item, default_kind)
        attach_document(actor=actor, kind=kind, upload=upload, case=case, reference=reference)
        count += 1
    return count


def _positive_amount(value: Any, field: str) -> int:
    try:
        amount = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("Enter the amount in rupees."), field=field, code="invalid_amount") from None
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field=field, code="amount_not_positive")
    return amount


# --- pre-authorisation ------------------------------------------------------------------------------------
def _package_quantities(package_ids: Sequence[int] | Mapping[int, int]) -> dict[int, int]:
    if isinstance(package_ids, Mapping):
        quantities = {int(k): int(v) for k, v in package_ids.items()}
    else:
        quantities = dict(Counter(int(p) for p in package_ids))
    if not quantities:
        raise DomainError(_("Choose at least one package."), field="package_ids", code="required")
    if any(q < 1 for q in quantities.values()):
        raise DomainError(_("A package's quantity must be at least 1."), field="package_ids", code="invalid")
    return quantities


def do_raise_preauth(
    *,
    actor: Any,
    enrolled_member: EnrolledMember,
    facility: Facility,
    package_ids: Sequence[int] | Mapping[int, int],
    provisional_icd10_codes: Iterable[str],
    estimated_paise: int | None = None,
    is_emergency: bool = False,
    documents: Sequence[DocumentSpec] = (),
    treating_doctor: str = "",
) -> Case:
    """The hospital's scheme desk asks for pre-authorisation of package(s) for an enrolled member.

    Blocks the estimated amount (or the package total) in the family's wallet. Packages that need no
    pre-authorisation are approved at once; otherwise the officer must decide by now + the scheme year's
    `preauth_decision_hours`.
    """
    require_role(actor, *HOSPITAL_ROLES)
    if not may_act_at(actor, facility):
        raise Forbidden(_("You can raise pre-authorisations only at your own hospital."), field="facility")
    now = _now()
    today = now.date()
    enrolment = enrolled_member.enrolment
    if enrolment.status != EnrolmentStatus.ACTIVE or not (
        enrolment.valid_from and enrolment.valid_to and enrolment.valid_from <= today <= enrolment.valid_to
    ):
        raise DomainError(
            _(
                "The patient's HIMCARE card is not valid on %(date)s "
                "(status '%(status)s', valid from %(from)s to %(to)s)."
            )
            % {
                "date": today.strftime("%d-%m-%Y"),
                "status": EnrolmentStatus(enrolment.status).label,
                "from": enrolment.valid_from.strftime("%d-%m-%Y") if enrolment.valid_from else "-",
                "to": enrolment.valid_to.strftime("%d-%m-%Y") if enrolment.valid_to else "-",
            },
            field="enrolled_member",
            code="enrolment_not_active",
        )
    quantities = _package_quantities(package_ids)
    packages = {
        p.pk: p for p in Package.objects.filter(pk__in=quantities, is_active=True).select_related("specialty")
    }
    missing = [pk for pk in quantities if pk not in packages]
    if missing:
        raise DomainError(
            _("Package %(id)s does not exist or is no longer active.") % {"id": missing[0]},
            field="package_ids",
            code="unknown_package",
        )
    kinds = {p.kind for p in packages.values()}
    if {PackageKind.MEDICAL, PackageKind.SURGICAL} <= kinds:
        raise DomainError(
            _("Medical and surgical packages cannot be combined in one case."),
            field="package_ids",
            code="medical_surgical_mix",
        )
    empanelled = set(
        Empanelment.objects.filter(
            facility=facility,
            status=EmpanelmentStatus.ACTIVE,
            valid_from__lte=today,
            valid_to__gte=today,
            specialty_id__in={p.specialty_id for p in packages.values()},
        ).values_list("specialty_id", flat=True)
    )
    for package in packages.values():
        if package.specialty_id not in empanelled:
            raise DomainError(
                _("This hospital is not empanelled for %(specialty)s today (package %(code)s).")
                % {"specialty": package.specialty.name, "code": package.code},
                field="package_ids",
                code="not_empanelled",
            )
    diagnoses = _codes(provisional_icd10_codes, "provisional_icd10_codes")
    total = sum(packages[pk].rate_paise * q for pk, q in quantities.items())
    if estimated_paise is None or estimated_paise == "":
        amount = total
    else:
        amount = _positive_amount(estimated_paise, "estimated_paise")
        if amount > total:
            raise DomainError(
                _("The estimate %(estimate)s is above the package total %(total)s.")
                % {"estimate": rupees(amount), "total": rupees(total)},
                field="estimated_paise",
                code="estimate_above_packages",
            )
    # The documents come with the request (the page's form, the API's references): refused before anything
    # is written, so the desk attaches what is missing and sends again.
    papers.check_required(
        papers.required_documents(packages.values(), papers.PREAUTH),
        _given_kinds(documents, DocumentKind.CLINICAL_NOTES),
        papers.PREAUTH,
    )
    needs_preauth = any(p.needs_preauth for p in packages.values())
    scheme_year = enrolment.scheme_year
    with transaction.atomic():
        case = Case.objects.create(
            case_no=uuid.uuid4().hex[:24],
            enrolment=enrolment,
            enrolled_member=enrolled_member,
            person_id=enrolled_member.person_id,
            facility=facility,
            status=S.PREAUTH_PENDING,
            is_emergency=bool(is_emergency),
            estimated_paise=amount,
            blocked_paise=amount,
            raised_by=actor,
            treating_doctor=(treating_doctor or "").strip()[:120],
            decision_due_at=now + datetime.timedelta(hours=scheme_year.preauth_decision_hours),
        )
        case.case_no = f"CASE-{now:%y}-{facility.pk}-{case.pk:06d}"
        CasePackage.objects.bulk_create(
            [
                CasePackage(case=case, package=packages[pk], rate_paise=packages[pk].rate_paise, quantity=q)
                for pk, q in quantities.items()
            ]
        )
        _add_diagnoses(case, diagnoses, DiagnosisKind.PROVISIONAL)
        try:
            wallet.block(enrolment, amount, case=case, actor=actor)
        except wallet.InsufficientBalance as exc:
            exc.field = "estimated_paise"
            raise
        _event(case, "", actor, _("Pre-authorisation raised."))
        if not needs_preauth:
            case.status = S.PREAUTH_APPROVED
            case.approved_preauth_paise = amount
            case.decided_at = now
            case.decision_due_at = None
            case.decision_note = str(
                _("Approved automatically: no package of this case needs pre-authorisation.")
            )
            _event(case, S.PREAUTH_PENDING, None, case.decision_note)
        case.save()
        _attach(actor, case, documents, DocumentKind.CLINICAL_NOTES)
        _audit(
            AuditAction.HIMCARE_CASE_RAISE_PREAUTH, case, actor, amount_paise=amount, packages=len(quantities)
        )
    return case


def do_decide_preauth(
    *, actor: Any, case: Case, decision: str, approved_paise: int | None = None, note: str = ""
) -> Case:
    """The officer approves (possibly a lower amount), queries or rejects a pending pre-authorisation."""
    case = _officer_case(actor, case)
    if decision not in ("approve", "query", "reject"):
        raise DomainError(_("Choose approve, query or reject."), field="decision", code="invalid_choice")
    note = (note or "").strip()
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "decide_preauth")
        before = case.status
        now = _now()
        if decision == "approve":
            amount = (
                case.blocked_paise
                if approved_paise in (None, "")
                else _positive_amount(approved_paise, "approved_paise")
            )
            if amount > case.blocked_paise:
                raise DomainError(
                    _("At most %(blocked)s can be approved: that is what was blocked for this case.")
                    % {"blocked": rupees(case.blocked_paise)},
                    field="approved_paise",
                    code="above_blocked",
                )
            if amount < case.blocked_paise:
                wallet.release(case.enrolment, case.blocked_paise - amount, case=case, actor=actor)
            case.blocked_paise = amount
            case.approved_preauth_paise = amount
            case.status = S.PREAUTH_APPROVED
        elif decision == "query":
            case.query_text = _text(note, "note", _("Write the query for the hospital."))
            case.status = S.PREAUTH_QUERY
        else:
            _text(note, "note", _("Write why the pre-authorisation is rejected."))
            if case.blocked_paise:
                wallet.release(case.enrolment, case.blocked_paise, case=case, actor=actor)
            case.blocked_paise = 0
            case.status = S.PREAUTH_REJECTED
        case.decided_by, case.decided_at, case.decision_note = actor, now, note[:500]
        case.decision_due_at = None
        case.save()
        _event(case, before, actor, note)
        _audit(
            AuditAction.HIMCARE_CASE_DECIDE_PREAUTH,
            case,
            actor,
            decision=decision,
            amount_paise=case.blocked_paise,
        )
    return case


def do_answer_query(*, actor: Any, case: Case, text: str, documents: Sequence[DocumentSpec] = ()) -> Case:
    """The hospital answers the officer's query: the pre-authorisation is pending again, newly due."""
    case = _hospital_case(actor, case)
    text = _text(text, "text", _("Write the answer to the query."))
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "answer_query")
        before = case.status
        case.status = S.PREAUTH_PENDING
        case.decision_due_at = _now() + datetime.timedelta(
            hours=case.enrolment.scheme_year.preauth_decision_hours
        )
        case.save()
        _attach(actor, case, documents, DocumentKind.CLINICAL_NOTES)
        _event(case, before, actor, text)
        _audit(AuditAction.HIMCARE_CASE_ANSWER_QUERY, case, actor)
    return case


def do_cancel_case(*, actor: Any, case: Case, reason: str = "") -> Case:
    """Cancel a case before admission (the hospital or an officer); everything blocked is released."""
    if getattr(actor, "role", None) in OFFICER_ROLES:
        case = _officer_case(actor, case)
    else:
        case = _hospital_case(actor, case)
    reason = _text(reason, "reason", _("Write why the case is cancelled."))
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "cancel")
        before = case.status
        if case.blocked_paise:
            wallet.release(case.enrolment, case.blocked_paise, case=case, actor=actor)
        case.blocked_paise = 0
        case.status = S.CANCELLED
        case.decision_due_at = None
        case.save()
        _event(case, before, actor, reason)
        _audit(AuditAction.HIMCARE_CASE_CANCEL, case, actor)
    return case


# --- admission and discharge ------------------------------------------------------------------------------
def _not_future(when: datetime.datetime, field: str) -> datetime.datetime:
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > _now() + datetime.timedelta(minutes=5):
        raise DomainError(_("This time is in the future."), field=field, code="in_future")
    return when


def do_admit(*, actor: Any, case: Case, admitted_at: datetime.datetime | None = None) -> Case:
    """Record the admission (only after the pre-authorisation is approved)."""
    case = _hospital_case(actor, case)
    admitted_at = _not_future(admitted_at, "admitted_at") if admitted_at else _now()
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "admit")
        before = case.status
        case.status, case.admitted_at = S.ADMITTED, admitted_at
        case.save()
        _event(case, before, actor)
        _audit(AuditAction.HIMCARE_CASE_ADMIT, case, actor)
        check_case_on_commit(case)
    return case


def do_discharge(
    *,
    actor: Any,
    case: Case,
    discharged_at: datetime.datetime,
    final_icd10_codes: Iterable[str],
    discharge_summary: str,
) -> Case:
    """Record the discharge with the final diagnoses and the summary. A stay shorter than a package's
    minimum only warns (`case.warnings`); the claim officer may part-approve for it."""
    case = _hospital_case(actor, case)
    if not discharged_at:
        raise DomainError(_("Enter the discharge date and time."), field="discharged_at", code="required")
    discharged_at = _not_future(discharged_at, "discharged_at")
    codes = _codes(final_icd10_codes, "final_icd10_codes")
    summary = _text(discharge_summary, "discharge_summary", _("Write the discharge summary."), limit=20_000)
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "discharge")
        if discharged_at < case.admitted_at:
            raise DomainError(
                _("Discharge cannot be before admission (%(admitted)s).")
                % {"admitted": timezone.localtime(case.admitted_at).strftime("%d-%m-%Y %H:%M")},
                field="discharged_at",
                code="discharge_before_admission",
            )
        before = case.status
        case.status, case.discharged_at, case.discharge_summary = S.DISCHARGED, discharged_at, summary
        case.save()
        _add_diagnoses(case, codes, DiagnosisKind.FINAL)
        stay_days = (
            timezone.localtime(discharged_at).date() - timezone.localtime(case.admitted_at).date()
        ).days
        warnings = [
            str(
                _("The stay of %(days)s days is shorter than the %(min)s days of package %(code)s.")
                % {"days": stay_days, "min": p.package.min_stay_days, "code": p.package.code}
            )
            for p in case.packages.select_related("package")
            if stay_days < p.package.min_stay_days
        ]
        _event(case, before, actor, " ".join(warnings))
        _audit(
            AuditAction.HIMCARE_CASE_DISCHARGE, case, actor, stay_days=stay_days, short_stay=bool(warnings)
        )
    case.warnings = warnings
    return case


# --- the claim --------------------------------------------------------------------------------------------
def claim_deadline(case: Case) -> datetime.date | None:
    if not case.discharged_at:
        return None
    days = case.enrolment.scheme_year.claim_submission_days
    return timezone.localtime(case.discharged_at).date() + datetime.timedelta(days=days)


def do_submit_claim(
    *, actor: Any, case: Case, claimed_paise: int | None = None, documents: Sequence[DocumentSpec] = ()
) -> Claim:
    """The hospital claims for a discharged case, within the scheme year's days of discharge, at most the
    amount blocked for the case, with a signed discharge summary and the documents the packages need."""
    case = _hospital_case(actor, case)
    with transaction.atomic():
        case = _lock(case)
        check_transition(case, "submit_claim")
        deadline = claim_deadline(case)
        if _now().date() > deadline:
            raise DomainError(
                _("The claim had to be submitted by %(date)s (%(days)s days after discharge).")
                % {
                    "date": deadline.strftime("%d-%m-%Y"),
                    "days": case.enrolment.scheme_year.claim_submission_days,
                },
                field="status",
                code="claim_too_late",
            )
        amount = (
            case.blocked_paise
            if claimed_paise in (None, "")
            else _positive_amount(claimed_paise, "claimed_paise")
        )
        if amount > case.blocked_paise:
            raise DomainError(
                _("At most %(blocked)s can be claimed: that is what was pre-authorised for this case.")
                % {"blocked": rupees(case.blocked_paise)},
                field="claimed_paise",
                code="above_blocked",
            )
        # A signed discharge summary in the admission record, and the documents: those attached to the case
        # before (API upload) count as well as those sent with the claim (documents.check_claim_ready).
        papers.check_claim_ready(
            case,
            {
                *case.documents.values_list("kind", flat=True),
                *_given_kinds(documents, DocumentKind.DISCHARGE_SUMMARY),
            },
        )
        claim = Claim.objects.create(
            claim_no=uuid.uuid4().hex[:24], case=case, claimed_paise=amount, submitted_by=actor
        )
        claim.claim_no = f"CLM-{_now():%y}-{case.facility_id}-{claim.pk:06d}"
        claim.save(update_fields=["claim_no"])
        before = case.status
        case.status = S.CLAIM_SUBMITTED
        case.save()
        _attach(actor, case, documents, DocumentKind.DISCHARGE_SUMMARY)
        _event(
            case,
            before,
            actor,
            _("Claim %(no)s for %(amount)s.") % {"no": claim.claim_no, "amount": rupees(amount)},
        )
        _audit(
            AuditAction.HIMCARE_CASE_SUBMIT_CLAIM, case, actor, claim_no=claim.claim_no, amount_paise=amount
        )
        check_case_on_commit(case)
    return claim


def _lock_claim(claim: Claim) -> tuple[Claim, Case]:
    case = _lock(claim.case)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.case = case
    return claim, case


def do_adjudicate_claim(
    *,
    actor: Any,
    claim: Claim,
    decision: str,
    approved_paise: int | None = None,
    reason: str = "",
    note: str = "",
) -> Claim:
    """The officer approves in full or in part (spending the approved amount, releasing the rest), queries
    or rejects (with a coded reason; everything blocked is released). Payment is then due within the
    scheme year's `claim_payment_days`."""
    _officer_case(actor, claim.case)
    if decision not in ("approve", "part_approve", "query", "reject"):
        raise DomainError(
            _("Choose approve, part approve, query or reject."), field="decision", code="invalid_choice"
        )
    if reason and reason not in ClaimReason.values:
        raise DomainError(_("Choose a reason from the list."), field="reason", code="invalid_choice")
    note = (note or "").strip()[:500]
    with transaction.atomic():
        claim, case = _lock_claim(claim)
        check_transition(case, "adjudicate_claim")
        before = case.status
        now = _now()
        if decision in ("approve", "part_approve"):
            if decision == "approve":
                amount = (
                    claim.claimed_paise
                    if approved_paise in (None, "")
                    else _positive_amount(approved_paise, "approved_paise")
                )
            else:
                if approved_paise in (None, ""):
                    raise DomainError(
                        _("Enter the amount approved."), field="approved_paise", code="required"
                    )
                amount = _positive_amount(approved_paise, "approved_paise")
                if not reason:
                    raise DomainError(
                        _("Choose the reason for approving only part of the claim."),
                        field="reason",
                        code="required",
                    )
            if amount > case.blocked_paise:
                raise DomainError(
                    _(
                        "%(amount)s cannot be approved: only %(blocked)s is blocked for this case "
                        "in the family's cover."
                    )
                    % {"amount": rupees(amount), "blocked": rupees(case.blocked_paise)},
                    field="approved_paise",
                    code="above_balance",
                )
            if amount > claim.claimed_paise:
                raise DomainError(
                    _("%(amount)s cannot be approved: the claim is for %(claimed)s.")
                    % {"amount": rupees(amount), "claimed": rupees(claim.claimed_paise)},
                    field="approved_paise",
                    code="above_claimed",
                )
            if decision == "approve" and amount < claim.claimed_paise:
                raise DomainError(
                    _("To approve less than claimed, choose part approval with a reason."),
                    field="decision",
                    code="use_part_approve",
                )
            if decision == "part_approve" and amount == claim.claimed_paise:
                raise DomainError(
                    _("This is the full amount claimed: choose approve."),
                    field="decision",
                    code="use_approve",
                )
            wallet.consume(case.enrolment, amount, case=case, actor=actor)
            rest = case.blocked_paise - amount
            if rest:
                wallet.release(case.enrolment, rest, case=case, actor=actor)
            case.blocked_paise = 0
            claim.approved_paise = amount
            claim.status = ClaimStatus.APPROVED if decision == "approve" else ClaimStatus.PART_APPROVED
            case.status = S.CLAIM_APPROVED if decision == "approve" else S.CLAIM_PART_APPROVED
            claim.payment_status = ClaimPaymentStatus.PENDING
            claim.payment_due_on = now.date() + datetime.timedelta(
                days=case.enrolment.scheme_year.claim_payment_days
            )
        elif decision == "query":
            _text(note, "note", _("Write the query for the hospital."))
            claim.status, case.status = ClaimStatus.QUERY, S.CLAIM_QUERY
        else:
            if not reason:
                raise DomainError(
                    _("Choose the reason for rejecting the claim."), field="reason", code="required"
                )
            if case.blocked_paise:
                wallet.release(case.enrolment, case.blocked_paise, case=case, actor=actor)
            case.blocked_paise = 0
            claim.approved_paise = None
            claim.status, case.status = ClaimStatus.REJECTED, S.CLAIM_REJECTED
        claim.reason = reason
        claim.adjudication_note = note
        claim.adjudicated_by, claim.adjudicated_at = actor, now
        claim.save()
        case.save()
        label = ClaimReason(reason).label if reason else ""
        _event(case, before, actor, " ".join(str(x) for x in (label, note) if x))
        _audit(
            AuditAction.HIMCARE_CASE_ADJUDICATE_CLAIM,
            case,
            actor,
            claim_no=claim.claim_no,
            decision=decision,
            approved_paise=claim.approved_paise,
            reason=reason,
        )
    return claim


def do_answer_claim_query(
    *, actor: Any, claim: Claim, text: str, documents: Sequence[DocumentSpec] = ()
) -> Claim:
    """The hospital answers a claim query: the claim is submitted again."""
    _hospital_case(actor, claim.case)
    text = _text(text, "text", _("Write the answer to the query."))
    with transaction.atomic():
        claim, case = _lock_claim(claim)
        check_transition(case, "answer_claim_query")
        before = case.status
        claim.status, case.status = ClaimStatus.SUBMITTED, S.CLAIM_SUBMITTED
        claim.save()
        case.save()
        _attach(actor, case, documents, DocumentKind.OTHER)
        _event(case, before, actor, text)
        _audit(AuditAction.HIMCARE_CASE_ANSWER_CLAIM_QUERY, case, actor, claim_no=claim.claim_no)
    return claim


def do_record_claim_payment(
    *, actor: Any, claim: Claim, payment_ref: str, paid_at: datetime.datetime | None = None
) -> Claim:
    """Record that the scheme paid the hospital for an approved claim."""
    _officer_case(actor, claim.case)
    payment_ref = _text(payment_ref, "payment_ref", _("Enter the payment reference."), limit=64)
    paid_at = _not_future(paid_at, "paid_at") if paid_at else _now()
    with transaction.atomic():
        claim, case = _lock_claim(claim)
        check_transition(case, "record_payment")
        if claim.payment_status == ClaimPaymentStatus.PAID:
            raise Conflict(
                _("This claim was already paid (reference %(ref)s).") % {"ref": claim.payment_ref},
                field="payment_ref",
                code="already_paid",
            )
        claim.payment_status, claim.payment_ref, claim.paid_at = ClaimPaymentStatus.PAID, payment_ref, paid_at
        claim.save()
        _event(case, case.status, actor, _("Paid: %(ref)s") % {"ref": payment_ref})
        _audit(AuditAction.HIMCARE_CASE_RECORD_PAYMENT, case, actor, claim_no=claim.claim_no)
    return claim


# --- escalation of overdue pre-authorisations -------------------------------------------------------------
def escalate_overdue_preauths(now: datetime.datetime | None = None) -> dict[str, int]:
    """Pending pre-authorisations past their due time go up one escalation level (and get a new due time);
    if the scheme year says so, they are deemed approved instead of waiting. Each one is audited."""
    now = now or _now()
    overdue = list(
        Case.objects.filter(status=S.PREAUTH_PENDING, decision_due_at__lt=now)
        .order_by("decision_due_at")
        .values_list("pk", flat=True)
    )
    counts = {"escalated": 0, "deemed_approved": 0}
    for pk in overdue:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("enrolment__scheme_year").get(pk=pk)
            if case.status != S.PREAUTH_PENDING or not case.decision_due_at or case.decision_due_at >= now:
                continue  # decided meanwhile
            year = case.enrolment.scheme_year
            case.escalation_level += 1
            case.escalated_at = now
            if year.preauth_deemed_approved:
                case.status = S.PREAUTH_APPROVED
                case.approved_preauth_paise = case.blocked_paise
                case.decided_by, case.decided_at = None, now
                case.decision_due_at = None
                case.decision_note = str(
                    _("Deemed approved: no decision within %(hours)s hours.")
                    % {"hours": year.preauth_decision_hours}
                )
                note = case.decision_note
                counts["deemed_approved"] += 1
            else:
                case.decision_due_at = now + datetime.timedelta(hours=year.preauth_decision_hours)
                note = str(
                    _("Escalated to level %(level)s: no decision within %(hours)s hours.")
                    % {"level": case.escalation_level, "hours": year.preauth_decision_hours}
                )
            counts["escalated"] += 1
            case.save()
            _event(case, S.PREAUTH_PENDING, None, note)
            _audit(AuditAction.HIMCARE_CASE_ESCALATE, case, None, level=case.escalation_level)
    return counts


# --- reading ----------------------------------------------------------------------------------------------
def cases_for(user: Any) -> QuerySet[Case]:
    """The cases this user may see (deny by default): hospital - its own; district officer - the district's
    hospitals; HIMCARE officer / state admin - all; citizen - their family's."""
    if getattr(user, "role", None) not in READER_ROLES:
        return Case.objects.none()
    return scope_queryset(user, Case.objects.select_related("facility", "person", "enrolment", "claim"))


def get_case(user: Any, pk: int) -> Case:
    if getattr(user, "role", None) not in READER_ROLES:
        raise Forbidden(_("You do not have permission to do this."))
    # cases_for() is scoped already; get_scoped_or_not_found scopes once more, so start from the plain query.
    return get_scoped_or_not_found(
        user, Case.objects.select_related("facility", "person", "enrolment", "claim"), pk=pk
    )


def preauth_queue(user: Any) -> QuerySet[Case]:
    """Pending pre-authorisations for the officer, the earliest due first."""
    require_role(user, *OFFICER_ROLES)
    return cases_for(user).filter(status=S.PREAUTH_PENDING).order_by("decision_due_at", "pk")


def claim_queue(user: Any) -> QuerySet[Case]:
    """Submitted claims waiting for adjudication, oldest first."""
    require_role(user, *OFFICER_ROLES)
    return cases_for(user).filter(status=S.CLAIM_SUBMITTED).order_by("claim__submitted_at", "pk")
