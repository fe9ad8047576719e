"""Shared HIMCARE test data, written directly as rows so that each part of the scheme can be tested alone.

The enrolment tests go through the services; the hospital and monitoring tests start from
`make_active_enrolment`, which builds the same rows the enrolment service does.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from himswasthya.codelists.models import Icd10Code
from himswasthya.himcare.enrolment.eligibility import CATEGORY_RULES
from himswasthya.himcare.models import (
    Case,
    CasePackage,
    Category,
    CategoryRule,
    Empanelment,
    EmpanelmentStatus,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    Package,
    PackageKind,
    SchemeYear,
    Specialty,
    Wallet,
)
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import Person

_serial = itertools.count(1)


def make_scheme_year(code: str = "2026-27", **overrides: Any) -> SchemeYear:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "starts_on": today - datetime.timedelta(days=30),
        "ends_on": today + datetime.timedelta(days=335),
        "notification": "Test notification",
        "new_enrolment_months": [],
    }
    values.update(overrides)
    year = SchemeYear.objects.create(code=code, **values)
    for category, (premium, criteria) in CATEGORY_RULES.items():
        CategoryRule.objects.create(
            scheme_year=year, category=category, premium_paise=premium, criteria=[c.value for c in criteria]
        )
    return year


def make_family(
    district,
    members: list[dict[str, Any]] | None = None,
    *,
    family_id: str | None = None,
    gram_panchayat=None,
    **family_fields: Any,
) -> tuple[Family, list[Member]]:
    """A Him Parivar family with Person + Member rows. `members` items may set any Member field."""
    n = next(_serial)
    family = Family.objects.create(
        family_id=family_id or f"HC-FAM-{n:05d}",
        district=district,
        gram_panchayat=gram_panchayat,
        block=getattr(gram_panchayat, "block", None),
        **family_fields,
    )
    members = members or [
        {
            "name_roman": "Kamla Devi",
            "sex": "F",
            "year_of_birth": 1975,
            "relation": "SELF",
            "mobile": f"97{n:08d}",
        },
        {"name_roman": "Ramesh Kumar", "sex": "M", "year_of_birth": 1972, "relation": "HUSBAND"},
    ]
    made = []
    for index, spec in enumerate(members, start=1):
        spec = dict(spec)
        spec.setdefault("relation", "SELF" if index == 1 else "SON")
        name = spec.get("name_roman", f"Member {n}-{index}")
        person = Person.objects.create(
            given_name=name.split()[0],
            family_name=name.split()[-1],
            name_roman=name,
            sex=spec.get("sex", "M"),
            year_of_birth=spec.get("year_of_birth", 1990),
            date_of_birth=spec.get("date_of_birth"),
            mobile=spec.get("mobile"),
            district=district,
        )
        spec.setdefault("name_roman", name)
        spec.setdefault("sex", "M")
        spec.setdefault("year_of_birth", 1990)
        made.append(
            Member.objects.create(
                member_id=f"{family.family_id}-{index}", family=family, person=person, **spec
            )
        )
    if made:
        family.head = made[0]
        family.save(update_fields=["head"])
    return family, made


def make_active_enrolment(
    family: Family,
    scheme_year: SchemeYear,
    *,
    members: list[Member] | None = None,
    category: str = Category.III,
    cover_paise: int | None = None,
    valid_to: datetime.date | None = None,
) -> Enrolment:
    """An active enrolment with its card and wallet, as the enrolment service leaves it after payment."""
    n = next(_serial)
    members = members if members is not None else list(family.members.all())
    units = max(1, -(-len(members) // scheme_year.max_members_per_unit))
    cover = cover_paise if cover_paise is not None else units * scheme_year.cover_per_unit_paise
    today = timezone.localdate()
    rule = scheme_year.category_rules.get(category=category)
    enrolment = Enrolment.objects.create(
        enrolment_no=f"TEST-APP-{n:06d}",
        card_number=f"TEST-CARD-{n:06d}",
        family=family,
        scheme_year=scheme_year,
        category=category,
        premium_paise=rule.premium_paise,
        units=units,
        cover_paise=cover,
        status=EnrolmentStatus.ACTIVE,
        valid_from=today - datetime.timedelta(days=10),
        valid_to=valid_to or today + datetime.timedelta(days=355),
        channel="officer",
        activated_at=timezone.now(),
    )
    for index, member in enumerate(members):
        EnrolledMember.objects.create(
            enrolment=enrolment,
            member=member,
            person=member.person,
            unit_no=index // scheme_year.max_members_per_unit + 1,
        )
    Wallet.objects.create(enrolment=enrolment, cover_paise=cover)
    return enrolment


def make_specialty(
    code: str = "SG", name: str = "General Surgery", name_hi: str = "सामान्य शल्य चिकित्सा"
) -> Specialty:
    return Specialty.objects.get_or_create(code=code, defaults={"name": name, "name_hi": name_hi})[0]


def make_package(
    code: str = "SG039A",
    *,
    specialty: Specialty | None = None,
    name: str = "Cholecystectomy - open (illustrative)",
    name_hi: str = "",
    rate_paise: int = 22_800_00,
    kind: str = PackageKind.SURGICAL,
    needs_preauth: bool = True,
    min_stay_days: int = 3,
    is_one_time: bool = False,
) -> Package:
    return Package.objects.create(
        code=code,
        package_code=code[:5],
        procedure_code=code,
        specialty=specialty or make_specialty(),
        name=name,
        name_hi=name_hi,
        rate_paise=rate_paise,
        kind=kind,
        needs_preauth=needs_preauth,
        min_stay_days=min_stay_days,
        is_one_time=is_one_time,
        is_illustrative=True,
    )


def make_empanelment(facility, specialty: Specialty, **overrides: Any) -> Empanelment:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "valid_from": today - datetime.timedelta(days=100),
        "valid_to": today + datetime.timedelta(days=265),
        "status": EmpanelmentStatus.ACTIVE,
        "order_ref": "TEST/EMP/1",
    }
    values.update(overrides)
    return Empanelment.objects.create(facility=facility, specialty=specialty, **values)


def make_icd10(
    code: str = "K80.2", title: str = "Calculus of gallbladder without cholecystitis"
) -> Icd10Code:
    return Icd10Code.objects.get_or_create(
        code=code,
        defaults={
            "title": title,
            "kind": "subcategory",
            "parent_code": code[:3],
            "chapter": "XI",
            "is_codable": True,
        },
    )[0]


def verify_at_desk(client, enrolment: Enrolment, *, via: str = "api") -> None:
    """What a scheme desk does before opening a case: verify the family (a member id and that member's year
    of birth as the second fact), through the API (`via="api"`) or the page (`via="page"`). The client's
    session may then open cases for the family's members (verification.require_verified)."""
    member = enrolment.members.select_related("member").order_by("pk")[0].member
    data = {"q": member.member_id, "second_fact": str(member.year_of_birth)}
    if via == "page":
        response = client.post("/himcare/verify/", data)
    else:
        response = client.post("/api/himcare/verify", data, content_type="application/json")
    assert response.status_code == 200, response.content[:500]


