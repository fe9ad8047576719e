"""Cases and claims written directly as rows for the monitoring tests (no dependency on the case services)."""

from __future__ import annotations

import datetime
import itertools
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from himswasthya.himcare.models import Case, CasePackage, CaseStatus, Claim, ClaimStatus, EnrolledMember

_serial = itertools.count(1)


def make_case(
    enrolment,
    facility,
    *,
    member=None,
    person=None,
    admitted_at: datetime.datetime | None = None,
    discharged_at: datetime.datetime | None = None,
    status: str | None = None,
    packages: list[Any] = (),
    claimed_paise: int | None = None,
    approved_paise: int | None = None,
    raised_at: datetime.datetime | None = None,
    submitted_at: datetime.datetime | None = None,
) -> Case:
    """A case of an enrolled member (the first one unless `member` is given) with its packages; a claim when
    `claimed_paise` is given. `person` overrides the patient (for the non-member rule)."""
    n = next(_serial)
    enrolled = (
        EnrolledMember.objects.get(enrolment=enrolment, member=member)
        if member is not None
        else EnrolledMember.objects.filter(enrolment=enrolment).order_by("pk").first()
    )
    total = sum(p.rate_paise for p in packages) or 10_000_00
    if status is None:
        status = (
            CaseStatus.CLAIM_SUBMITTED
            if claimed_paise
            else CaseStatus.DISCHARGED
            if discharged_at
            else CaseStatus.ADMITTED
            if admitted_at
            else CaseStatus.PREAUTH_APPROVED
        )
    case = Case.objects.create(
        case_no=f"TEST-CASE-{n:06d}",
        enrolment=enrolment,
        enrolled_member=enrolled,
        person=person or enrolled.person,
        facility=facility,
        status=status,
        estimated_paise=total,
        approved_preauth_paise=total,
        admitted_at=admitted_at,
        discharged_at=discharged_at,
    )
    if raised_at is not None:
        Case.objects.filter(pk=case.pk).update(raised_at=raised_at)
        case.raised_at = raised_at
    for package in packages:
        CasePackage.objects.create(case=case, package=package, rate_paise=package.rate_paise)
    if claimed_paise:
        claim = Claim.objects.create(
            claim_no=f"TEST-CLM-{n:06d}",
            case=case,
            claimed_paise=claimed_paise,
            approved_paise=approved_paise,
            status=ClaimStatus.APPROVED if approved_paise is not None else ClaimStatus.SUBMITTED,
        )
        if submitted_at is not None:
            Claim.objects.filter(pk=claim.pk).update(submitted_at=submitted_at)
    return case


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- a small geography with hand-counted figures ------------------------------------------------------------
def abha_number(n: int) -> str:
    from himswasthya.core.validators import luhn_check_digit

    payload = f"91{n:011d}"
    return payload + str(luhn_check_digit(payload))


