"""The case services: every transition allowed and refused, amounts, deadlines, escalation, the wallet."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, Forbidden, NotFound
from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.cases import wallet
from himswasthya.himcare.models import (
    CaseDiagnosis,
    CaseEvent,
    CaseStatus,
    ClaimPaymentStatus,
    ClaimStatus,
    Document,
    EmpanelmentStatus,
    EnrolmentStatus,
    MisuseFlag,
    MisuseRule,
    Package,
    PackageKind,
    WalletEntry,
)
from himswasthya.himcare.tests.factories import (
    attach_claim_papers,
    make_icd10,
    make_package,
    make_specialty,
    needed_papers,
    sign_discharge_summary,
)
from himswasthya.himparivar.models import Member, MemberStatus

RATE = 22_800_00


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.localtime()

        def set(self, when):
            self.now = timezone.localtime(when)

        def advance(self, **delta):
            self.now = self.now + datetime.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(cases, "_now", lambda: c.now)
    return c


@pytest.fixture
def patient(active_enrolment):
    return active_enrolment.members.order_by("id")[1]


@pytest.fixture
def setup(
    scheme_desk, himcare_officer, patient, surgery_package, empanelment, gallstone_icd10, persona_facility
):
    return {
        "desk": scheme_desk,
        "officer": himcare_officer,
        "patient": patient,
        "package": surgery_package,
        "facility": persona_facility,
    }


def raise_case(setup, **kwargs):
    values = {
        "actor": setup["desk"],
        "enrolled_member": setup["patient"],
        "facility": setup["facility"],
        "package_ids": [setup["package"].pk],
        "provisional_icd10_codes": ["K80.2"],
    }
    values.update(kwargs)
    values.setdefault("documents", needed_papers(Package.objects.filter(pk__in=values["package_ids"])))
    return cases.do_raise_preauth(**values)


def approved_case(setup, **kwargs):
    case = raise_case(setup, **kwargs)
    return cases.do_decide_preauth(actor=setup["officer"], case=case, decision="approve")


def discharge(setup, clock, case, *, discharged_at=None, codes=("K80.2",), summary="x"):
    """The scheme desk discharges `case` (at the clock's now unless `discharged_at` says otherwise)."""
    return cases.do_discharge(
        actor=setup["desk"],
        case=case,
        discharged_at=clock.now if discharged_at is None else discharged_at,
        final_icd10_codes=list(codes),
        discharge_summary=summary,
    )


def discharged_case(setup, clock, **kwargs):
    case = approved_case(setup, **kwargs)
    case = cases.do_admit(actor=setup["desk"], case=case, admitted_at=clock.now - datetime.timedelta(days=4))
    case = discharge(
        setup,
        clock,
        case,
        discharged_at=clock.now - datetime.timedelta(hours=1),
        summary="Open cholecystectomy, uneventful recovery.",
    )
    attach_claim_papers(case, setup["desk"])
    sign_discharge_summary(setup["desk"], case)
    return case


def available(enrolment):
    return wallet.balance(enrolment).available_paise


# --- raising ----------------------------------------------------------------------------------------------
def test_raise_blocks_the_package_total_and_sets_the_due_time(setup, clock, active_enrolment, scheme_year):
    case = raise_case(setup)
    assert case.status == CaseStatus.PREAUTH_PENDING
    assert case.case_no == f"CASE-{clock.now:%y}-{setup['facility'].pk}-{case.pk:06d}"
    assert case.blocked_paise == case.estimated_paise == RATE
    assert case.decision_due_at == clock.now + datetime.timedelta(hours=scheme_year.preauth_decision_hours)
    assert available(active_enrolment) == active_enrolment.cover_paise - RATE
    assert WalletEntry.objects.get().kind == "block"
    assert CaseDiagnosis.objects.get(case=case).kind == "provisional"
    assert case.packages.get().rate_paise == RATE
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.filter(action="himcare_case.raise_preauth", object_id=str(case.pk)).exists()
    assert case.encounter_ref == ""


def test_raise_with_an_estimate_and_quantities(setup, active_enrolment):
    case = raise_case(setup, package_ids={setup["package"].pk: 2}, estimated_paise=30_000_00)
    assert case.blocked_paise == 30_000_00 and case.packages.get().quantity == 2
    with pytest.raises(DomainError) as caught:
        raise_case(setup, estimated_paise=RATE + 1)
    assert caught.value.field == "estimated_paise" and caught.value.code == "estimate_above_packages"


def test_raise_refusals(setup, active_enrolment, other_scheme_desk, clerk, persona_facility):
    with pytest.raises(Forbidden):
        raise_case(setup, actor=clerk)
    with pytest.raises(Forbidden):
        raise_case(setup, actor=other_scheme_desk)
    with pytest.raises(DomainError) as caught:
        raise_case(setup, provisional_icd10_codes=["ZZ9.9"])
    assert caught.value.code == "unknown_icd10" and caught.value.field == "provisional_icd10_codes"
    make_icd10("K80", "Cholelithiasis").__class__.objects.filter(code="K80").update(is_codable=False)
    with pytest.raises(DomainError) as caught:
        raise_case(setup, provisional_icd10_codes=["K80"])
    assert caught.value.code == "icd10_not_codable"
    with pytest.raises(DomainError) as caught:
        raise_case(setup, provisional_icd10_codes=[])
    assert caught.value.code == "required"
    with pytest.raises(DomainError) as caught:
        raise_case(setup, package_ids=[])
    assert caught.value.field == "package_ids"
    medical = make_package("SG001M", specialty=setup["package"].specialty, kind=PackageKind.MEDICAL)
    with pytest.raises(DomainError) as caught:
        raise_case(setup, package_ids=[setup["package"].pk, medical.pk])
    assert caught.value.code == "medical_surgical_mix"
    other = make_package("OR001A", specialty=make_specialty("OR", "Orthopaedics", "अस्थि रोग"))
    with pytest.raises(DomainError) as caught:
        raise_case(setup, package_ids=[other.pk])
    assert caught.value.code == "not_empanelled"
    setup["package"].specialty.empanelments.update(status=EmpanelmentStatus.SUSPENDED)
    with pytest.raises(DomainError) as caught:
        raise_case(setup)
    assert caught.value.code == "not_empanelled"
    assert not WalletEntry.objects.exists()


def test_raise_refused_when_the_card_is_not_active(setup, active_enrolment):
    active_enrolment.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    active_enrolment.valid_from = active_enrolment.valid_to - datetime.timedelta(days=30)
    active_enrolment.save()
    with pytest.raises(DomainError) as caught:
        raise_case(setup)
    assert caught.value.code == "enrolment_not_active" and caught.value.field == "enrolled_member"
    active_enrolment.refresh_from_db()
    active_enrolment.status = EnrolmentStatus.CANCELLED
    active_enrolment.save()


def test_raise_above_the_balance_is_refused_with_rupees(setup, active_enrolment):
    wallet.block(active_enrolment, active_enrolment.cover_paise - 10_000_00, case=None, actor=None)
    with pytest.raises(wallet.InsufficientBalance) as caught:
        raise_case(setup)
    assert "₹10,000" in str(caught.value.message) and caught.value.field == "estimated_paise"
    assert not cases.Case.objects.exists()


def test_package_without_preauth_is_approved_at_once(setup, active_enrolment):
    daycare = make_package(
        "SG100D", specialty=setup["package"].specialty, kind=PackageKind.DAY_CARE, needs_preauth=False
    )
    case = raise_case(setup, package_ids=[daycare.pk])
    assert case.status == CaseStatus.PREAUTH_APPROVED and case.decided_by is None
    assert case.approved_preauth_paise == daycare.rate_paise and case.decision_note


# --- deciding ---------------------------------------------------------------------------------------------
def test_approve_lower_releases_the_difference(setup, active_enrolment):
    case = raise_case(setup)
    case = cases.do_decide_preauth(
        actor=setup["officer"], case=case, decision="approve", approved_paise=20_000_00, note="ok"
    )
    assert case.status == CaseStatus.PREAUTH_APPROVED
    assert case.blocked_paise == case.approved_preauth_paise == 20_000_00
    assert available(active_enrolment) == active_enrolment.cover_paise - 20_000_00
    with pytest.raises(DomainError) as caught:
        cases.do_decide_preauth(actor=setup["officer"], case=case, decision="approve")
    assert caught.value.code == "invalid_transition"
    assert "Pre-authorisation approved" in str(caught.value.message)


def test_approve_above_blocked_is_refused(setup, active_enrolment):
    case = raise_case(setup)
    with pytest.raises(DomainError) as caught:
        cases.do_decide_preauth(
            actor=setup["officer"], case=case, decision="approve", approved_paise=RATE + 1
        )
    assert caught.value.code == "above_blocked" and "₹22,800" in str(caught.value.message)


def test_query_answer_and_reject(setup, clock, active_enrolment, scheme_year):
    case = raise_case(setup)
    with pytest.raises(DomainError):
        cases.do_decide_preauth(actor=setup["officer"], case=case, decision="query", note="")
    case = cases.do_decide_preauth(
        actor=setup["officer"], case=case, decision="query", note="Send USG report"
    )
    assert case.status == CaseStatus.PREAUTH_QUERY and case.query_text == "Send USG report"
    assert case.decision_due_at is None
    with pytest.raises(DomainError) as caught:
        cases.do_admit(actor=setup["desk"], case=case)
    assert "'Pre-authorisation queried'" in str(caught.value.message)
    clock.advance(hours=2)
    case = cases.do_answer_query(actor=setup["desk"], case=case, text="USG attached", documents=[])
    assert case.status == CaseStatus.PREAUTH_PENDING
    assert case.decision_due_at == clock.now + datetime.timedelta(hours=scheme_year.preauth_decision_hours)
    with pytest.raises(DomainError):
        cases.do_decide_preauth(actor=setup["officer"], case=case, decision="reject")  # needs a note
    case = cases.do_decide_preauth(actor=setup["officer"], case=case, decision="reject", note="Not indicated")
    assert case.status == CaseStatus.PREAUTH_REJECTED and case.blocked_paise == 0
    assert available(active_enrolment) == active_enrolment.cover_paise
    with pytest.raises(DomainError) as caught:
        cases.do_cancel_case(actor=setup["desk"], case=case, reason="x")
    assert "Nothing more can be done" in str(caught.value.message)


def test_only_officers_decide(setup, active_enrolment, citizen, district_officer):
    case = raise_case(setup)
    for actor in (setup["desk"], citizen, district_officer):
        with pytest.raises(Forbidden):
            cases.do_decide_preauth(actor=actor, case=case, decision="approve")


def test_cancel_releases_everything(setup, active_enrolment):
    case = approved_case(setup)
    with pytest.raises(DomainError):
        cases.do_cancel_case(actor=setup["desk"], case=case, reason="")
    case = cases.do_cancel_case(actor=setup["desk"], case=case, reason="Patient went home")
    assert case.status == CaseStatus.CANCELLED and available(active_enrolment) == active_enrolment.cover_paise


def test_other_hospital_cannot_touch_the_case(setup, active_enrolment, other_scheme_desk):
    case = approved_case(setup)
    with pytest.raises(NotFound):
        cases.do_admit(actor=other_scheme_desk, case=case)
    with pytest.raises(NotFound):
        cases.do_cancel_case(actor=other_scheme_desk, case=case, reason="x")


# --- admission, discharge ---------------------------------------------------------------------------------
def test_admit_only_after_approval(setup, clock, active_enrolment):
    case = raise_case(setup)
    with pytest.raises(DomainError) as caught:
        cases.do_admit(actor=setup["desk"], case=case)
    assert caught.value.code == "invalid_transition"
    assert "this case is 'Pre-authorisation pending'" in str(caught.value.message)
    case = cases.do_decide_preauth(actor=setup["officer"], case=case, decision="approve")
    with pytest.raises(DomainError) as caught:
        cases.do_admit(actor=setup["desk"], case=case, admitted_at=clock.now + datetime.timedelta(days=1))
    assert caught.value.code == "in_future"
    case = cases.do_admit(actor=setup["desk"], case=case)
    assert case.status == CaseStatus.ADMITTED and case.admitted_at == clock.now
    with pytest.raises(DomainError):
        cases.do_cancel_case(actor=setup["desk"], case=case, reason="x")


def test_discharge_rules_and_short_stay_warning(setup, clock, active_enrolment):
    case = approved_case(setup)
    with pytest.raises(DomainError) as caught:
        discharge(setup, clock, case)
    assert "only after admission" in str(caught.value.message)
    case = cases.do_admit(actor=setup["desk"], case=case, admitted_at=clock.now - datetime.timedelta(days=1))
    with pytest.raises(DomainError) as caught:
        discharge(setup, clock, case, codes=())
    assert caught.value.field == "final_icd10_codes"
    with pytest.raises(DomainError) as caught:
        discharge(setup, clock, case, summary="  ")
    assert caught.value.field == "discharge_summary"
    with pytest.raises(DomainError) as caught:
        discharge(setup, clock, case, discharged_at=clock.now - datetime.timedelta(days=2))
    assert caught.value.code == "discharge_before_admission"
    case = discharge(setup, clock, case, summary="Recovered")
    assert case.status == CaseStatus.DISCHARGED
    assert len(case.warnings) == 1 and "shorter than the 3 days" in case.warnings[0]
    assert case.diagnoses.filter(kind="final").count() == 1


# --- the claim --------------------------------------------------------------------------------------------
def test_claim_only_after_discharge(setup, clock, active_enrolment):
    case = approved_case(setup)
    case = cases.do_admit(actor=setup["desk"], case=case)
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=setup["desk"], case=case)
    assert str(caught.value.message).startswith(
        "A claim can be submitted only after discharge; this case is 'Admitted'."
    )
    assert "Allowed now: discharge" in str(caught.value.message)