def card_verification_fixtures(card: str):
    """The two fixtures of a module that verifies HIMCARE cards: an autouse fresh rate-limit window (the cache
    cleared before and after each test) and `enrolled`, the active enrolment of himcare/conftest.py carrying
    `card`. Bind both in the module: `_fresh_rate_window, enrolled = card_verification_fixtures(CARD)`."""

    @pytest.fixture(autouse=True)
    def _fresh_rate_window():
        cache.clear()
        yield
        cache.clear()

    @pytest.fixture
    def enrolled(active_enrolment):
        active_enrolment.card_number = card
        active_enrolment.save(update_fields=["card_number"])
        return active_enrolment

    return _fresh_rate_window, enrolled


def make_empanelled_package(*facilities: Any, **package_fields: Any) -> Package:
    """What a hospital needs to raise a pre-authorisation: a General Surgery package (`make_package`'s, with
    `package_fields`), each of `facilities` empanelled for its specialty, and the ICD-10 code K80.2."""
    specialty = make_specialty()
    package = make_package(specialty=specialty, **package_fields)
    for facility in facilities:
        make_empanelment(facility, specialty)
    make_icd10()
    return package


def make_preauth(actor, enrolled_member, package, *, facility=None, documents=None) -> Case:
    """A pre-authorisation `actor` raises through the service at their facility (or `facility`) for `package`,
    provisional diagnosis K80.2, with the papers the package needs unless `documents` are given."""
    from himswasthya.himcare.cases import services as cases

    return cases.do_raise_preauth(
        actor=actor,
        enrolled_member=enrolled_member,
        facility=facility or actor.facility,
        package_ids=[package.pk],
        provisional_icd10_codes=["K80.2"],
        documents=needed_papers([package]) if documents is None else documents,
    )