def build_small_geography(district, other_district, scheme_year, hospital, other_hospital) -> SimpleNamespace:
    """Shimla: block Theog (GP Alpha, GP Beta), block Mashobra (GP Gamma, no families), GP Delta without a
    block, and one family without a panchayat; Kangra: block Nurpur (GP Epsilon). The figures each test
    expects are counted by hand in the comments."""
    from himswasthya.himcare.models import Enrolment, PmjayFamily
    from himswasthya.himcare.tests.factories import make_active_enrolment, make_family
    from himswasthya.people.models import PersonIdentifier
    from himswasthya.places.models import Block, GramPanchayat

    theog = Block.objects.create(lgd_code=9101, name="Theog", name_hi="ठियोग", district=district)
    mashobra = Block.objects.create(lgd_code=9102, name="Mashobra", name_hi="मशोबरा", district=district)
    nurpur = Block.objects.create(lgd_code=9201, name="Nurpur", name_hi="नूरपुर", district=other_district)

    def gp(code, name, name_hi, d, b):
        return GramPanchayat.objects.create(
            lgd_code=code, source_id=str(code), name=name, name_hi=name_hi, district=d, block=b
        )

    alpha = gp(81001, "Alpha", "अल्फ़ा", district, theog)
    beta = gp(81002, "Beta", "बीटा", district, theog)
    gamma = gp(81003, "Gamma", "गामा", district, mashobra)
    delta = gp(81004, "Delta", "डेल्टा", district, None)
    epsilon = gp(82001, "Epsilon", "एप्सिलॉन", other_district, nurpur)

    three = [
        {
            "name_roman": "Sita Devi",
            "sex": "F",
            "year_of_birth": 1980,
            "relation": "SELF",
            "mobile": "9811100001",
        },
        {"name_roman": "Ram Lal", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND"},
        {"name_roman": "Anu Kumari", "sex": "F", "year_of_birth": 2010, "relation": "DAUGHTER"},
    ]
    # Alpha: 5 families. F1 enrolled (3 living members, 1 with ABHA), F2 eligible not enrolled (2 members),
    # F3 in AB-PMJAY, F4 has a government employee, F5 all members deceased.
    f1, f1m = make_family(district, three, family_id="SG-F1", gram_panchayat=alpha)
    f2, f2m = make_family(
        district,
        [
            {
                "name_roman": "Geeta Thakur",
                "sex": "F",
                "year_of_birth": 1985,
                "relation": "SELF",
                "mobile": "9811100002",
            },
            {"name_roman": "Mohan Thakur", "sex": "M", "year_of_birth": 1983, "relation": "HUSBAND"},
        ],
        family_id="SG-F2",
        gram_panchayat=alpha,
    )
    f3, _ = make_family(district, family_id="SG-F3", gram_panchayat=alpha)  # 2 members
    PmjayFamily.objects.create(family=f3, source="test list", listed_on=scheme_year.starts_on)
    f4, f4m = make_family(district, family_id="SG-F4", gram_panchayat=alpha)  # 2 members
    f4m[0].occupation = "GOVT_EMP"
    f4m[0].save()
    f5, f5m = make_family(
        district,
        [{"name_roman": "Old Man", "sex": "M", "year_of_birth": 1930}],
        family_id="SG-F5",
        gram_panchayat=alpha,
    )
    f5m[0].status = "DECEASED"
    f5m[0].save()
    PersonIdentifier.objects.create(person=f1m[0].person, id_type="ABHA_NUMBER", value=abha_number(1))
    PersonIdentifier.objects.create(person=f2m[1].person, id_type="ABHA_ADDRESS", value="mohan.83@abdm")
    e1 = make_active_enrolment(f1, scheme_year)
    # Beta: F6 enrolled (2 members, one died: 1 living), F7 awaiting payment (eligible, not enrolled, not
    # in the outreach list).
    f6, f6m = make_family(district, family_id="SG-F6", gram_panchayat=beta)
    f6m[1].status = "DECEASED"
    f6m[1].save()
    e6 = make_active_enrolment(f6, scheme_year, members=[f6m[0]])
    f7, _ = make_family(district, family_id="SG-F7", gram_panchayat=beta)
    Enrolment.objects.create(
        enrolment_no="SG-APP-7",
        family=f7,
        scheme_year=scheme_year,
        category="III",
        premium_paise=100000,
        units=1,
        cover_paise=50000000,
        status="pending_payment",
        channel="officer",
    )
    # Delta (no block): F8 eligible (2 members). No panchayat, Theog on the record: F9 eligible (2 members).
    make_family(district, family_id="SG-F8", gram_panchayat=delta)
    f9, _ = make_family(district, family_id="SG-F9")
    f9.block = theog
    f9.save()
    # Kangra, Epsilon: F10 enrolled, 2 members.
    f10, _ = make_family(other_district, family_id="SG-F10", gram_panchayat=epsilon)
    e10 = make_active_enrolment(f10, scheme_year)
    # Cases: F1 a claim (20,000 claimed, 15,000 approved) and a pre-authorisation only; F6 a claim of 8,000
    # still to be adjudicated; F10 one claim of 5,000 approved in full.
    make_case(
        e1,
        hospital,
        admitted_at=days_ago(9),
        discharged_at=days_ago(6),
        claimed_paise=20_000_00,
        approved_paise=15_000_00,
    )
    make_case(e1, hospital)
    make_case(e6, hospital, admitted_at=days_ago(5), discharged_at=days_ago(2), claimed_paise=8_000_00)
    make_case(
        e10,
        other_hospital,
        admitted_at=days_ago(5),
        discharged_at=days_ago(2),
        claimed_paise=5_000_00,
        approved_paise=5_000_00,
    )
    return SimpleNamespace(
        theog=theog,
        mashobra=mashobra,
        nurpur=nurpur,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        delta=delta,
        epsilon=epsilon,
        families={f.family_id: f for f in (f1, f2, f3, f4, f5, f6, f7, f9, f10)},
    )


# Hand-counted figures of build_small_geography (families, eligible, enrolled, members, with ABHA, preauths,
# claims, claimed rupees, approved rupees).
EXPECTED = {
    "Alpha": (5, 2, 1, 9, 2, 2, 1, 20_000, 15_000),
    "Beta": (2, 2, 1, 3, 0, 1, 1, 8_000, 0),
    "Gamma": (0, 0, 0, 0, 0, 0, 0, 0, 0),
    "Delta": (1, 1, 0, 2, 0, 0, 0, 0, 0),
    "not mapped": (1, 1, 0, 2, 0, 0, 0, 0, 0),
    "Epsilon": (1, 1, 1, 2, 0, 1, 1, 5_000, 5_000),
}
