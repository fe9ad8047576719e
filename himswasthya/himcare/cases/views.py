"""HIMCARE pages for cases and claims: the hospital scheme desk (new pre-authorisation, its cases, the actions
of a case), the officer's workbench (pre-authorisation and claim queues) and the citizen's "My claims".
Thin views over services.py; amounts are typed in rupees and kept in paise."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import role_required, scope_queryset
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.codelists.search import icd10_matches
from himswasthya.core.errors import DomainError
from himswasthya.core.money import rupees
from himswasthya.core.views import found_or_404
from himswasthya.himcare.cases import documents as papers
from himswasthya.himcare.cases import forms, services, treatment
from himswasthya.himcare.cases.wallet import balance
from himswasthya.himcare.enrolment.verification import VerificationRequired, require_verified
from himswasthya.himcare.models import (
    CaseStatus,
    Claim,
    ClaimReason,
    Document,
    DocumentKind,
    Empanelment,
    EmpanelmentStatus,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    Package,
    Specialty,
)
from himswasthya.records.models import DischargeCondition

STAFF_READERS = tuple(r for r in services.READER_ROLES if r != Role.CITIZEN)


def _local_input(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


# --- new pre-authorisation ------------------------------------------------------------------------------
def _member_for_desk(request: HttpRequest, choice: forms.MemberChoiceForm) -> EnrolledMember:
    """The enrolled member chosen at verification. Any scheme desk may treat any beneficiary (the
    verification exception of the contract), but only one of a family this user has just verified
    (identifier and second fact, verification.require_verified: VerificationRequired otherwise, the same
    for an id that does not exist); the read is audited."""
    member_id = choice.cleaned_data.get("enrolled_member") if choice.is_valid() else None
    member = (
        EnrolledMember.objects.select_related("enrolment__scheme_year", "person", "member")
        .filter(pk=member_id)
        .first()
        if member_id
        else None
    )
    member = require_verified(request, member)
    if member.enrolment.status != EnrolmentStatus.ACTIVE:
        raise Http404
    record_read(
        "himcare.EnrolledMember", member.pk, purpose=services.PURPOSE, action=AuditAction.HIMCARE_MEMBER_READ
    )
    return member


@role_required(*services.HOSPITAL_ROLES)
@require_http_methods(["GET", "POST"])
def new_case_view(request: HttpRequest) -> HttpResponse:
    choice = forms.MemberChoiceForm(request.GET if request.method == "GET" else request.POST)
    try:
        member = _member_for_desk(request, choice)
    except VerificationRequired as exc:
        return render(request, "himcare/cases/verify_first.html", {"message": exc.message}, status=exc.status)
    facility = request.user.facility
    today = timezone.localdate()
    empanelled = Empanelment.objects.filter(
        facility=facility, status=EmpanelmentStatus.ACTIVE, valid_from__lte=today, valid_to__gte=today
    ).values_list("specialty_id", flat=True)
    specialties = Specialty.objects.filter(pk__in=empanelled).order_by("code")
    chosen_specialty = choice.cleaned_data.get("specialty", "")
    packages = Package.objects.filter(is_active=True, specialty__in=specialties).select_related("specialty")
    if chosen_specialty:
        packages = packages.filter(specialty__code=chosen_specialty)
    errors: dict[str, str] = {}
    status = 200
    form = forms.PreauthForm(request.POST, request.FILES) if request.method == "POST" else forms.PreauthForm()
    if form.is_bound:
        try:
            case = services.do_raise_preauth(
                actor=request.user, enrolled_member=member, facility=facility, **form.arguments()
            )
        except DomainError as exc:
            shown = {"package_ids", "provisional_icd10_codes", "estimated_paise", "file", "kind", "documents"}
            errors[exc.field if exc.field in shown else "general"] = str(exc.message)
            status = exc.status
        else:
            messages.success(request, _("Pre-authorisation %(no)s raised.") % {"no": case.case_no})
            return redirect("himcare:case_detail", case_id=case.pk)
    now = balance(member.enrolment)
    packages = list(packages.order_by("specialty__code", "code")[:300])
    for package in packages:
        package.rate = rupees(package.rate_paise)
        package.needed = papers.kind_labels(papers.package_documents(package, papers.PREAUTH))
    return render(
        request,
        "himcare/cases/new.html",
        {
            "member": member,
            "facility": facility,
            "specialties": specialties,
            "chosen_specialty": chosen_specialty,
            "packages": packages,
            "checked": set(form["packages"].value() or ()),
            "available": rupees(now.available_paise),
            "errors": errors,
            "form": form.data,
            "document_kinds": DocumentKind.choices,
            # One file input per kind any package shown may need; the service says which are missing.
            "needed_inputs": _kind_inputs(papers.required_documents(packages, papers.PREAUTH)),
        },
        status=status,
    )


def _kind_inputs(kinds: list[str]) -> list[dict[str, Any]]:
    return [{"kind": kind, "label": DocumentKind(kind).label} for kind in kinds]


@role_required(*services.HOSPITAL_ROLES, *services.OFFICER_ROLES, Role.DOCTOR)
def icd10_search_view(request: HttpRequest) -> HttpResponse:
    """HTML fragment of codable ICD-10 codes for the search box (fetched by the page's script)."""
    return render(
        request, "himcare/cases/_icd10_results.html", {"codes": icd10_matches(request.GET.get("q", ""))}
    )


def _money(enrolment: Enrolment | int) -> dict[str, str]:
    """The family's wallet as the pages show it (the table of _wallet.html)."""
    now = balance(enrolment)
    return {
        "cover": rupees(now.cover_paise),
        "blocked": rupees(now.blocked_paise),
        "consumed": rupees(now.consumed_paise),
        "available": rupees(now.available_paise),
    }


# --- lists ----------------------------------------------------------------------------------------------
@role_required(*STAFF_READERS)
def case_list_view(request: HttpRequest) -> HttpResponse:
    rows = services.cases_for(request.user).select_related("facility", "person")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "himcare/cases/list.html",
        {"cases": rows.order_by("-raised_at")[:200], "statuses": CaseStatus.choices, "status": status},
    )


