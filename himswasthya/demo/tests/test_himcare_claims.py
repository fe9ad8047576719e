"""The claims demo: cases in every status, made through the services (wallets and ledgers stay true)."""

from __future__ import annotations

import datetime
import io
import os
import re

from django.db.models import Min, Sum
from django.utils import timezone

from himswasthya.demo.himcare import claims as demo_claims
from himswasthya.himcare.cases.documents import CLAIM, PREAUTH, case_documents, has_discharge_summary
from himswasthya.himcare.hospitals.packages import import_illustrative
from himswasthya.himcare.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Claim,
    ClaimPaymentStatus,
    Specialty,
    Wallet,
    WalletEntry,
)
from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_empanelment,
    make_family,
    make_icd10,
)
from himswasthya.records.models import DischargeSummary, Encounter


def test_demo_makes_every_status_and_keeps_wallets_true(
    scheme_year, persona_district, persona_facility, himcare_officer
):
    import_illustrative()
    for specialty in Specialty.objects.all():
        make_empanelment(persona_facility, specialty)
    for code in ("K80.2", "M17.1", "I21.9", "H25.9", "J18.9"):
        make_icd10(code, f"Demo title {code}")
    family, _ = make_family(
        persona_district,
        [
            {"name_roman": "Demo Citizen", "sex": "F", "relation": "SELF", "mobile": "9800000001"},
            {"name_roman": "Demo Husband", "sex": "M", "relation": "HUSBAND"},
        ],
    )
    make_active_enrolment(family, scheme_year)
    families = int(os.environ.get("DEMO_CLAIMS_FAMILIES", "30"))  # 300 to time the full demo
    for _ in range(families + 10):  # more families than the demo uses
        make_active_enrolment(make_family(persona_district)[0], scheme_year)

    out = io.StringIO()
    demo_claims.make_demo(out, families=families)
    assert "cases made" in out.getvalue(), out.getvalue()
    print(out.getvalue())  # the time it took (pytest -s)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(CaseStatus.values), set(CaseStatus.values) - statuses
    mine = Case.objects.filter(enrolment__family=family)
    assert sorted(mine.values_list("status", flat=True)) == ["claim_approved", "preauth_pending"]
    assert mine.get(status="claim_approved").claim.payment_status == ClaimPaymentStatus.PAID
    for wallet in Wallet.objects.all():
        sums = {
            k: WalletEntry.objects.filter(wallet=wallet, kind=k).aggregate(s=Sum("amount_paise"))["s"] or 0
            for k in ("block", "release", "consume")
        }
        assert wallet.consumed_paise == sums["consume"]
        assert wallet.blocked_paise == sums["block"] - sums["release"] - sums["consume"]
        held = Case.objects.filter(enrolment=wallet.enrolment).aggregate(s=Sum("blocked_paise"))["s"] or 0
        assert wallet.blocked_paise == held

    count = Case.objects.count()
    demo_claims.make_demo(io.StringIO(), families=families)  # idempotent
    assert Case.objects.count() == count

    # Every case has the documents its packages need (issue #12 item 6), real small PDFs, and every claim
    # those needed to claim.
    for case in Case.objects.prefetch_related("documents"):
        kinds = {d.kind for d in case.documents.all()}
        needed = set(case_documents(case, PREAUTH))
        if Claim.objects.filter(case=case).exists():
            needed |= set(case_documents(case, CLAIM))
        assert needed <= kinds, (case.status, needed - kinds)
        assert all(d.file.read(5) == b"%PDF-" for d in case.documents.all())

    # Every case past discharge has its admission record with a signed discharge summary, written through the
    # services (issue #13 item 3: a claim needs one); admitted cases a draft with the admission notes; each
    # record dated from the admission.
    past_discharge = Case.objects.exclude(discharged_at=None)
    assert past_discharge.filter(claim__isnull=False).exists()
    for case in past_discharge:
        assert has_discharge_summary(case), case.status
    for case in Case.objects.filter(status="admitted"):
        assert Encounter.objects.get(source_ref=case.record_source, status="draft").chief_complaints
    for encounter in Encounter.objects.filter(kind="admission").select_related("discharge_summary"):
        case = Case.objects.get(case_no=encounter.source_ref.removeprefix("himcare:"))
        assert encounter.started_at == case.admitted_at and encounter.facility_id == case.facility_id
        if encounter.signed_at:
            assert encounter.signed_at == encounter.discharge_summary.discharged_at <= timezone.now()

        # The history reads as it happened: each event at its step's time (not when the demo was loaded), in
    # order, never before its case was raised nor in the future; most of it more than a day ago, and claims
    # submitted days ago.
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        times = [event.at for event in case.events.all()]
        assert times == sorted(times) and case.raised_at <= times[0] and times[-1] <= now, case.status
    day_ago = now - datetime.timedelta(days=1)
    assert CaseEvent.objects.filter(at__lt=day_ago).count() > CaseEvent.objects.count() / 2
    assert Claim.objects.filter(submitted_at__lt=now - datetime.timedelta(days=2)).exists()

    # What the officer and the desk typed in the demo story reads in English and Hindi (issue #12 item 4).
    typed = {
        *CaseEvent.objects.values_list("note", flat=True),
        *Case.objects.values_list("decision_note", flat=True),
        *Case.objects.values_list("discharge_summary", flat=True),
        *Claim.objects.values_list("adjudication_note", flat=True),
        *Encounter.objects.values_list("chief_complaints", flat=True),
        *Encounter.objects.values_list("examination_notes", flat=True),
        *DischargeSummary.objects.values_list("discharge_advice", flat=True),
    }
    for note in demo_claims.NOTES.values():
        english, hindi = note.split(" · ")
        assert re.search("[A-Za-z]", english) and re.fullmatch(r"[\u0900-\u097F\s();,।]+", hindi), note
        assert note in typed and english not in typed, note

    # The escalation job, replayed every 15 minutes over the past: each overdue pre-authorisation went up
    # when it fell due, with its event at that time; none is left overdue.
    counts = demo_claims.replay_escalations()
    assert counts["escalated"] > 0
    assert not Case.objects.filter(status="preauth_pending", decision_due_at__lt=timezone.now()).exists()
    escalations = CaseEvent.objects.filter(note__startswith="Escalated")
    assert escalations.count() >= counts["escalated"]
    assert escalations.aggregate(first=Min("at"))["first"] < now - datetime.timedelta(hours=1)
