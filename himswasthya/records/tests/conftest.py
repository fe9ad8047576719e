"""Rows for the records tests: a few ICD-10 codes and medicines, a family, a doctor elsewhere, a signed record
with every part and the patient's ABHA number, ABHA address and UHID."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from himswasthya.accounts.tests.fixtures import _user
from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.tests.factories import named_person
from himswasthya.records import services


@pytest.fixture
def codes(db):
    rows = [
        ("E11", "Type 2 diabetes mellitus", "category", False),
        ("E11.9", "Type 2 diabetes mellitus without complications", "subcategory", True),
        ("I10", "Essential (primary) hypertension", "category", True),
        ("J06.9", "Acute upper respiratory infection, unspecified", "subcategory", True),
    ]
    return {
        code: Icd10Code.objects.create(
            code=code, title=title, kind=kind, chapter="IV", parent_code="", is_codable=codable
        )
        for code, title, kind, codable in rows
    }


@pytest.fixture
def paracetamol(db):
    return Medicine.objects.create(
        name="Paracetamol",
        dosage_form="Tablet",
        strength="500 mg",
        level_of_care="P,S,T",
        section_number=2,
        section_name="Analgesics",
    )


@pytest.fixture
def family(citizen, persona_district):
    """The citizen's Him Parivar family: the citizen (head, with the mobile) and a daughter."""
    fam = Family.objects.create(family_id="HP-FAM-REC-1", district=persona_district)
    head = named_person(persona_district, "Asha Devi", mobile=citizen.mobile, sex="F", year_of_birth=1980)
    child = named_person(persona_district, "Anu Devi", sex="F", year_of_birth=2015)
    member_of(fam, head, "M-REC-1")
    member_of(fam, child, "M-REC-2", "DAUGHTER")
    return {"head": head, "child": child}


@pytest.fixture
def patient(family):
    return family["head"]


@pytest.fixture
def stranger(persona_district):
    """A patient of the facility's district outside the citizen's family."""
    return named_person(persona_district, "Vijay Negi", sex="M", year_of_birth=1970, mobile="9812345678")


@pytest.fixture
def other_doctor(persona_other_facility):
    return _user("other-doctor", "doctor", facility=persona_other_facility)


@pytest.fixture
def draft(doctor, patient, persona_facility):
    return services.open_encounter(doctor, patient, persona_facility, source_ref="opd:OPD-REC-1")


GOOD_DRAFT = {
    "chief_complaints": "Fever for three days",
    "examination_notes": "Throat congested",
    "advice": "Plenty of fluids",
    "vitals": {"bp_systolic": 130, "bp_diastolic": 85, "spo2": 97, "weight_kg": 60, "height_cm": 160},
    "diagnoses": [{"code": "J06.9", "is_primary": True}, {"code": "i10", "note": "known case"}],
    "prescriptions": [
        {"medicine_id": None, "dose": "1 tablet", "frequency": "TDS", "duration_days": 3},
        {
            "free_text": True,
            "name": "Betadine gargle",
            "dose": "10 mL",
            "frequency": "BD",
            "duration_days": 5,
        },
    ],
    "allergies": [{"substance": "Penicillin", "reaction": "Rash"}],
}


@pytest.fixture
def good_draft(paracetamol, codes):
    data = {**GOOD_DRAFT, "prescriptions": [dict(p) for p in GOOD_DRAFT["prescriptions"]]}
    data["prescriptions"][0]["medicine_id"] = paracetamol.pk
    return data


ABHA = "91760487647595"
UHID = "HP-023-00000001-1"


@pytest.fixture
def signed(doctor, draft, good_draft, patient):
    PersonIdentifier.objects.create(person=patient, id_type=IdentifierType.ABHA_NUMBER, value=ABHA)
    PersonIdentifier.objects.create(person=patient, id_type=IdentifierType.ABHA_ADDRESS, value="asha@sbx")
    PersonIdentifier.objects.create(
        person=patient, id_type=IdentifierType.UHID, value=UHID, issuer="HimSwasthya"
    )
    data = {
        **good_draft,
        "investigations_advised": "CBC",
        "follow_up_on": datetime.date.today() + datetime.timedelta(days=7),
        "vitals": {
            "bp_systolic": 130,
            "bp_diastolic": 85,
            "pulse": 88,
            "temperature_c": Decimal("37.8"),
            "spo2": 97,
            "respiratory_rate": 18,
            "weight_kg": Decimal("60.0"),
            "height_cm": Decimal("160.0"),
            "random_blood_sugar": 140,
        },
    }
    data["prescriptions"][1]["instructions"] = "खाना खाने के बाद"
    services.save_draft(doctor, draft, data)
    services.sign(doctor, draft)
    return services.get_encounter(doctor, draft.pk)