@role_required(*services.OFFICER_ROLES)
def preauth_queue_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = list(services.preauth_queue(request.user).select_related("facility", "person")[:200])
    for case in rows:
        case.is_overdue = bool(case.decision_due_at and case.decision_due_at < now)
    return render(request, "himcare/cases/preauth_queue.html", {"cases": rows})


@role_required(*services.OFFICER_ROLES)
def claim_queue_view(request: HttpRequest) -> HttpResponse:
    # No decision in the queue (issue #12 item 6): each claim links to its case page, where the documents
    # are listed next to the decision form, so a claim is never approved without its documents in view.
    rows = list(
        services.claim_queue(request.user)
        .select_related("facility", "person", "claim")
        .prefetch_related("documents", "packages__package")[:200]
    )
    for case in rows:
        case.claimed, case.blocked = rupees(case.claim.claimed_paise), rupees(case.blocked_paise)
        case.papers = _papers(case, papers.CLAIM)
    return render(request, "himcare/cases/claim_queue.html", {"cases": rows})


@role_required(Role.CITIZEN)
def my_claims_view(request: HttpRequest) -> HttpResponse:
    rows = list(
        services.cases_for(request.user).prefetch_related("packages__package").order_by("-raised_at")[:200]
    )
    enrolment = (
        scope_queryset(request.user, Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE))
        .order_by("-valid_to")
        .first()
    )
    for case in rows:
        claim = getattr(case, "claim", None)
        case.approved = rupees(claim.approved_paise) if claim and claim.approved_paise is not None else ""
    money = _money(enrolment) if enrolment is not None else None
    return render(request, "himcare/cases/mine.html", {"cases": rows, "money": money, "enrolment": enrolment})


