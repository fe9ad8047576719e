"""HIMCARE demo, monitoring: seeds three obviously suspicious cases (so the officer's misuse queue is not
empty), runs the checks against misuse over every case and refreshes the panchayat coverage table.

Runs after the enrolment, hospital and claims demos. Idempotent: the seeded cases have fixed case numbers
(DEMO-MISUSE-*), the flags are unique per rule and case, and the coverage table is recomputed.
"""

from __future__ import annotations

import datetime
import time

from django.db import transaction
from django.utils import timezone

from himswasthya.facilities.models import Facility
from himswasthya.himcare.cases import misuse
from himswasthya.himcare.coverage import mapping
from himswasthya.himcare.models import (
    Case,
    CasePackage,
    CaseStatus,
    EmpanelmentStatus,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    Package,
)
from himswasthya.himparivar.models import Member, MemberStatus

DEMO_HOSPITAL = "SYN-MC-01"
PREFIX = "DEMO-MISUSE-"

# Free text an officer would type, written in both languages (the case page shows it as typed).
DECISION_NOTE = "Demo case made to show a misuse flag. · दुरुपयोग चेतावनी दिखाने के लिए बनाया गया डेमो केस।"


def _hospitals() -> list[Facility]:
    """The demo scheme desk's hospital first, then other empanelled hospitals."""
    empanelled = (
        Facility.objects.filter(empanelments__status=EmpanelmentStatus.ACTIVE).distinct().order_by("code")
    )
    first = Facility.objects.filter(code=DEMO_HOSPITAL).first() or empanelled.first()
    others = [f for f in empanelled[:20] if first is None or f.pk != first.pk]
    return [f for f in [first, *others] if f is not None]


def _case(
    no: int,
    enrolment: Enrolment,
    enrolled: EnrolledMember | None,
    facility: Facility,
    *,
    days_ago: int,
    status: str,
    stay_days: int | None = None,
    package: Package | None = None,
    person=None,
) -> Case:
    """A case admitted `days_ago` days ago (discharged after `stay_days`, if given), at the package's rate
    (or ₹10,000 without one), for `person` (default: the enrolled member)."""
    assert enrolled is not None  # the enrolments chosen have members
    now = timezone.now()
    admitted = now - datetime.timedelta(days=days_ago)
    amount = package.rate_paise if package else 10_000_00
    case, made = Case.objects.get_or_create(
        case_no=f"{PREFIX}{no}",
        defaults={
            "enrolment": enrolment,
            "enrolled_member": enrolled,
            "person": person or enrolled.person,
            "facility": facility,
            "status": status,
            "estimated_paise": amount,
            "approved_preauth_paise": amount,
            "admitted_at": admitted,
            "discharged_at": admitted + datetime.timedelta(days=stay_days) if stay_days is not None else None,
            "treating_doctor": "Demo doctor",
            "decision_note": DECISION_NOTE,
        },
    )
    if made and package is not None:
        CasePackage.objects.create(case=case, package=package, rate_paise=package.rate_paise)
    return case


def seed_suspicious_cases(stdout) -> int:
    """DEMO ONLY - rows written directly, not through the case services, and with no wallet movement:
    1. concurrent admission: one member admitted at two hospitals over the same days;
    2. repeat of a once-in-a-lifetime procedure: the same member booked for it twice, months apart;
    3. non-member: a case under one family's card for a person of another family."""
    if Case.objects.filter(case_no__startswith=PREFIX).exists():
        return 0
    hospitals = _hospitals()
    enrolments = list(
        Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE, members__isnull=False)
        .distinct()
        .order_by("pk")[:3]
    )
    if len(hospitals) < 2 or len(enrolments) < 3:
        stdout.write("  misuse demo: not enough hospitals or enrolments yet; no suspicious cases seeded")
        return 0
    one_time = Package.objects.filter(is_one_time=True, is_active=True).order_by("code").first()
    made = 0
    with transaction.atomic():
        first = enrolments[0].members.order_by("pk").first()
        _case(1, enrolments[0], first, hospitals[0], days_ago=4, status=CaseStatus.ADMITTED)
        _case(2, enrolments[0], first, hospitals[1], days_ago=3, stay_days=2, status=CaseStatus.DISCHARGED)
        made += 2
        if one_time is not None:
            second = enrolments[1].members.order_by("pk").first()
            earlier = _case(
                3,
                enrolments[1],
                second,
                hospitals[0],
                days_ago=150,
                stay_days=3,
                package=one_time,
                status=CaseStatus.DISCHARGED,
            )
            Case.objects.filter(pk=earlier.pk).update(raised_at=timezone.now() - datetime.timedelta(days=151))
            _case(
                4,
                enrolments[1],
                second,
                hospitals[-1],
                days_ago=2,
                package=one_time,
                status=CaseStatus.ADMITTED,
            )
            made += 2
        stranger = (
            Member.objects.filter(status=MemberStatus.ALIVE)
            .exclude(family_id=enrolments[2].family_id)
            .exclude(person__himcare_coverages__enrolment=enrolments[2])
            .order_by("pk")
            .first()
        )
        if stranger is not None:
            third = enrolments[2].members.order_by("pk").first()
            _case(
                5,
                enrolments[2],
                third,
                hospitals[0],
                days_ago=1,
                status=CaseStatus.ADMITTED,
                person=stranger.person,
            )
            made += 1
    return made


def make_demo(stdout) -> None:
    seeded = seed_suspicious_cases(stdout)
    started = time.perf_counter()
    found = misuse.run_misuse_rules()
    stdout.write(
        f"  misuse: {seeded} suspicious demo cases seeded; new flags "
        + ", ".join(f"{rule} {count}" for rule, count in found.items())
        + f" ({time.perf_counter() - started:.1f} s)"
    )
    try:
        year = mapping.scheme_year_for()
    except Exception:  # noqa: BLE001 - no scheme year yet: nothing to map
        stdout.write("  coverage: no scheme year, skipped")
        return
    started = time.perf_counter()
    rows = mapping.refresh_coverage(year)
    stdout.write(f"  coverage {year.code}: {rows} gram panchayats ({time.perf_counter() - started:.1f} s)")
