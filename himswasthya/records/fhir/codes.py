"""The codes and addresses our FHIR documents use, in one place (ABDM / NRCeS FHIR IG, R4).

Sources: the NRCeS IG profiles (OPConsultRecord, PrescriptionRecord, DischargeSummaryRecord, DocumentBundle,
Patient, Practitioner, Organization, Encounter, Condition, MedicationRequest, AllergyIntolerance,
ObservationVitalSigns; FSH sources of IG 6.0.0) for the profile URLs, the Composition type and section codes
(SNOMED CT, fixed by the profiles) and the identifier-type code system; the FHIR R4 vital-signs value set
(observation-vitalsignresult) for the LOINC codes and UCUM units. SNOMED CT appears only where a profile fixes
the code or we know it exactly (routes of administration); everything else is text.
"""

from __future__ import annotations

from dataclasses import dataclass

PROFILE_BASE = "https://nrces.in/ndhm/fhir/r4/StructureDefinition/"


def profile(name: str) -> str:
    return f"{PROFILE_BASE}{name}"


SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
NDHM_IDENTIFIER_TYPE = "https://nrces.in/ndhm/fhir/r4/CodeSystem/ndhm-identifier-type-code"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"

# Identifier systems. ABHA number as in the NRCeS examples, ABHA address as in the ABDM examples; the HFR
# facility id as domain.md §1.4 says; ours under the state's address (names, not URLs anyone resolves).
ABHA_NUMBER_SYSTEM = "https://healthid.ndhm.gov.in"
ABHA_ADDRESS_SYSTEM = "https://healthid.abdm.gov.in"
HFR_SYSTEM = "https://facility.ndhm.gov.in"
STATE_BASE = "https://himswasthya.hp.gov.in/fhir/sid/"
UHID_SYSTEM = f"{STATE_BASE}uhid"
FACILITY_CODE_SYSTEM = f"{STATE_BASE}facility-code"
STAFF_SYSTEM = f"{STATE_BASE}staff"
DOCUMENT_SYSTEM = f"{STATE_BASE}document"
ENCOUNTER_SYSTEM = f"{STATE_BASE}encounter"

# Search `Patient?identifier=<system>|<value>`: which of our identifier kinds each system names.
IDENTIFIER_SYSTEMS = {
    ABHA_NUMBER_SYSTEM: "ABHA_NUMBER",
    ABHA_ADDRESS_SYSTEM: "ABHA_ADDRESS",
    UHID_SYSTEM: "UHID",
}


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}

    def concept(self, text: str | None = None) -> dict[str, object]:
        return {"coding": [self.coding()], "text": text or self.display}


# --- the documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordType:
    """One NRCeS Composition profile: its name (= the profile id), the fixed type code, a title."""

    name: str
    type: Code
    title: str

    @property
    def profile(self) -> str:
        return profile(self.name)


OP_CONSULT = RecordType(
    "OPConsultRecord", Code(SNOMED, "371530004", "Clinical consultation report"), "Consultation Report"
)
PRESCRIPTION = RecordType(
    "PrescriptionRecord", Code(SNOMED, "440545006", "Prescription record"), "Prescription record"
)
DISCHARGE_SUMMARY = RecordType(
    "DischargeSummaryRecord", Code(SNOMED, "373942005", "Discharge summary"), "Discharge Summary"
)
RECORD_TYPES = {r.name: r for r in (OP_CONSULT, PRESCRIPTION, DISCHARGE_SUMMARY)}


@dataclass(frozen=True)
class Section:
    """A Composition section slice: its title (the slice name), fixed code and the resources it may hold."""

    title: str
    code: Code
    entries: tuple[str, ...]


# Section codes fixed by the profiles (SNOMED CT, "exactly"). OP consultation and discharge summary differ in
# the medical-history and medication sections.
CHIEF_COMPLAINTS = Section(
    "ChiefComplaints", Code(SNOMED, "422843007", "Chief complaint section"), ("Condition",)
)
PHYSICAL_EXAMINATION = Section(
    "PhysicalExamination", Code(SNOMED, "425044008", "Physical exam section"), ("Observation",)
)
ALLERGIES = Section("Allergies", Code(SNOMED, "722446000", "Allergy record"), ("AllergyIntolerance",))
OP_MEDICAL_HISTORY = Section(
    "MedicalHistory", Code(SNOMED, "371529009", "History and physical report"), ("Condition", "Procedure")
)
DS_MEDICAL_HISTORY = Section(
    "MedicalHistory", Code(SNOMED, "1003642006", "Past medical history section"), ("Condition", "Procedure")
)
OP_MEDICATIONS = Section(
    "Medications",
    Code(SNOMED, "721912009", "Medication summary document"),
    ("MedicationStatement", "MedicationRequest"),
)
DS_MEDICATIONS = Section(
    "Medications", Code(SNOMED, "1003606003", "Medication history section"), ("MedicationRequest",)
)
OTHER_OBSERVATIONS = Section(
    "OtherObservations", Code(SNOMED, "404684003", "Clinical finding"), ("Observation",)
)
INVESTIGATION_ADVICE = Section(
    "InvestigationAdvice", Code(SNOMED, "721963009", "Order document"), ("ServiceRequest",)
)
FOLLOW_UP = Section("FollowUp", Code(SNOMED, "390906007", "Follow-up encounter"), ("Appointment",))
CARE_PLAN = Section("CarePlan", Code(SNOMED, "734163000", "Care plan"), ("CarePlan",))
DS_PROCEDURES = Section(
    "Procedures", Code(SNOMED, "1003640003", "History of past procedure section"), ("Procedure",)
)
PRESCRIPTION_SECTION = Section(
    "Prescription record", Code(SNOMED, "440545006", "Prescription record"), ("MedicationRequest", "Binary")
)