# --- one case and its actions ---------------------------------------------------------------------------
def _detail_context(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = found_or_404(services.get_case, request.user, case_id)
    case = (
        type(case)
        .objects.select_related("facility", "person", "enrolment__scheme_year", "enrolled_member")
        .prefetch_related("packages__package", "diagnoses__icd10", "events__actor", "documents")
        .get(pk=case.pk)
    )
    try:
        claim = case.claim
    except Claim.DoesNotExist:
        claim = None
    labels = dict(CaseStatus.choices)
    events = [
        {
            "at": e.at,
            "from": labels.get(e.from_status, ""),
            "to": labels.get(e.to_status, e.to_status),
            "note": e.note,
        }
        for e in case.events.all()
    ]
    amounts = {
        "estimated": rupees(case.estimated_paise),
        "preauth": rupees(case.approved_preauth_paise) if case.approved_preauth_paise is not None else "",
        "blocked": rupees(case.blocked_paise),
        "claimed": rupees(claim.claimed_paise) if claim else "",
        "approved": rupees(claim.approved_paise) if claim and claim.approved_paise is not None else "",
    }
    return {
        "case": case,
        # The treatment data: the admission record as records lets this user read it (audited there).
        "record": treatment.case_record(request.user, case),
        "may_write_record": treatment.may_write_record(request.user, case),
        "discharge_summary_signed": papers.has_discharge_summary(case),
        "documents": [_document_row(case, d) for d in case.documents.all()],
        "preauth_papers": _papers(case, papers.PREAUTH),
        "claim_papers": _papers(case, papers.CLAIM),
        # After a claim decision the officer goes back to the queue for the next one.
        "next": reverse("himcare:claim_queue") if request.user.role in services.OFFICER_ROLES else "",
        "events": events,
        "amounts": amounts,
        "claim": claim,
        "actions": services.actions_for(request.user, case),
        "money": _money(case.enrolment_id),
        "claim_deadline": services.claim_deadline(case),
        "now_input": _local_input(timezone.now()),
        "reasons": ClaimReason.choices,
        "document_kinds": DocumentKind.choices,
        "is_overdue": bool(
            case.status == CaseStatus.PREAUTH_PENDING
            and case.decision_due_at
            and case.decision_due_at < timezone.now()
        ),
        "errors": {},
        "form": {},
        "failed_action": "",
    }


def _document_row(case: Any, document: Document) -> dict[str, Any]:
    url = reverse("himcare:case_document", args=[case.pk, document.pk]) if document.file else ""
    return {"document": document, "label": DocumentKind(document.kind).label, "url": url}


def _papers(case: Any, stage: str) -> list[dict[str, Any]]:
    """The kinds the case's packages need at `stage`, each with whether the case has one."""
    have = {d.kind for d in case.documents.all()}
    needed = papers.required_documents((p.package for p in case.packages.all()), stage)
    return [{"kind": k, "label": DocumentKind(k).label, "present": k in have} for k in needed]


@role_required(*services.READER_ROLES)
def case_document_view(request: HttpRequest, case_id: int, document_id: int) -> FileResponse:
    """One document of a case, to whoever may read the case; shown in the browser, never run (the type
    was decided from the bytes at upload), and audited."""
    case = found_or_404(services.get_case, request.user, case_id)
    document = Document.objects.filter(case=case, pk=document_id).exclude(file="").first()
    if document is None:
        raise Http404
    record_read(
        "himcare.Document",
        document.pk,
        purpose=services.PURPOSE,
        facility_id=case.facility_id,
        action=AuditAction.HIMCARE_DOCUMENT_READ,
        detail={"case_no": case.case_no, "kind": document.kind},
    )
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None  # the row without its file (a restored database): nothing to show
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = f'inline; filename="{case.case_no}-{document.kind}-{document.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*services.READER_ROLES)
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    context = _detail_context(request, case_id)
    if request.user.role != Role.CITIZEN:
        record_read(
            "himcare.Case",
            case_id,
            purpose=services.PURPOSE,
            facility_id=context["case"].facility_id,
            action=AuditAction.HIMCARE_CASE_READ,
        )
    return render(request, "himcare/cases/detail.html", context)


@dataclass(frozen=True)
class CaseAction:
    """An action of the case page: the form of its POST body, the service it calls, the message when done."""

    form: type[forms.CaseActionForm]
    service: Callable[..., Any]
    done: Any
    on_claim: bool = False  # the service takes the case's claim, not the case


ACTIONS = {
    "decide_preauth": CaseAction(
        forms.DecidePreauthForm,
        services.do_decide_preauth,
        _("The pre-authorisation decision is recorded."),
    ),
    "answer_query": CaseAction(
        forms.AnswerQueryForm, services.do_answer_query, _("The answer is sent to the HIMCARE officer.")
    ),
    "cancel": CaseAction(
        forms.CancelForm,
        services.do_cancel_case,
        _("The case is cancelled and the family's balance released."),
    ),
    "admit": CaseAction(forms.AdmitForm, services.do_admit, _("The admission is recorded.")),
    "discharge": CaseAction(forms.DischargeForm, services.do_discharge, _("The discharge is recorded.")),
    "submit_claim": CaseAction(forms.SubmitClaimForm, services.do_submit_claim, _("The claim is submitted.")),
    "adjudicate_claim": CaseAction(
        forms.AdjudicateClaimForm,
        services.do_adjudicate_claim,
        _("The claim decision is recorded."),
        on_claim=True,
    ),
    "answer_claim_query": CaseAction(
        forms.AnswerQueryForm,
        services.do_answer_claim_query,
        _("The answer is sent to the HIMCARE officer."),
        on_claim=True,
    ),
    "record_payment": CaseAction(
        forms.RecordPaymentForm,
        services.do_record_claim_payment,
        _("The payment is recorded."),
        on_claim=True,
    ),
}


def _run(request: HttpRequest, action: CaseAction, case, form: forms.CaseActionForm) -> Any:
    """The action's service called with the form's values on the case, or on its claim (none yet: 404)."""
    if not action.on_claim:
        return action.service(actor=request.user, case=case, **form.arguments())
    claim = Claim.objects.filter(case=case).first()
    if claim is None:
        raise Http404
    return action.service(actor=request.user, claim=claim, **form.arguments())


@role_required(*services.HOSPITAL_ROLES, *services.OFFICER_ROLES)
@require_POST
def case_action_view(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = found_or_404(services.get_case, request.user, case_id)
    form = ACTIONS[action].form(request.POST, request.FILES)
    try:
        result = _run(request, ACTIONS[action], case, form)
    except DomainError as exc:
        context = _detail_context(request, case_id)
        shown_in_form = action in context["actions"]
        context.update(
            errors={exc.field or "general": str(exc.message)},
            form=form.data,
            failed_action=action if shown_in_form else "",
        )
        return render(request, "himcare/cases/detail.html", context, status=exc.status)
    messages.success(request, ACTIONS[action].done)
    for warning in getattr(result, "warnings", []) or []:
        messages.warning(request, warning)
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(reverse("himcare:case_detail", args=[case_id]))


# --- the case's admission record (cases/treatment.py) -----------------------------------------------------
RECORD_ACTIONS = {
    "open": (treatment.do_open_record, _("The admission record is open.")),
    "sign": (treatment.do_sign_record, _("The admission record is signed.")),
    "correct": (treatment.do_correct_record, _("A new version of the admission record is open for changes.")),
}


def _record_rows(record: Any, form_data: Any, count: int) -> list[dict[str, Any]]:
    """The procedure rows of the page: what was typed (after a refusal) or the record's, then blank rows."""
    if form_data:
        return [
            {
                "name": form_data.get(f"procedure_name_{i}", ""),
                "code": form_data.get(f"procedure_code_{i}", ""),
                "performed_on": form_data.get(f"procedure_on_{i}", ""),
            }
            for i in range(count)
        ]
    rows = [
        {"name": p.name, "code": p.code, "performed_on": p.performed_on.isoformat()}
        for p in (record.procedures.all() if record is not None else ())
    ]
    return rows + [{"name": "", "code": "", "performed_on": ""} for _ in range(count - len(rows))]


def _record_form_values(case: Any, record: Any) -> dict[str, Any]:
    """The draft's values as the form shows them."""
    if record is None:
        return {}
    summary = getattr(record, "discharge_summary", None)
    admitted = record.admitted_at or case.admitted_at
    return {
        "chief_complaints": record.chief_complaints,
        "examination_notes": record.examination_notes,
        "investigations_advised": record.investigations_advised,
        "admitted_at": _local_input(admitted) if admitted else "",
        "diagnoses": ", ".join(d.icd10.code for d in record.diagnoses.all()),
        "discharged_at": _local_input(summary.discharged_at)
        if summary
        else (_local_input(case.discharged_at) if case.discharged_at else ""),
        "course_in_hospital": summary.course_in_hospital if summary else "",
        "condition_at_discharge": summary.condition_at_discharge if summary else "",
        "discharge_advice": summary.discharge_advice if summary else "",
    }


@role_required(*services.HOSPITAL_ROLES)
@require_http_methods(["GET", "POST"])
def case_record_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """The hospital desk's page for the case's admission record: open it, write the draft (admission
    notes, procedures, discharge summary and diagnoses), sign it, start a correction. Thin over
    cases/treatment.py."""
    case = found_or_404(services.get_case, request.user, case_id)
    error: DomainError | None = None
    error_row: int | None = None
    form_data: Any = None
    form: forms.RecordForm | None = None
    if request.method == "POST":
        action = request.POST.get("do", "")
        try:
            if action == "save":
                count = max(3, min(int(request.POST.get("rows") or 3), 50))
                form = forms.RecordForm(request.POST, rows=count)
                data = form.data_for_records()
                treatment.do_save_record(actor=request.user, case=case, data=data)
                messages.success(request, _("The draft of the admission record is saved."))
            elif action in RECORD_ACTIONS:
                service, done = RECORD_ACTIONS[action]
                service(actor=request.user, case=case)
                messages.success(request, done)
            else:
                raise Http404
        except DomainError as exc:
            error, form_data = exc, (request.POST if action == "save" else None)
            field = exc.field or ""
            if field.startswith("procedures[") and action == "save":
                k = int(field[len("procedures[") : field.index("]")])
                rows_of = getattr(form, "row_of", [])
                error_row = rows_of[k] if k < len(rows_of) else None
        else:
            return redirect(reverse("himcare:case_record", args=[case.pk]))
    record = treatment.case_record(request.user, case)
    writable = treatment.may_write_record(request.user, case)
    count = max(3, (record.procedures.count() + 1) if record is not None else 3)
    if form_data:
        count = max(3, min(int(form_data.get("rows") or 3), 50))
    rows = _record_rows(record, form_data, count)
    for i, row in enumerate(rows):
        row["index"], row["error"] = i, bool(error is not None and error_row == i)
    values = form_data if form_data else _record_form_values(case, record)
    if not values.get("admitted_at") and case.admitted_at:
        values = {**values, "admitted_at": _local_input(case.admitted_at)}
    packages = [p.package for p in case.packages.select_related("package")]
    return render(
        request,
        "himcare/cases/record.html",
        {
            "case": case,
            "record": record,
            "writable": writable,
            "editing": writable and record is not None and not record.is_signed,
            "values": values,
            "rows": rows,
            "row_count": len(rows),
            "packages": packages,
            "conditions": DischargeCondition.choices,
            "error": error,
            "error_field": (error.field or "") if error is not None else "",
            "discharge_summary_signed": papers.has_discharge_summary(case),
        },
        status=error.status if error is not None else 200,
    )