def test_claim_deadline(setup, clock, active_enrolment, scheme_year):
    case = discharged_case(setup, clock)
    deadline = timezone.localtime(case.discharged_at).date() + datetime.timedelta(days=7)
    assert cases.claim_deadline(case) == deadline
    clock.set(
        timezone.make_aware(
            datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(9))
        )
    )
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=setup["desk"], case=case)
    assert caught.value.code == "claim_too_late" and deadline.strftime("%d-%m-%Y") in str(
        caught.value.message
    )
    clock.set(timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 0))))
    claim = cases.do_submit_claim(actor=setup["desk"], case=case)
    assert claim.status == ClaimStatus.SUBMITTED


def test_claim_amount_at_most_blocked(setup, clock, active_enrolment):
    case = discharged_case(setup, clock)
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=setup["desk"], case=case, claimed_paise=RATE + 100)
    assert caught.value.code == "above_blocked"
    claim = cases.do_submit_claim(actor=setup["desk"], case=case, claimed_paise=20_000_00)
    assert claim.claimed_paise == 20_000_00
    assert claim.claim_no == f"CLM-{clock.now:%y}-{case.facility_id}-{claim.pk:06d}"
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=setup["desk"], case=case)
    assert caught.value.code == "invalid_transition"


def test_whole_path_the_balance_falls(setup, clock, active_enrolment, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    cover = active_enrolment.cover_paise
    case = raise_case(
        setup,
        documents=[
            ("clinical_notes", SimpleUploadedFile("n.pdf", b"%PDF-1.4 notes", "application/pdf")),
            {"kind": "investigation", "reference": "LAB-7"},
        ],
    )
    assert available(active_enrolment) == cover - RATE
    case = cases.do_decide_preauth(actor=setup["officer"], case=case, decision="approve")
    case = cases.do_admit(actor=setup["desk"], case=case, admitted_at=clock.now - datetime.timedelta(days=4))
    case = discharge(
        setup, clock, case, discharged_at=clock.now - datetime.timedelta(hours=2), summary="Recovered"
    )
    assert case.warnings == []
    sign_discharge_summary(setup["desk"], case)
    claim = cases.do_submit_claim(
        actor=setup["desk"],
        case=case,
        documents=[
            {"kind": "discharge_summary", "reference": "DS-1"},
            {"kind": "operation_notes", "reference": "OT-1"},
            {"kind": "bill", "reference": "B-1"},
        ],
    )
    assert Document.objects.filter(case=case).count() == 5
    assert available(active_enrolment) == cover - RATE  # still blocked
    claim = cases.do_adjudicate_claim(actor=setup["officer"], claim=claim, decision="approve")
    assert claim.status == ClaimStatus.APPROVED and claim.approved_paise == RATE
    assert claim.payment_status == ClaimPaymentStatus.PENDING
    assert claim.payment_due_on == clock.now.date() + datetime.timedelta(days=15)
    now = wallet.balance(active_enrolment)
    assert (now.blocked_paise, now.consumed_paise, now.available_paise) == (0, RATE, cover - RATE)
    claim = cases.do_record_claim_payment(actor=setup["officer"], claim=claim, payment_ref="UTR123")
    assert claim.payment_status == ClaimPaymentStatus.PAID
    with pytest.raises(DomainError) as caught:
        cases.do_record_claim_payment(actor=setup["officer"], claim=claim, payment_ref="UTR124")
    assert caught.value.code == "already_paid"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLAIM_APPROVED
    statuses = list(case.events.values_list("to_status", flat=True))
    assert statuses == [
        "preauth_pending",
        "preauth_approved",
        "admitted",
        "discharged",
        "claim_submitted",
        "claim_approved",
        "claim_approved",
    ]
    totals = wallet.ledger_totals(active_enrolment)
    assert totals == {"block": RATE, "release": 0, "consume": RATE}


def test_part_approval_needs_a_reason_and_releases_the_rest(setup, clock, active_enrolment):
    case = discharged_case(setup, clock)
    claim = cases.do_submit_claim(actor=setup["desk"], case=case)
    with pytest.raises(DomainError) as caught:
        cases.do_adjudicate_claim(
            actor=setup["officer"], claim=claim, decision="part_approve", approved_paise=10_000_00
        )
    assert caught.value.field == "reason"
    with pytest.raises(DomainError) as caught:
        cases.do_adjudicate_claim(
            actor=setup["officer"], claim=claim, decision="approve", approved_paise=10_000_00
        )
    assert caught.value.code == "use_part_approve"
    with pytest.raises(DomainError) as caught:
        cases.do_adjudicate_claim(
            actor=setup["officer"],
            claim=claim,
            decision="part_approve",
            approved_paise=RATE + 1,
            reason="excess_amount",
        )
    assert caught.value.code == "above_balance" and "₹22,800" in str(caught.value.message)
    claim = cases.do_adjudicate_claim(
        actor=setup["officer"],
        claim=claim,
        decision="part_approve",
        approved_paise=15_000_00,
        reason="stay_too_short",
        note="Stay 4 days",
    )
    assert claim.status == ClaimStatus.PART_APPROVED and claim.approved_paise == 15_000_00
    now = wallet.balance(active_enrolment)
    assert (now.blocked_paise, now.consumed_paise) == (0, 15_000_00)
    assert wallet.ledger_totals(active_enrolment) == {
        "block": RATE,
        "release": RATE - 15_000_00,
        "consume": 15_000_00,
    }


def test_claim_query_answer_and_reject(setup, clock, active_enrolment):
    case = discharged_case(setup, clock)
    claim = cases.do_submit_claim(actor=setup["desk"], case=case)
    claim = cases.do_adjudicate_claim(
        actor=setup["officer"], claim=claim, decision="query", note="Bill missing"
    )
    assert claim.status == ClaimStatus.QUERY and claim.case.status == CaseStatus.CLAIM_QUERY
    with pytest.raises(DomainError):
        cases.do_adjudicate_claim(actor=setup["officer"], claim=claim, decision="approve")
    claim = cases.do_answer_claim_query(actor=setup["desk"], claim=claim, text="Bill attached")
    assert claim.status == ClaimStatus.SUBMITTED
    with pytest.raises(DomainError) as caught:
        cases.do_adjudicate_claim(actor=setup["officer"], claim=claim, decision="reject")
    assert caught.value.field == "reason"
    with pytest.raises(DomainError):
        cases.do_adjudicate_claim(actor=setup["officer"], claim=claim, decision="reject", reason="nonsense")
    claim = cases.do_adjudicate_claim(
        actor=setup["officer"], claim=claim, decision="reject", reason="duplicate"
    )
    assert (
        claim.status == ClaimStatus.REJECTED and available(active_enrolment) == active_enrolment.cover_paise
    )
    with pytest.raises(DomainError):
        cases.do_record_claim_payment(actor=setup["officer"], claim=claim, payment_ref="UTR1")


def test_citizen_and_hospital_cannot_adjudicate(setup, clock, active_enrolment, citizen):
    claim = cases.do_submit_claim(actor=setup["desk"], case=discharged_case(setup, clock))
    for actor in (citizen, setup["desk"]):
        with pytest.raises(Forbidden):
            cases.do_adjudicate_claim(actor=actor, claim=claim, decision="approve")


def test_every_status_refuses_what_the_table_does_not_allow():
    for status in CaseStatus.values:
        allowed = cases.allowed_actions(status)
        for action, transition in cases.TRANSITIONS.items():
            assert (action in allowed) == (status in transition.sources and action != "escalate")


# --- escalation -------------------------------------------------------------------------------------------
def test_overdue_preauths_are_escalated(setup, clock, active_enrolment, scheme_year):
    first = raise_case(setup)
    clock.advance(hours=1)
    second = raise_case(setup, estimated_paise=1_000_00)
    assert cases.escalate_overdue_preauths(now=clock.now + datetime.timedelta(hours=5)) == {
        "escalated": 0,
        "deemed_approved": 0,
    }
    later = first.decision_due_at + datetime.timedelta(minutes=1)
    assert cases.escalate_overdue_preauths(now=later) == {"escalated": 1, "deemed_approved": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.escalation_level, first.escalated_at, first.status) == (
        1,
        later,
        CaseStatus.PREAUTH_PENDING,
    )
    assert first.decision_due_at == later + datetime.timedelta(hours=6)
    assert second.escalation_level == 0
    assert AuditEntry.objects.filter(action="himcare_case.escalate").count() == 1
    assert cases.escalate_overdue_preauths(now=later) == {"escalated": 0, "deemed_approved": 0}


def test_deemed_approval_by_configuration(setup, clock, active_enrolment, scheme_year):
    scheme_year.preauth_deemed_approved = True
    scheme_year.save()
    case = raise_case(setup)
    clock.advance(hours=7)
    call_command("escalate_himcare_preauths", stdout=__import__("io").StringIO())
    case.refresh_from_db()
    assert case.status == CaseStatus.PREAUTH_APPROVED and case.escalation_level == 1
    assert case.approved_preauth_paise == RATE and "Deemed approved" in case.decision_note


def test_misuse_checks_run_after_admission_and_claim(
    setup, clock, active_enrolment, monkeypatch, django_capture_on_commit_callbacks
):
    from himswasthya.himcare.cases import misuse

    checked = []
    monkeypatch.setattr(misuse, "check_case", lambda case: checked.append(case.pk))
    case = approved_case(setup)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.do_admit(
            actor=setup["desk"], case=case, admitted_at=clock.now - datetime.timedelta(days=4)
        )
    assert checked == [case.pk]
    case = discharge(setup, clock, case, discharged_at=clock.now - datetime.timedelta(hours=1), summary="ok")
    attach_claim_papers(case, setup["desk"])
    sign_discharge_summary(setup["desk"], case)
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_submit_claim(actor=setup["desk"], case=case)
    assert checked == [case.pk, case.pk]


def test_the_real_misuse_check_runs_after_admission(
    setup, clock, active_enrolment, django_capture_on_commit_callbacks
):
    """The real rules (not a stub) run once the admission commits: a clean admission raises no flag, the
    admission of a patient who has left the family raises the non-member flag."""
    clean = approved_case(setup)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cases.do_admit(actor=setup["desk"], case=clean)
    assert callbacks  # the check was queued for after the commit
    assert not MisuseFlag.objects.filter(case=clean).exists()

    member = Member.objects.get(family=active_enrolment.family, person=setup["patient"].person)
    member.status = MemberStatus.MIGRATED
    member.save(update_fields=["status"])
    case = approved_case(setup)
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_admit(actor=setup["desk"], case=case)
    flag = MisuseFlag.objects.get(case=case)
    assert flag.rule == MisuseRule.NON_MEMBER_ADMISSION
    assert flag.details["reasons"] == ["member_migrated"]
