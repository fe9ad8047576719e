"""FHIR documents of a signed encounter: the NRCeS profiles' mandatory elements, LOINC vitals, references
inside the bundle, our checks refusing broken documents, the round trip build -> JSON -> parse, and the real
ABDM example bundles (read from ../shared/data/fhir_examples/abdm/, skipped when absent)."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from himswasthya.records import services
from himswasthya.records.fhir import codes
from himswasthya.records.fhir.bundles import (
    NoPrescription,
    NotSigned,
    document_bundle,
    document_bundles,
    dosage_text,
)
from himswasthya.records.fhir.parse import FhirParseError, parse_document
from himswasthya.records.fhir.profiles import ProfileError, check_document, problems

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "data" / "fhir_examples" / "abdm"


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _by_url(bundle):
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_an_opd_visit_is_an_op_consult_record_with_the_composition_first(signed):
    bundle = document_bundle(signed)
    Bundle.model_validate(bundle)  # R4B
    assert bundle["type"] == "document"
    assert bundle["meta"]["profile"] == [codes.profile("DocumentBundle")]
    assert bundle["meta"]["versionId"] and bundle["timestamp"]
    assert bundle["identifier"]["system"] and bundle["identifier"]["value"]
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["meta"]["profile"] == [codes.profile("OPConsultRecord")]
    assert composition["type"]["coding"] == [
        {"system": codes.SNOMED, "code": "371530004", "display": "Clinical consultation report"}
    ]
    assert composition["status"] == "final" and composition["title"] and composition["date"]
    sections = {s["code"]["coding"][0]["code"]: s for s in composition["section"]}
    assert set(sections) == {
        "422843007",  # chief complaints: the diagnoses
        "425044008",  # physical examination: the vital signs
        "404684003",  # other observations: the blood sugar
        "722446000",  # allergies
        "721912009",  # medications
        "721963009",  # investigation advice
        "390906007",  # follow-up
    }
    urls = _by_url(bundle)
    kinds = {
        s: [urls[e["reference"]]["resourceType"] for e in sec.get("entry", [])] for s, sec in sections.items()
    }
    assert kinds["422843007"] == ["Condition", "Condition"]
    assert set(kinds["425044008"]) == {"Observation"} and len(kinds["425044008"]) == 8
    assert kinds["722446000"] == ["AllergyIntolerance"]
    assert kinds["721912009"] == ["MedicationRequest", "MedicationRequest"]
    assert "Fever for three days" in sections["422843007"]["text"]["div"]
    # every resource names its NRCeS profile; all full URLs are urn:uuid
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        assert entry["resource"]["meta"]["profile"][0].startswith(codes.PROFILE_BASE)
    assert problems(bundle) == []


def test_every_reference_resolves_inside_the_bundle(signed):
    for bundle in document_bundles(signed).values():
        urls = _by_url(bundle)
        text = json.dumps(bundle)
        refs = [part.split('"')[0] for part in text.split('"reference": "')[1:]]
        assert refs and all(ref in urls for ref in refs)
        composition = bundle["entry"][0]["resource"]
        assert urls[composition["subject"]["reference"]]["resourceType"] == "Patient"
        assert urls[composition["author"][0]["reference"]]["resourceType"] == "Practitioner"
        assert urls[composition["custodian"]["reference"]]["resourceType"] == "Organization"
        assert urls[composition["encounter"]["reference"]]["resourceType"] == "Encounter"


def test_the_patient_carries_abha_number_address_and_uhid(signed):
    patient = _resources(document_bundle(signed), "Patient")[0]
    identifiers = {i["system"]: i["value"] for i in patient["identifier"]}
    assert identifiers[codes.ABHA_NUMBER_SYSTEM] == "91-7604-8764-7595"
    assert identifiers[codes.ABHA_ADDRESS_SYSTEM] == "asha@sbx"
    assert identifiers[codes.UHID_SYSTEM] == "HP-023-00000001-1"
    assert all(i["type"]["coding"][0]["code"] for i in patient["identifier"])
    assert patient["name"][0]["text"] == "Asha Devi" and patient["gender"] == "female"


def test_vitals_carry_their_loinc_codes_and_ucum_units(signed):
    bundle = document_bundle(signed)
    observations = {o["code"]["coding"][0]["code"]: o for o in _resources(bundle, "Observation")}
    assert set(observations) == {
        "85354-9", "8867-4", "8310-5", "2708-6", "9279-1", "29463-7", "8302-2", "39156-5", "2339-0"
    }  # fmt: skip
    bp = observations["85354-9"]
    parts = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in bp["component"]}
    assert parts == {
        "8480-6": {"value": 130, "unit": "mmHg", "system": codes.UCUM, "code": "mm[Hg]"},
        "8462-4": {"value": 85, "unit": "mmHg", "system": codes.UCUM, "code": "mm[Hg]"},
    }
    assert [c["code"] for c in observations["2708-6"]["code"]["coding"]] == ["2708-6", "59408-5"]
    assert observations["8310-5"]["valueQuantity"]["value"] == 37.8
    assert observations["8310-5"]["valueQuantity"]["code"] == "Cel"
    assert observations["39156-5"]["valueQuantity"]["value"] == 23.4
    assert observations["2339-0"]["category"][0]["coding"][0]["code"] == "laboratory"
    assert observations["8867-4"]["meta"]["profile"] == [codes.profile("ObservationVitalSigns")]


def test_conditions_are_icd10_and_medications_have_dosage_route_and_timing(signed):
    bundle = document_bundle(signed)
    conditions = _resources(bundle, "Condition")
    icd10 = "http://hl7.org/fhir/sid/icd-10"
    assert [c["code"]["coding"][0] for c in conditions] == [
        {"system": icd10, "code": "J06.9", "display": "Acute upper respiratory infection, unspecified"},
        {"system": icd10, "code": "I10", "display": "Essential (primary) hypertension"},
    ]
    first, second = _resources(bundle, "MedicationRequest")
    assert first["medicationCodeableConcept"] == {"text": "Paracetamol Tablet 500 mg"}
    dosage = first["dosageInstruction"][0]
    assert dosage["text"] == "1 tablet, TDS, for 3 days"
    assert dosage["timing"]["repeat"] == {
        "boundsDuration": {"value": 3, "unit": "days", "system": codes.UCUM, "code": "d"},
        "frequency": 3,
        "period": 1,
        "periodUnit": "d",
    }
    assert dosage["route"]["coding"] == [
        {"system": codes.SNOMED, "code": "26643006", "display": "Oral route"}
    ]
    assert first["requester"]["reference"].startswith("urn:uuid:") and first["authoredOn"]
    assert second["dosageInstruction"][0]["patientInstruction"] == "खाना खाने के बाद"


def test_a_prescription_record_has_one_section_of_typed_medication_requests(signed):
    bundle = document_bundle(signed, "PrescriptionRecord")
    composition = bundle["entry"][0]["resource"]
    assert composition["type"]["coding"][0]["code"] == "440545006"
    (section,) = composition["section"]
    assert section["code"]["coding"][0]["code"] == "440545006"
    assert [e["type"] for e in section["entry"]] == ["MedicationRequest", "MedicationRequest"]
    assert set(document_bundles(signed)) == {"OPConsultRecord", "PrescriptionRecord"}


def test_an_admission_is_a_discharge_summary(doctor, patient, persona_facility, codes_and_medicine):
    encounter = services.open_encounter(doctor, patient, persona_facility, kind="admission")
    admitted = timezone.now() - datetime.timedelta(days=3)
    services.save_draft(
        doctor,
        encounter,
        {
            "admitted_at": admitted,
            "diagnoses": [{"code": "I10"}],
            "advice": "Rest",
            "procedures": [
                {"name": "Cholecystectomy", "code": "SG039A", "performed_on": timezone.localdate(admitted)}
            ],
            "discharge": {
                "discharged_at": timezone.now() - datetime.timedelta(hours=1),
                "course_in_hospital": "Uneventful recovery",
                "condition_at_discharge": "recovered",
            },
        },
    )
    services.sign(doctor, encounter)
    bundle = document_bundle(services.get_encounter(doctor, encounter.pk))
    composition = bundle["entry"][0]["resource"]
    assert composition["meta"]["profile"] == [codes.profile("DischargeSummaryRecord")]
    assert composition["type"]["coding"][0]["code"] == "373942005"
    sections = {s["code"]["coding"][0]["code"]: s for s in composition["section"]}
    assert set(sections) == {"422843007", "1003640003", "734163000"}
    assert "Uneventful recovery" in sections["734163000"]["text"]["div"]
    (procedure,) = _resources(bundle, "Procedure")
    assert procedure["code"]["text"] == "Cholecystectomy (SG039A)" and procedure["status"] == "completed"
    (fhir_encounter,) = _resources(bundle, "Encounter")
    assert fhir_encounter["class"]["code"] == "IMP"
    assert fhir_encounter["hospitalization"]["dischargeDisposition"]["text"] == "Recovered"
    assert fhir_encounter["period"]["start"] == timezone.localtime(admitted).isoformat(timespec="seconds")
    assert problems(bundle) == []
    summary = parse_document(json.dumps(bundle))
    assert summary.record == "DischargeSummaryRecord" and summary.encounter_class == "IMP"
    assert summary.procedures == ["Cholecystectomy (SG039A)"]
    with pytest.raises(NoPrescription):
        document_bundle(services.get_encounter(doctor, encounter.pk), "PrescriptionRecord")


@pytest.fixture
def codes_and_medicine(codes, paracetamol):
    return codes


def test_an_empty_signed_record_is_still_a_valid_document(doctor, draft):
    services.sign(doctor, draft)
    bundle = document_bundle(services.get_encounter(doctor, draft.pk))
    (section,) = bundle["entry"][0]["resource"]["section"]
    assert "No clinical details" in section["text"]["div"]
    assert problems(bundle) == []


def test_a_draft_is_no_document(draft):
    with pytest.raises(NotSigned):
        document_bundle(draft)


def test_the_same_encounter_gives_the_same_document(signed):
    assert document_bundle(signed) == document_bundle(signed)


def test_a_correction_replaces_the_earlier_document(doctor, signed):
    new = services.correct(doctor, signed)
    services.sign(doctor, new)
    bundle = document_bundle(services.get_encounter(doctor, new.pk))
    (relates,) = bundle["entry"][0]["resource"]["relatesTo"]
    old = document_bundle(signed)["entry"][0]["resource"]["identifier"]
    assert relates["code"] == "replaces" and relates["targetIdentifier"] == old


# --- our checks refuse what breaks a profile --------------------------------------------------------------


def _broken(bundle, change):
    copy_ = copy.deepcopy(bundle)
    change(copy_)
    return problems(copy_)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b["meta"].pop("versionId"), "Bundle.meta.versionId"),
        (lambda b: b.pop("identifier"), "Bundle.identifier"),
        (lambda b: b.pop("timestamp"), "Bundle.timestamp"),
        (lambda b: b["entry"].append(b["entry"].pop(0)), "the Composition must be the first entry"),
        (lambda b: b["entry"][0]["resource"]["type"]["coding"][0].update(code="1"), ".type.coding"),
        (lambda b: b["entry"][0]["resource"].pop("encounter"), ".encounter"),
        (lambda b: b["entry"][0]["resource"].pop("author"), ".author"),
        (lambda b: b["entry"][0]["resource"]["section"][0]["code"]["coding"][0].update(code="9"), ".code"),
        (lambda b: b["entry"][1].update(fullUrl="Patient/1"), "not a urn:uuid"),
        (lambda b: b["entry"].pop(1), "does not resolve inside the bundle"),
        (lambda b: b["entry"][1]["resource"].pop("identifier"), "Patient).identifier"),
        (lambda b: b["entry"][1]["resource"]["meta"].update(profile=["http://x"]), "no NRCeS profile"),
    ],
)
def test_our_checks_refuse_a_broken_document(signed, change, expected):
    found = _broken(document_bundle(signed), change)
    assert any(expected in p for p in found), found


def test_our_checks_refuse_a_wrong_unit_a_half_blood_pressure_and_a_non_snomed_route(signed):
    bundle = document_bundle(signed)

    def find(b, code):
        return next(
            e["resource"]
            for e in b["entry"]
            if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == code
        )

    assert any(
        "UCUM" in p for p in _broken(bundle, lambda b: find(b, "8867-4")["valueQuantity"].update(code="bpm"))
    )
    assert any("8462-4" in p for p in _broken(bundle, lambda b: find(b, "85354-9")["component"].pop()))

    def route(b):
        request = next(
            e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "MedicationRequest"
        )
        request["dosageInstruction"][0]["route"]["coding"][0]["system"] = "http://example.org"

    assert any("only SNOMED CT" in p for p in _broken(bundle, route))
    with pytest.raises(ProfileError):
        check_document({**bundle, "entry": bundle["entry"][1:]})


# --- round trip and incoming documents ---------------------------------------------------------------


def test_round_trip_build_serialise_parse_gives_the_same_data(signed):
    text = json.dumps(document_bundle(signed), ensure_ascii=False)
    summary = parse_document(text.encode())
    assert summary.record == "OPConsultRecord"
    assert summary.patient.name == signed.person.name_roman
    assert summary.patient.gender == "female" and summary.patient.birth_date == "1980"
    assert {(i.system, i.value) for i in summary.patient.identifiers} >= {
        (codes.ABHA_NUMBER_SYSTEM, "91-7604-8764-7595"),
        (codes.UHID_SYSTEM, "HP-023-00000001-1"),
    }
    assert summary.encounter_date == timezone.localdate(signed.started_at)
    assert summary.encounter_class == "AMB"
    assert [(c.code, c.text) for c in summary.conditions] == [
        (d.icd10.code, d.icd10.title) for d in signed.diagnoses.all()
    ]
    assert [
        (m.name, m.dosage, m.route, m.frequency, m.duration_days, m.instructions) for m in summary.medications
    ] == [
        (p.medicine_name, dosage_text(p), p.route, p.frequency, p.duration_days, p.instructions)
        for p in signed.prescriptions.all()
    ]
    vitals = signed.vitals
    expected = {name: Decimal(str(getattr(vitals, name))) for name in (
        "bp_systolic", "bp_diastolic", "pulse", "temperature_c", "spo2", "respiratory_rate", "weight_kg",
        "height_cm", "random_blood_sugar")}  # fmt: skip
    expected["bmi"] = vitals.bmi
    assert summary.vitals == expected
    assert summary.allergies == [a.substance for a in signed.allergies.all()]


def test_parse_refuses_what_is_not_a_document():
    with pytest.raises(FhirParseError):
        parse_document(b"{not json")
    with pytest.raises(FhirParseError):
        parse_document({"resourceType": "Patient"})
    with pytest.raises(FhirParseError, match="document"):
        parse_document({"resourceType": "Bundle", "type": "collection"})
    with pytest.raises(FhirParseError, match="valid FHIR"):
        parse_document({"resourceType": "Bundle", "type": "document", "entry": [{"resource": {"bogus": 1}}]})


@pytest.mark.engine_independent
@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/data/fhir_examples/abdm/ is not on this machine")
@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("*.json")) if EXAMPLES.is_dir() else [], ids=lambda p: p.name
)
def test_the_real_abdm_examples_parse(path):
    raw = json.loads(path.read_text())
    summary = parse_document(path.read_bytes())
    assert summary.patient is not None and summary.patient.name
    assert summary.encounter_date is not None
    composition_profiles = raw["entry"][0]["resource"].get("meta", {}).get("profile", [])
    if any(p.endswith(("OPConsultRecord", "DischargeSummaryRecord")) for p in composition_profiles):
        assert summary.record in ("OPConsultRecord", "DischargeSummaryRecord")
        assert summary.encounter_class in ("AMB", "IMP")
    counts = {
        k: sum(1 for e in raw["entry"] if e["resource"]["resourceType"] == k)
        for k in ("Condition", "AllergyIntolerance")
    }
    assert len(summary.conditions) == counts["Condition"]
    assert len(summary.allergies) == counts["AllergyIntolerance"]


@pytest.mark.engine_independent
@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/data/fhir_examples/abdm/ is not on this machine")
def test_an_example_opd_record_yields_its_diagnosis_and_patient_identifiers():
    summary = parse_document(
        (
            EXAMPLES / "kcdo_1stEncounter_OPConsultationBreastCancer-InitialVisitEncounter-Output.json"
        ).read_bytes()
    )
    assert summary.record == "OPConsultRecord"
    assert summary.patient.name == "Meera Sharma" and summary.patient.birth_date == "1971-01-01"
    assert ("https://healthid.abdm.gov.in", "meera.sharma@abdm") in {
        (i.system, i.value) for i in summary.patient.identifiers
    }
    assert summary.encounter_date == datetime.date(2023, 10, 10)
    assert len(summary.conditions) == 1 and summary.conditions[0].text
