"""HIMCARE demo, cases and claims: for a few hundred enrolled demo families, cases in every status at the
empanelled hospitals, made through the case services so that wallets, ledgers, events and audit entries
are all true. The demo citizen's family (mobile 9800000001) gets two cases at the demo scheme desk's hospital:
one paid claim and one pending pre-authorisation. Idempotent: families that already have cases are skipped.

Hospitals other than the demo scheme desk's get a synthetic scheme-desk login each (no usable password),
because a pre-authorisation is raised by the desk of the treating hospital.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from himswasthya.accounts.models import Role, User
from himswasthya.codelists.models import Icd10Code
from himswasthya.core.errors import DomainError
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE
from himswasthya.facilities.models import Facility
from himswasthya.himcare.cases import documents as papers
from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.cases import treatment
from himswasthya.himcare.models import (
    Case,
    CaseEvent,
    Claim,
    ClaimReason,
    Document,
    Empanelment,
    EmpanelmentStatus,
    Enrolment,
    EnrolmentStatus,
    Package,
    WalletEntry,
)
from himswasthya.records.models import Encounter

FAMILIES = 300
HOSPITALS = 12
BATCH = 50
DEMO_DOCTOR = "Dr. Demo (synthetic)"  # marks the cases this demo made
# Plausible ICD-10 codes per specialty of the illustrative package master (first codable one is used).
CODES = {
    "SG": ("K35.8", "K80.2", "K40.9", "K64.9", "L02.9"),
    "SB": ("M17.1", "M16.1", "S72.3", "S83.5"),
    "SO": ("O80.0", "O82.0", "N85.9", "D25.9"),
    "MC": ("I21.9", "I25.1", "I50.0", "I49.5"),
    "MO": ("C50.9", "C10.9", "C32.9"),
    "MN": ("N18.5", "N17.9"),
    "SE": ("H25.9", "H40.1", "H33.0"),
    "MG": ("A01.0", "J18.9", "A90"),
}
# The final status each demo case is driven to, in turn.
PLAN = (
    "preauth_pending",
    "preauth_query",
    "preauth_rejected",
    "cancelled",
    "preauth_approved",
    "admitted",
    "discharged",
    "claim_submitted",
    "claim_query",
    "claim_approved",
    "claim_paid",
    "claim_part_approved",
    "claim_rejected",
    "preauth_overdue",
)


def _cap(when: datetime.datetime) -> datetime.datetime:
    """Never in the future."""
    return min(when, timezone.localtime() - datetime.timedelta(minutes=1))


NEEDS_DECISION = ("preauth_pending", "preauth_overdue", "preauth_query", "preauth_rejected")


# What the case services stamp with the real time (auto_now_add) rather than their clock.
STAMPED = ((CaseEvent, "at"), (Claim, "submitted_at"), (WalletEntry, "at"), (Document, "uploaded_at"))


@contextlib.contextmanager
def clock(when: datetime.datetime) -> Iterator[None]:
    """Run the case services as if it were `when` (the demo's cases happened over the last weeks); the rows
    they made are then stamped `when` too, so the case history reads as it would have happened."""
    original = cases._now
    when = _cap(when)
    last = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model, _ in STAMPED}
    cases._now = lambda: when
    try:
        yield
    finally:
        cases._now = original
    for model, name in STAMPED:
        model.objects.filter(pk__gt=last[model]).update(**{name: when})


def _codes_by_specialty() -> dict[str, list[str]]:
    wanted = {c for codes in CODES.values() for c in codes}
    codable = set(Icd10Code.objects.filter(code__in=wanted, is_codable=True).values_list("code", flat=True))
    fallback = list(
        Icd10Code.objects.filter(is_codable=True).order_by("code").values_list("code", flat=True)[:1]
    )
    return {s: [c for c in codes if c in codable] or fallback for s, codes in CODES.items()}


def _desk_for(facility: Facility, demo_desk: User | None) -> User:
    if demo_desk is not None and demo_desk.facility_id == facility.pk:
        return demo_desk
    username = f"demo.desk.{facility.code.lower()}"[:150]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": Role.SCHEME_DESK, "facility": facility, "first_name": "Demo", "last_name": "Desk"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _hospitals(demo_desk: User | None) -> list[tuple[Facility, list[Package]]]:
    today = timezone.localdate()
    rows = (
        Empanelment.objects.filter(
            status=EmpanelmentStatus.ACTIVE, valid_from__lte=today, valid_to__gte=today
        )
        .values("facility_id")
        .annotate(n=Count("specialty"))
        .order_by("-n", "facility_id")
    )
    ids = [r["facility_id"] for r in rows]
    if demo_desk is not None and demo_desk.facility_id in ids:
        ids.remove(demo_desk.facility_id)
        ids.insert(0, demo_desk.facility_id)
    found = []
    for facility in Facility.objects.filter(pk__in=ids[:HOSPITALS]).order_by("code"):
        specialties = Empanelment.objects.filter(
            facility=facility, status=EmpanelmentStatus.ACTIVE, valid_from__lte=today, valid_to__gte=today
        ).values_list("specialty_id", flat=True)
        packages = list(
            Package.objects.filter(is_active=True, specialty_id__in=specialties)
            .select_related("specialty")
            .order_by("code")
        )
        if packages:
            found.append((facility, packages))
    return found


def _synthetic_pdf(title: str) -> bytes:
    """A one-page PDF saying what it stands for (synthetic demo data, not a real record)."""
    text = f"Synthetic demo document: {title}".replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 50 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _documents(packages, stage: str, label: str) -> list[tuple[str, SimpleUploadedFile]]:
    """The documents the packages need at `stage` (cases.documents' rule), as synthetic PDFs."""
    return [
        (kind, SimpleUploadedFile(f"{kind}.pdf", _synthetic_pdf(f"{kind} {label}")))
        for kind in papers.required_documents(packages, stage)
    ]


def _drive(
    target: str,
    *,
    desk: User,
    officer: User,
    member,
    facility: Facility,
    package: Package,
    codes: dict[str, list[str]],
    now: datetime.datetime,
    rng: random.Random,
) -> Case:
    """Raise a case at a time that suits `target` (before `now`), with an ICD-10 code of the package's
    specialty (`codes` by specialty), and take it through the services to `target`."""
    start = _when(rng, target, now, package)
    icd10 = codes.get(package.specialty.code) or codes["SG"]
    valid_from = member.enrolment.valid_from
    earliest = timezone.make_aware(datetime.datetime.combine(valid_from, datetime.time(9)))
    t = max(start, earliest)
    with clock(t):
        case = cases.do_raise_preauth(
            actor=desk,
            enrolled_member=member,
            facility=facility,
            package_ids=[package.pk],
            provisional_icd10_codes=icd10[:1],
            treating_doctor=DEMO_DOCTOR,
            documents=_documents([package], papers.PREAUTH, f"{member.pk} {t:%Y%m%d%H%M}"),
        )
    Case.objects.filter(pk=case.pk).update(raised_at=t)
    if target in ("preauth_pending", "preauth_overdue"):
        return case
    t += datetime.timedelta(hours=rng.randint(1, 5))
    if case.status == "preauth_pending":
        with clock(t):
            if target in ("preauth_query",):
                return cases.do_decide_preauth(
                    actor=officer, case=case, decision="query", note=NOTES["preauth_query"]
                )
            if target == "preauth_rejected":
                return cases.do_decide_preauth(
                    actor=officer, case=case, decision="reject", note=NOTES["preauth_rejected"]
                )
            case = cases.do_decide_preauth(actor=officer, case=case, decision="approve")
    if target == "cancelled":
        with clock(t):
            return cases.do_cancel_case(actor=desk, case=case, reason=NOTES["cancelled"])
    if target == "preauth_approved":
        return case
    admitted = _cap(t + datetime.timedelta(hours=2))
    with clock(admitted):
        case = cases.do_admit(actor=desk, case=case, admitted_at=admitted)
    _admission_notes(desk, case, package)
    if target == "admitted":
        return case
    discharged = _cap(admitted + datetime.timedelta(days=max(package.min_stay_days, 1) + rng.randint(0, 2)))
    with clock(discharged):
        case = cases.do_discharge(
            actor=desk,
            case=case,
            discharged_at=discharged,
            final_icd10_codes=icd10[:1],
            discharge_summary=NOTES["discharge_summary"],
        )
    _discharge_summary(desk, case, package, icd10[:1])
    if target == "discharged":
        return case
    submitted = discharged + datetime.timedelta(days=rng.randint(0, 3))
    with clock(submitted):
        claim = cases.do_submit_claim(
            actor=desk, case=case, documents=_documents([package], papers.CLAIM, case.case_no)
        )
    if target == "claim_submitted":
        return case
    decided = submitted + datetime.timedelta(days=rng.randint(1, 4))
    with clock(decided):
        if target == "claim_query":
            cases.do_adjudicate_claim(actor=officer, claim=claim, decision="query", note=NOTES["claim_query"])
        elif target in ("claim_approved", "claim_paid"):
            claim = cases.do_adjudicate_claim(actor=officer, claim=claim, decision="approve")
        elif target == "claim_part_approved":
            cases.do_adjudicate_claim(
                actor=officer,
                claim=claim,
                decision="part_approve",
                approved_paise=claim.claimed_paise * 8 // 10,
                reason=ClaimReason.EXCESS_AMOUNT,
                note=NOTES["claim_part_approved"],
            )
        else:
            cases.do_adjudicate_claim(
                actor=officer, claim=claim, decision="reject", reason=ClaimReason.DUPLICATE
            )
    if target == "claim_paid":
        paid = decided + datetime.timedelta(days=rng.randint(2, 10))
        with clock(paid):
            cases.do_record_claim_payment(actor=officer, claim=claim, payment_ref=f"DEMO-UTR-{claim.pk:08d}")
    return case


def _record_data(case: Case, package: Package, codes: list[str] | None = None) -> dict:
    data = {
        "admitted_at": case.admitted_at,
        "chief_complaints": NOTES["admission"],
        "examination_notes": NOTES["findings"],
        "diagnoses": [{"code": code} for code in codes or ()],
        "procedures": [],
        "discharge": None,
    }
    if package.kind == "surgical":
        data["procedures"] = [
            {
                "name": package.name,
                "code": package.code,
                "performed_on": timezone.localdate(case.admitted_at),
            }
        ]
    return data


def _backdate(case: Case, signed_at: datetime.datetime | None = None) -> None:
    """The record was opened at admission (and signed at discharge), as the case's story goes."""
    rows = Encounter.objects.filter(facility=case.facility_id, source_ref=case.record_source)
    rows.update(started_at=case.admitted_at)
    if signed_at is not None:
        rows.filter(signed_at__isnull=False).update(signed_at=signed_at)


def _admission_notes(desk: User, case: Case, package: Package) -> None:
    """The desk opens the case's admission record at admission and writes the admission notes (a draft)."""
    treatment.do_open_record(actor=desk, case=case)
    treatment.do_save_record(actor=desk, case=case, data=_record_data(case, package))
    _backdate(case)


def _discharge_summary(desk: User, case: Case, package: Package, codes: list[str]) -> None:
    """At discharge the desk adds the discharge summary with the final diagnoses and signs the record (a
    claim needs it)."""
    discharged = Case.objects.get(pk=case.pk).discharged_at
    data = _record_data(case, package, codes)
    data["discharge"] = {
        "discharged_at": discharged,
        "course_in_hospital": NOTES["discharge_summary"],
        "condition_at_discharge": "improved" if package.kind == "medical" else "recovered",
        "discharge_advice": NOTES["discharge_advice"],
    }
    treatment.do_save_record(actor=desk, case=case, data=data)
    treatment.do_sign_record(actor=desk, case=case, notify_patient=False)  # a past case: no SMS now
    _backdate(case, signed_at=discharged)


# What the officer and the desk type in the demo story: free text, which a real officer types in one language;
# the demo writes it in both so that it reads on English and Hindi pages alike.
NOTES = {
    "preauth_query": "Send the investigation reports. · जाँच की रिपोर्टें भेजें।",
    "preauth_rejected": "Treatment not indicated (demo). · इलाज की आवश्यकता नहीं (डेमो)।",
    "cancelled": "Patient chose not to be admitted. · मरीज़ ने भर्ती न होने का निर्णय लिया।",
    "discharge_summary": (
        "Treated under the package; stable at discharge (synthetic demo case). · "
        "पैकेज के अंतर्गत इलाज; छुट्टी के समय हालत स्थिर (कृत्रिम डेमो केस)।"
    ),
    "claim_query": "Attach the final bill. · अंतिम बिल लगाएँ।",
    "admission": (
        "Admitted for treatment under the package (synthetic demo case). · "
        "पैकेज के अंतर्गत इलाज के लिए भर्ती (कृत्रिम डेमो केस)।"
    ),
    "findings": "General condition fair; vitals stable. · सामान्य हालत ठीक; जीवन संकेत स्थिर।",
    "discharge_advice": "Medicines as advised; review after a week. · दवाएँ सलाह अनुसार; एक सप्ताह बाद दिखाएँ।",
    "claim_part_approved": "Consumables above the package. · उपभोग्य सामग्री पैकेज से अधिक।",
}


def _when(rng: random.Random, target: str, now: datetime.datetime, package: Package) -> datetime.datetime:
    """A start time such that the case ends in the past, and a pending one is still within its deadline;
    cases left at discharge or at the claim end a few days ago, within the claim deadline."""
    if target == "preauth_pending":
        return now - datetime.timedelta(minutes=rng.randint(5, 240))
    if target == "preauth_overdue":
        return now - datetime.timedelta(hours=rng.randint(7, 30))
    if target in ("discharged", "claim_submitted", "claim_query"):
        return now - datetime.timedelta(days=max(package.min_stay_days, 1) + 2 + rng.randint(3, 5))
    return now - datetime.timedelta(days=rng.randint(20, 60))


def make_demo(stdout, *, families: int = FAMILIES) -> None:
    started = time.monotonic()
    officer = (
        User.objects.filter(username="demo.himcare_officer").first()
        or User.objects.filter(role=Role.HIMCARE_OFFICER, is_active=True).order_by("pk").first()
    )
    if officer is None:
        stdout.write("  claims: no HIMCARE officer login (run make_demo_users first); skipped")
        return
    demo_desk = User.objects.filter(username="demo.scheme_desk", role=Role.SCHEME_DESK).first()
    hospitals = _hospitals(demo_desk)
    if not hospitals:
        stdout.write("  claims: no empanelled hospitals with packages (run the hospital demo first); skipped")
        return
    codes = _codes_by_specialty()
    if not any(codes.values()):
        stdout.write("  claims: no ICD-10 codes loaded (run manage.py load_icd10 first); skipped")
        return
    today = timezone.localdate()
    active = Enrolment.objects.filter(
        status=EnrolmentStatus.ACTIVE, valid_from__lte=today, valid_to__gte=today
    )
    rng = random.Random(2026)
    drive = functools.partial(_drive, officer=officer, codes=codes, now=timezone.localtime(), rng=rng)
    made: Counter[str] = Counter()
    refused = 0

    # The demo citizen's family: one paid claim and one pending pre-authorisation.
    citizen_enrolment = active.filter(family__members__mobile=DEMO_CITIZEN_MOBILE).distinct().first()
    if citizen_enrolment is not None and not citizen_enrolment.cases.exists():
        facility, packages = hospitals[0]
        desk = _desk_for(facility, demo_desk)
        members = list(citizen_enrolment.members.select_related("person").order_by("pk"))
        for target, member in (("claim_paid", members[0]), ("preauth_pending", members[-1])):
            needing = [p for p in packages if p.needs_preauth] or packages
            package = needing[0] if target == "claim_paid" else needing[min(1, len(needing) - 1)]
            drive(target, desk=desk, member=member, facility=facility, package=package)
            made[target] += 1
    elif citizen_enrolment is None:
        stdout.write(f"  claims: the demo citizen's family ({DEMO_CITIZEN_MOBILE}) has no active enrolment")

    # Idempotent: only as many new cases as are missing from `families` demo cases.
    wanted = max(
        0,
        families
        - Case.objects.filter(treating_doctor=DEMO_DOCTOR).exclude(enrolment=citizen_enrolment).count(),
    )
    chosen = list(
        active.exclude(cases__isnull=False)
        .exclude(pk=getattr(citizen_enrolment, "pk", None))
        .order_by("pk")
        .values_list("pk", flat=True)[:wanted]
    )
    desks = {facility.pk: _desk_for(facility, demo_desk) for facility, _ in hospitals}
    plan = itertools.cycle(PLAN)
    # Cases are made in batches of BATCH per transaction (one commit, not one per service call: the demo
    # stays fast on a busy disk); each case is its own savepoint, so a refused one leaves nothing behind.
    for offset in range(0, len(chosen), BATCH):
        with transaction.atomic():
            for enrolment_id in chosen[offset : offset + BATCH]:
                member = (
                    Enrolment.objects.get(pk=enrolment_id)
                    .members.select_related("enrolment__scheme_year")
                    .order_by("?")
                    .first()
                )
                if member is None:
                    continue
                facility, packages = hospitals[rng.randrange(len(hospitals))]
                target = next(plan)
                if target in NEEDS_DECISION:
                    packages = [p for p in packages if p.needs_preauth] or packages
                package = packages[rng.randrange(len(packages))]
                try:
                    with transaction.atomic():
                        drive(
                            target, desk=desks[facility.pk], member=member, facility=facility, package=package
                        )
                except DomainError:
                    refused += 1  # e.g. a package above the family's remaining cover
                    continue
                made[target] += 1
    stdout.write(
        f"  claims: {sum(made.values())} cases made "
        f"({', '.join(f'{k} {v}' for k, v in sorted(made.items()))}), "
        f"{refused} refused, {Case.objects.count()} cases in all, {time.monotonic() - started:.1f} s"
    )


# escalate_himcare_preauths runs every 15 minutes in production (README, Operations).
ESCALATION_EVERY = datetime.timedelta(minutes=15)


def replay_escalations(now: datetime.datetime | None = None) -> Counter[str]:
    """Run the escalation job as cron would have over the demo's past: every 15 minutes from the first
    overdue pre-authorisation until now, so each is escalated (with its event) when it would have been."""
    now = now or timezone.localtime()
    first = Case.objects.filter(status="preauth_pending", decision_due_at__lt=now).aggregate(
        first=Min("decision_due_at")
    )["first"]
    counts: Counter[str] = Counter()
    t = first + ESCALATION_EVERY if first is not None else now
    while t < now:
        with clock(t):
            counts.update(cases.escalate_overdue_preauths(now=t))
        t += ESCALATION_EVERY
    counts.update(cases.escalate_overdue_preauths(now=now))
    return counts