def needed_papers(packages, stage: str = "preauth") -> list[dict[str, str]]:
    """The documents the packages need at `stage` (cases.documents' rule), as document numbers only."""
    from himswasthya.himcare.cases.documents import required_documents

    return [{"kind": kind, "reference": f"TEST-{kind}"} for kind in required_documents(packages, stage)]


def attach_claim_papers(case, actor) -> None:
    """Attach to a case the documents its packages need to claim (as the desk does before submitting)."""
    from himswasthya.himcare.cases.documents import CLAIM, attach_document, case_documents

    for kind in case_documents(case, CLAIM):
        attach_document(actor=actor, kind=kind, case=case, reference=f"TEST-{kind}")


def sign_discharge_summary(actor, case, *, course: str = "Recovered after treatment; stable.") -> Any:
    """The hospital desk writes the case's admission record (cases/treatment.py over records) with a
    discharge summary at the case's discharge time and its final diagnoses, and signs it, as a claim needs.
    Gives the signed encounter."""
    from himswasthya.himcare.cases import treatment

    case.refresh_from_db()
    treatment.do_open_record(actor=actor, case=case)
    codes = [d.icd10.code for d in case.diagnoses.filter(kind="final").select_related("icd10")]
    treatment.do_save_record(
        actor=actor,
        case=case,
        data={
            "admitted_at": case.admitted_at,
            "chief_complaints": "Admitted for the package's treatment.",
            "diagnoses": [{"code": code} for code in codes],
            "discharge": {
                "discharged_at": case.discharged_at or timezone.now(),
                "course_in_hospital": course,
                "condition_at_discharge": "recovered",
            },
        },
    )
    return treatment.do_sign_record(actor=actor, case=case)


TEST_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def paper_uploads(packages, stage: str = "preauth") -> dict[str, Any]:
    """The page's file inputs (`document_<kind>`) filled with a small PDF for each kind the packages need."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from himswasthya.himcare.cases.documents import required_documents

    return {
        f"document_{kind}": SimpleUploadedFile(f"{kind}.pdf", TEST_PDF + kind.encode(), "application/pdf")
        for kind in required_documents(packages, stage)
    }


def make_past_case(
    enrolment, *, facility, raised_by, package, case_no: str = "CASE-T-1", status: str = "claim_approved"
):
    """A case of `enrolment`'s first member at another hospital, with `package` at ₹22,800: the history a
    desk sees when it verifies the card."""
    member = enrolment.members.first()
    case = Case.objects.create(
        case_no=case_no,
        enrolment=enrolment,
        enrolled_member=member,
        person=member.person,
        facility=facility,
        status="claim_approved",
        estimated_paise=22_800_00,
        raised_by=raised_by,
    )
    CasePackage.objects.create(case=case, package=package, rate_paise=22_800_00)
    return case