# Each record type's known sections by code (a section with another code is refused by our checks).
SECTIONS: dict[str, dict[str, Section]] = {
    OP_CONSULT.name: {
        s.code.code: s
        for s in (
            CHIEF_COMPLAINTS,
            PHYSICAL_EXAMINATION,
            ALLERGIES,
            OP_MEDICAL_HISTORY,
            OP_MEDICATIONS,
            OTHER_OBSERVATIONS,
            INVESTIGATION_ADVICE,
            FOLLOW_UP,
        )
    },
    DISCHARGE_SUMMARY.name: {
        s.code.code: s
        for s in (
            CHIEF_COMPLAINTS,
            PHYSICAL_EXAMINATION,
            ALLERGIES,
            DS_MEDICAL_HISTORY,
            DS_MEDICATIONS,
            OTHER_OBSERVATIONS,
            DS_PROCEDURES,
            CARE_PLAN,
        )
    },
    PRESCRIPTION.name: {PRESCRIPTION_SECTION.code.code: PRESCRIPTION_SECTION},
}

# --- vital signs (LOINC, UCUM) --------------------------------------------------------------------


@dataclass(frozen=True)
class Vital:
    """How one of our vitals (records.models.VITAL_RANGES, plus BMI) is coded: LOINC code(s) and UCUM unit."""

    field: str
    codes: tuple[Code, ...]
    unit: str  # UCUM
    unit_display: str
    category: str = "vital-signs"

    @property
    def code(self) -> str:
        return self.codes[0].code


BP_PANEL = Code(LOINC, "85354-9", "Blood pressure panel with all children optional")
BP_SYSTOLIC = Code(LOINC, "8480-6", "Systolic blood pressure")
BP_DIASTOLIC = Code(LOINC, "8462-4", "Diastolic blood pressure")
MM_HG = ("mm[Hg]", "mmHg")

# The FHIR R4 oxygen-saturation profile requires 2708-6; 59408-5 (by pulse oximetry) says how it was taken.
VITALS: tuple[Vital, ...] = (
    Vital("pulse", (Code(LOINC, "8867-4", "Heart rate"),), "/min", "beats/minute"),
    Vital("temperature_c", (Code(LOINC, "8310-5", "Body temperature"),), "Cel", "°C"),
    Vital(
        "spo2",
        (
            Code(LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
            Code(LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
        ),
        "%",
        "%",
    ),
    Vital("respiratory_rate", (Code(LOINC, "9279-1", "Respiratory rate"),), "/min", "breaths/minute"),
    Vital("weight_kg", (Code(LOINC, "29463-7", "Body weight"),), "kg", "kg"),
    Vital("height_cm", (Code(LOINC, "8302-2", "Body height"),), "cm", "cm"),
    Vital("bmi", (Code(LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),), "kg/m2", "kg/m2"),
    Vital(
        "random_blood_sugar",
        (Code(LOINC, "2339-0", "Glucose [Mass/volume] in Blood"),),
        "mg/dL",
        "mg/dL",
        category="laboratory",
    ),
)
VITALS_BY_CODE = {code.code: vital for vital in VITALS for code in vital.codes}
CATEGORIES = {
    "vital-signs": Code(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"),
    "laboratory": Code(OBSERVATION_CATEGORY, "laboratory", "Laboratory"),
}

# --- prescriptions --------------------------------------------------------------------------------

# records.models.Route -> SNOMED CT route of administration (the NRCeS RouteOfAdministration value set).
ROUTES = {
    "oral": Code(SNOMED, "26643006", "Oral route"),
    "iv": Code(SNOMED, "47625008", "Intravenous route"),
    "im": Code(SNOMED, "78421000", "Intramuscular route"),
    "sc": Code(SNOMED, "34206005", "Subcutaneous route"),
    "topical": Code(SNOMED, "6064005", "Topical route"),
    "inhaled": Code(SNOMED, "447694001", "Respiratory tract route"),
    "eye": Code(SNOMED, "54485002", "Ophthalmic route"),
    "ear": Code(SNOMED, "10547007", "Otic route"),
    "nasal": Code(SNOMED, "46713006", "Nasal route"),
    "rectal": Code(SNOMED, "37161004", "Rectal route"),
    "vaginal": Code(SNOMED, "16857009", "Vaginal route"),
    "sublingual": Code(SNOMED, "37839007", "Sublingual route"),
}
ROUTES_BY_CODE = {code.code: route for route, code in ROUTES.items()}

# Frequencies doctors write, as FHIR Timing.repeat (frequency per period of periodUnit); others stay text.
FREQUENCIES: dict[str, tuple[int, int, str]] = {
    "OD": (1, 1, "d"),
    "QD": (1, 1, "d"),
    "HS": (1, 1, "d"),
    "BD": (2, 1, "d"),
    "BID": (2, 1, "d"),
    "TDS": (3, 1, "d"),
    "TID": (3, 1, "d"),
    "QID": (4, 1, "d"),
    "QDS": (4, 1, "d"),
    "WEEKLY": (1, 1, "wk"),
}
