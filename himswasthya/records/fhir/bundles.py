"""FHIR R4 document Bundles of a signed encounter, in the ABDM / NRCeS profiles.

    document_bundle(encounter) -> dict: the encounter's record, OPConsultRecord (OPD visit) or
        DischargeSummaryRecord (admission)
    document_bundle(encounter, "PrescriptionRecord") -> dict: its prescription (when it has lines)
    document_bundles(encounter) -> {record type: dict}: every document of the encounter

Each document: a Bundle (type document, DocumentBundle profile) whose first entry is the Composition, then
Patient (ABHA number and address, UHID), Practitioner, Organization (the facility; HFR id), Encounter and the
clinical resources: Condition (ICD-10), Observation (vital signs, LOINC + UCUM), MedicationRequest,
AllergyIntolerance. References are the entries' `urn:uuid:` full URLs, derived from the rows (uuid5), so the
same encounter always gives the same document. Every document is validated on construction by fhir.resources'
R4B models (the national profiles are R4; the default fhir.resources models are R5) and by our checks of the
profiles' mandatory elements (`profiles.py`); a failure is a bug, raised as `profiles.ProfileError`.

The resources are also served one by one by the FHIR REST API (`api.py`): `patient_resource`,
`encounter_resource`, `condition_resources`, `medication_request_resources` build them with plain ids.
The encounter is expected with its parts loaded (records.services.get_encounter / history do this); the
person's identifiers are read once per document.

This module reads models and builds JSON; it does no access control and writes no audit entry: callers get
the encounter through records.services (scoped, audited).
"""

from __future__ import annotations

import datetime
import functools
import html
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from himswasthya.core.validators import format_abha_number
from himswasthya.people.models import IdentifierType, Person
from himswasthya.records.fhir import codes
from himswasthya.records.fhir.profiles import check_document
from himswasthya.records.models import (
    DischargeCondition,
    DischargeSummary,
    Encounter,
    EncounterKind,
    EncounterStatus,
    PrescriptionLine,
    Vitals,
)

# uuid5 namespace of our documents' resource ids (fixed: changing it changes every document's ids).
NAMESPACE = uuid.UUID("5b0b8f2e-3c59-4f0e-9d8e-6a3f3f1c2b71")
SEX_TO_GENDER = {"M": "male", "F": "female", "O": "other"}


class NotSigned(ValueError):
    """Only a signed encounter is a document."""


class NoPrescription(ValueError):
    """A prescription record needs prescription lines."""


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _when(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _narrative(*paragraphs: str) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _number(value: Decimal | int) -> int | float:
    return int(value) if isinstance(value, int) or value == value.to_integral_value() else float(value)


def _ref(url: str, kind: str, display: str | None = None) -> dict[str, str]:
    ref = {"reference": url, "type": kind}
    if display:
        ref["display"] = display
    return ref


def _meta(profile_name: str, updated: datetime.datetime | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"profile": [codes.profile(profile_name)]}
    if updated is not None:
        meta["versionId"] = "1"
        meta["lastUpdated"] = _when(updated)
    return meta


# --- the resources ------------------------------------------------------------------------------------------


def _identifier_type(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def patient_identifiers(person: Person) -> list[dict[str, Any]]:
    """ABHA number (shown XX-XXXX-XXXX-XXXX), ABHA address, UHIDs, and our patient id (always there)."""
    found: list[dict[str, Any]] = []
    for identifier in person.identifiers.all():
        if identifier.id_type == IdentifierType.ABHA_NUMBER:
            found.append(
                {
                    "type": _identifier_type(codes.NDHM_IDENTIFIER_TYPE, "HIN", "Health ID issued by NDHM"),
                    "system": codes.ABHA_NUMBER_SYSTEM,
                    "value": format_abha_number(identifier.value),
                }
            )
        elif identifier.id_type == IdentifierType.ABHA_ADDRESS:
            found.append(
                {
                    "type": _identifier_type(
                        codes.NDHM_IDENTIFIER_TYPE, "ABHA", "Ayushman Bharat Health Account (ABHA) ID"
                    ),
                    "system": codes.ABHA_ADDRESS_SYSTEM,
                    "value": identifier.value,
                }
            )
        elif identifier.id_type == IdentifierType.UHID:
            found.append(
                {
                    "type": _identifier_type(codes.V2_0203, "MR", "Medical record number"),
                    "system": codes.UHID_SYSTEM,
                    "value": identifier.value,
                }
            )
    found.sort(key=lambda i: (i["system"], i["value"]))
    found.append(
        {
            "type": _identifier_type(codes.V2_0203, "PI", "Patient internal identifier"),
            "system": f"{codes.STATE_BASE}patient",
            "value": str(person.pk),
        }
    )
    return found


def patient_resource(person: Person, resource_id: str | None = None) -> dict[str, Any]:
    names = [{"text": person.name_roman, "family": person.family_name or None, "given": [person.given_name]}]
    if person.name_deva:
        names.append({"text": person.name_deva})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": resource_id or str(person.pk),
        "meta": _meta("Patient"),
        "identifier": patient_identifiers(person),
        "name": [{k: v for k, v in n.items() if v} for n in names],
        "gender": SEX_TO_GENDER.get(person.sex, "unknown"),
        "birthDate": (
            person.date_of_birth.isoformat() if person.date_of_birth else f"{person.year_of_birth:04d}"
        ),
    }
    if person.mobile:
        resource["telecom"] = [{"system": "phone", "value": f"+91{person.mobile}", "use": "mobile"}]
    return resource


def _practitioner_name(encounter: Encounter) -> str:
    user = encounter.practitioner
    return user.get_full_name() or user.username


def practitioner_resource(encounter: Encounter, resource_id: str) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": resource_id,
        "meta": _meta("Practitioner"),
        "identifier": [
            {
                "type": _identifier_type(codes.V2_0203, "EI", "Employee number"),
                "system": codes.STAFF_SYSTEM,
                "value": str(encounter.practitioner_id),
            }
        ],
        "name": [{"text": _practitioner_name(encounter)}],
    }


def organization_resource(encounter: Encounter, resource_id: str) -> dict[str, Any]:
    facility = encounter.facility
    identifiers = []
    if facility.hfr_id:
        identifiers.append(
            {
                "type": _identifier_type(codes.V2_0203, "PRN", "Provider number"),
                "system": codes.HFR_SYSTEM,
                "value": facility.hfr_id,
            }
        )
    identifiers.append(
        {
            "type": _identifier_type(codes.V2_0203, "XX", "Organization identifier"),
            "system": codes.FACILITY_CODE_SYSTEM,
            "value": facility.code,
        }
    )
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": resource_id,
        "meta": _meta("Organization"),
        "identifier": identifiers,
        "name": facility.name,
        "address": [
            {
                k: v
                for k, v in {
                    "text": facility.address or None,
                    "postalCode": facility.pincode or None,
                    "state": "Himachal Pradesh",
                    "country": "IN",
                }.items()
                if v
            }
        ],
    }
    if facility.phone:
        resource["telecom"] = [{"system": "phone", "value": facility.phone, "use": "work"}]
    return resource


@dataclass
class _Refs:
    """How the resources of one document (or one API answer) point at each other."""

    patient: str
    practitioner: str
    organization: str
    encounter: str
    item: Callable[[str, int], str]  # (kind, row id) -> reference of a clinical resource
    patient_display: str = ""
    practitioner_display: str = ""


def _document_refs(encounter: Encounter) -> _Refs:
    return _Refs(
        patient=f"urn:uuid:{_id('patient', encounter.person_id)}",
        practitioner=f"urn:uuid:{_id('practitioner', encounter.practitioner_id)}",
        organization=f"urn:uuid:{_id('organization', encounter.facility_id)}",
        encounter=f"urn:uuid:{_id('encounter', encounter.pk)}",
        item=lambda kind, pk: f"urn:uuid:{_id(kind, encounter.pk, pk)}",
        patient_display=encounter.person.name_roman,
        practitioner_display=_practitioner_name(encounter),
    )


def _rest_refs(encounter: Encounter) -> _Refs:
    """Relative references of the REST API (`Patient/12`); practitioner and facility by display only."""
    return _Refs(
        patient=f"Patient/{encounter.person_id}",
        practitioner="",
        organization="",
        encounter=f"Encounter/{encounter.pk}",
        item=lambda kind, pk: f"{kind}/{pk}",
        patient_display=encounter.person.name_roman,
        practitioner_display=_practitioner_name(encounter),
    )


def _practitioner_ref(refs: _Refs) -> dict[str, str]:
    if refs.practitioner:
        return _ref(refs.practitioner, "Practitioner", refs.practitioner_display)
    return {"display": refs.practitioner_display}


def _encounter_resource(
    encounter: Encounter, refs: _Refs, resource_id: str, *, diagnoses: bool = True
) -> dict[str, Any]:
    """The Encounter; `diagnoses=False` leaves out Encounter.diagnosis (a document without the Conditions)."""
    admission = encounter.kind == EncounterKind.ADMISSION
    discharge = _discharge(encounter)
    period = {"start": _when(encounter.admitted_at or encounter.started_at)}
    if discharge is not None:
        period["end"] = _when(discharge.discharged_at)
    elif encounter.signed_at:
        period["end"] = _when(encounter.signed_at)
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": resource_id,
        "meta": _meta("Encounter"),
        "identifier": [{"system": codes.ENCOUNTER_SYSTEM, "value": str(encounter.pk)}],
        "status": "finished" if encounter.is_signed else "in-progress",
        "class": {
            "system": codes.ACT_CODE,
            "code": "IMP" if admission else "AMB",
            "display": "inpatient encounter" if admission else "ambulatory",
        },
        "subject": _ref(refs.patient, "Patient", refs.patient_display),
        "participant": [{"individual": _practitioner_ref(refs)}],
        "period": period,
    }
    if discharge is not None:
        resource["hospitalization"] = {"dischargeDisposition": {"text": _condition_at_discharge(discharge)}}
    if refs.organization:
        resource["serviceProvider"] = _ref(refs.organization, "Organization", encounter.facility.name)
    else:
        resource["serviceProvider"] = {"display": encounter.facility.name}
    listed = list(encounter.diagnoses.all()) if diagnoses else []
    if listed:
        resource["diagnosis"] = [
            {"condition": _ref(refs.item("Condition", d.pk), "Condition"), "rank": rank}
            for rank, d in enumerate(listed, start=1)
        ]
    return resource


def _discharge(encounter: Encounter) -> DischargeSummary | None:
    if encounter.kind != EncounterKind.ADMISSION:
        return None
    return getattr(encounter, "discharge_summary", None)


def _condition_at_discharge(discharge: DischargeSummary) -> str:
    with translation.override("en"):  # documents are written in English (Composition.language en-IN)
        return str(DischargeCondition(discharge.condition_at_discharge).label)


def _procedures(encounter: Encounter, refs: _Refs) -> list[dict[str, Any]]:
    """The procedures done during an admission: name (and the hospital's or scheme's code) as text."""
    return [
        {
            "resourceType": "Procedure",
            "id": _id("Procedure", encounter.pk, procedure.pk),
            "meta": _meta("Procedure"),
            "status": "completed",
            "code": {"text": f"{procedure.name} ({procedure.code})" if procedure.code else procedure.name},
            "subject": _ref(refs.patient, "Patient", refs.patient_display),
            "encounter": _ref(refs.encounter, "Encounter"),
            "performedDateTime": procedure.performed_on.isoformat(),
        }
        for procedure in encounter.procedures.all()
    ]


def encounter_resource(encounter: Encounter) -> dict[str, Any]:
    """The Encounter as the REST API serves it (id = the encounter's id)."""
    return _encounter_resource(encounter, _rest_refs(encounter), str(encounter.pk))


def _conditions(encounter: Encounter, refs: _Refs, ids: Callable[[int], str]) -> list[dict[str, Any]]:
    out = []
    for d in encounter.diagnoses.all():
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": ids(d.pk),
            "meta": _meta("Condition"),
            "clinicalStatus": {
                "coding": [{"system": codes.CONDITION_CLINICAL, "code": "active", "display": "Active"}]
            },
            "verificationStatus": {
                "coding": [
                    {"system": codes.CONDITION_VERIFICATION, "code": "confirmed", "display": "Confirmed"}
                    if encounter.is_signed
                    else {
                        "system": codes.CONDITION_VERIFICATION,
                        "code": "provisional",
                        "display": "Provisional",
                    }
                ]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": codes.CONDITION_CATEGORY,
                            "code": "encounter-diagnosis",
                            "display": "Encounter Diagnosis",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [{"system": codes.ICD10, "code": d.icd10.code, "display": d.icd10.title}],
                "text": d.icd10.title,
            },
            "subject": _ref(refs.patient, "Patient", refs.patient_display),
            "encounter": _ref(refs.encounter, "Encounter"),
            "recordedDate": _when(encounter.started_at),
        }
        if d.note:
            resource["note"] = [{"text": d.note}]
        out.append(resource)
    return out


def condition_resources(encounter: Encounter) -> list[dict[str, Any]]:
    return _conditions(encounter, _rest_refs(encounter), str)


def _medicine_text(line: PrescriptionLine) -> str:
    if line.free_text and line.strength:
        return f"{line.name} {line.strength}"
    return line.medicine_name


def dosage_text(line: PrescriptionLine) -> str:
    days = f"{line.duration_days} day" if line.duration_days == 1 else f"{line.duration_days} days"
    return f"{line.dose}, {line.frequency}, for {days}"


def _dosage(line: PrescriptionLine) -> dict[str, Any]:
    repeat: dict[str, Any] = {
        "boundsDuration": {"value": line.duration_days, "unit": "days", "system": codes.UCUM, "code": "d"}
    }
    known = codes.FREQUENCIES.get(line.frequency.strip().upper().replace(".", ""))
    if known:
        repeat["frequency"], repeat["period"], repeat["periodUnit"] = known
    dosage: dict[str, Any] = {
        "text": dosage_text(line),
        "timing": {"repeat": repeat, "code": {"text": line.frequency}},
        "route": codes.ROUTES[line.route].concept(),
    }
    if line.instructions:
        dosage["patientInstruction"] = line.instructions
    return dosage


def _medication_requests(
    encounter: Encounter, refs: _Refs, ids: Callable[[int], str]
) -> list[dict[str, Any]]:
    return [
        {
            "resourceType": "MedicationRequest",
            "id": ids(line.pk),
            "meta": _meta("MedicationRequest"),
            "status": "active" if encounter.is_signed else "draft",
            "intent": "order",
            "medicationCodeableConcept": {"text": _medicine_text(line)},
            "subject": _ref(refs.patient, "Patient", refs.patient_display),
            "encounter": _ref(refs.encounter, "Encounter"),
            "authoredOn": _when(encounter.signed_at or encounter.started_at),
            "requester": _practitioner_ref(refs),
            "dosageInstruction": [_dosage(line)],
        }
        for line in encounter.prescriptions.all()
    ]


def medication_request_resources(encounter: Encounter) -> list[dict[str, Any]]:
    return _medication_requests(encounter, _rest_refs(encounter), str)


def _allergies(encounter: Encounter, refs: _Refs) -> list[dict[str, Any]]:
    out = []
    for allergy in encounter.allergies.all():
        resource: dict[str, Any] = {
            "resourceType": "AllergyIntolerance",
            "id": _id("AllergyIntolerance", encounter.pk, allergy.pk),
            "meta": _meta("AllergyIntolerance"),
            "clinicalStatus": {
                "coding": [{"system": codes.ALLERGY_CLINICAL, "code": "active", "display": "Active"}]
            },
            "code": {"text": allergy.substance},
            "patient": _ref(refs.patient, "Patient", refs.patient_display),
            "encounter": _ref(refs.encounter, "Encounter"),
            "recordedDate": _when(encounter.started_at),
            "recorder": _practitioner_ref(refs),
        }
        if allergy.reaction:
            resource["reaction"] = [{"manifestation": [{"text": allergy.reaction}]}]
        out.append(resource)
    return out


def _observation(
    encounter: Encounter, refs: _Refs, vital: codes.Vital, body: dict[str, Any]
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": _id("Observation", encounter.pk, vital.code),
        "meta": _meta("ObservationVitalSigns" if vital.category == "vital-signs" else "Observation"),
        "status": "final",
        "category": [codes.CATEGORIES[vital.category].concept()],
        "code": {"coding": [c.coding() for c in vital.codes], "text": vital.codes[0].display},
        "subject": _ref(refs.patient, "Patient", refs.patient_display),
        "encounter": _ref(refs.encounter, "Encounter"),
        "effectiveDateTime": _when(encounter.started_at),
        "performer": [_practitioner_ref(refs)],
        **body,
    }


def _quantity(value: Decimal | int, unit: str, display: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": display, "system": codes.UCUM, "code": unit}


def vital_values(vitals: Vitals | None) -> dict[str, Decimal | int]:
    """The vitals taken, by field (records.models.VITAL_RANGES names, plus "bmi" when computable)."""
    if vitals is None:
        return {}
    values = {v.field: getattr(vitals, v.field) for v in codes.VITALS if v.field != "bmi"}
    values["bp_systolic"], values["bp_diastolic"] = vitals.bp_systolic, vitals.bp_diastolic
    values["bmi"] = vitals.bmi
    return {k: v for k, v in values.items() if v is not None}


def _vital_observations(
    encounter: Encounter, refs: _Refs
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(vital signs, other observations: the blood sugar) of the encounter."""
    values = vital_values(getattr(encounter, "vitals", None))
    vitals: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    if "bp_systolic" in values and "bp_diastolic" in values:
        panel = codes.Vital("bp", (codes.BP_PANEL,), codes.MM_HG[0], codes.MM_HG[1])
        vitals.append(
            _observation(
                encounter,
                refs,
                panel,
                {
                    "component": [
                        {
                            "code": {"coding": [pressure.coding()], "text": pressure.display},
                            "valueQuantity": _quantity(values[name], *codes.MM_HG),
                        }
                        for pressure, name in (
                            (codes.BP_SYSTOLIC, "bp_systolic"),
                            (codes.BP_DIASTOLIC, "bp_diastolic"),
                        )
                    ]
                },
            )
        )
    for vital in codes.VITALS:
        if vital.field in values:
            body = {"valueQuantity": _quantity(values[vital.field], vital.unit, vital.unit_display)}
            (vitals if vital.category == "vital-signs" else others).append(
                _observation(encounter, refs, vital, body)
            )
    return vitals, others


# --- the documents ------------------------------------------------------------------------------------------


@dataclass
class _Document:
    record: codes.RecordType
    encounter: Encounter
    refs: _Refs
    entries: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)

    def add(self, resource: dict[str, Any], url: str | None = None) -> str:
        url = url or f"urn:uuid:{resource['id']}"
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    def section(
        self, spec: codes.Section, resources: Iterable[dict[str, Any]] = (), text: Iterable[str] = ()
    ) -> None:
        refs = []
        for resource in resources:
            url = self.add(resource)
            refs.append({"reference": url, "type": resource["resourceType"]})
        paragraphs = [t for t in text if t]
        if not refs and not paragraphs:
            return
        section: dict[str, Any] = {"title": spec.title, "code": spec.code.concept()}
        if paragraphs:
            section["text"] = _narrative(*paragraphs)
        if refs:
            section["entry"] = refs
        self.sections.append(section)


def record_types(encounter: Encounter) -> list[str]:
    """The documents a signed encounter gives: its record, and a prescription when it has lines."""
    main = codes.DISCHARGE_SUMMARY if encounter.kind == EncounterKind.ADMISSION else codes.OP_CONSULT
    found = [main.name]
    if encounter.prescriptions.all():
        found.append(codes.PRESCRIPTION.name)
    return found


def _labelled(label: str, text: str) -> str:
    return f"{label}: {text}" if text else ""


def _build(encounter: Encounter, record: codes.RecordType) -> dict[str, Any]:
    refs = _document_refs(encounter)
    doc = _Document(record, encounter, refs)
    signed_at = encounter.signed_at
    assert signed_at is not None
    # The Composition goes first; its sections are filled as the clinical resources are added.
    doc.entries.append({"fullUrl": f"urn:uuid:{_id(record.name, encounter.pk)}", "resource": {}})
    doc.add(patient_resource(encounter.person, refs.patient.removeprefix("urn:uuid:")), refs.patient)
    doc.add(practitioner_resource(encounter, refs.practitioner.removeprefix("urn:uuid:")), refs.practitioner)
    doc.add(organization_resource(encounter, refs.organization.removeprefix("urn:uuid:")), refs.organization)
    encounter_id = refs.encounter.removeprefix("urn:uuid:")
    prescription = record is codes.PRESCRIPTION
    doc.add(_encounter_resource(encounter, refs, encounter_id, diagnoses=not prescription), refs.encounter)
    condition_ids = lambda pk: refs.item("Condition", pk).removeprefix("urn:uuid:")  # noqa: E731
    request_ids = lambda pk: refs.item("MedicationRequest", pk).removeprefix("urn:uuid:")  # noqa: E731
    requests = _medication_requests(encounter, refs, request_ids)
    if record is codes.PRESCRIPTION:
        if not requests:
            raise NoPrescription(f"encounter {encounter.pk} has no prescription lines")
        doc.section(codes.PRESCRIPTION_SECTION, requests)
    else:
        admission = record is codes.DISCHARGE_SUMMARY
        vitals, others = _vital_observations(encounter, refs)
        doc.section(
            codes.CHIEF_COMPLAINTS,
            _conditions(encounter, refs, condition_ids),
            [_labelled("Chief complaints", encounter.chief_complaints)],
        )
        doc.section(
            codes.PHYSICAL_EXAMINATION, vitals, [_labelled("Examination", encounter.examination_notes)]
        )
        doc.section(codes.OTHER_OBSERVATIONS, others)
        doc.section(codes.ALLERGIES, _allergies(encounter, refs))
        doc.section(codes.DS_MEDICATIONS if admission else codes.OP_MEDICATIONS, requests)
        follow_up = _labelled(
            "Follow-up on", encounter.follow_up_on.isoformat() if encounter.follow_up_on else ""
        )
        if admission:
            doc.section(codes.DS_PROCEDURES, _procedures(encounter, refs))
            discharge = _discharge(encounter)
            doc.section(
                codes.CARE_PLAN,
                text=[
                    _labelled("Course in hospital", discharge.course_in_hospital if discharge else ""),
                    _labelled(
                        "Condition at discharge", _condition_at_discharge(discharge) if discharge else ""
                    ),
                    _labelled("Discharge advice", discharge.discharge_advice if discharge else ""),
                    _labelled("Investigations advised", encounter.investigations_advised),
                    _labelled("Advice", encounter.advice),
                    follow_up,
                ],
            )
        else:
            doc.section(
                codes.INVESTIGATION_ADVICE,
                text=[_labelled("Investigations advised", encounter.investigations_advised)],
            )
            doc.section(codes.FOLLOW_UP, text=[_labelled("Advice", encounter.advice), follow_up])
        if not doc.sections:
            doc.section(codes.CHIEF_COMPLAINTS, text=["No clinical details were recorded."])
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "id": doc.entries[0]["fullUrl"].removeprefix("urn:uuid:"),
        "meta": _meta(record.name, signed_at),
        "language": "en-IN",
        "identifier": {"system": codes.DOCUMENT_SYSTEM, "value": _id("document", record.name, encounter.pk)},
        "status": "final",
        "type": record.type.concept(),
        "subject": _ref(refs.patient, "Patient", refs.patient_display),
        "encounter": _ref(refs.encounter, "Encounter"),
        "date": _when(signed_at),
        "author": [_ref(refs.practitioner, "Practitioner", refs.practitioner_display)],
        "title": record.title,
        "attester": [
            {
                "mode": "legal",
                "time": _when(signed_at),
                "party": _ref(refs.practitioner, "Practitioner", refs.practitioner_display),
            }
        ],
        "custodian": _ref(refs.organization, "Organization", encounter.facility.name),
        "section": doc.sections,
    }
    if encounter.supersedes_id:
        composition["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {
                    "system": codes.DOCUMENT_SYSTEM,
                    "value": _id("document", record.name, encounter.supersedes_id),
                },
            }
        ]
    doc.entries[0]["resource"] = composition
    bundle_id = _id("bundle", record.name, encounter.pk)
    bundle = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {
            "versionId": "1",
            "lastUpdated": _when(signed_at),
            "profile": [codes.profile("DocumentBundle")],
            "security": [{"system": codes.CONFIDENTIALITY, "code": "V", "display": "very restricted"}],
        },
        "identifier": {"system": codes.DOCUMENT_SYSTEM, "value": bundle_id},
        "type": "document",
        "timestamp": _when(signed_at),
        "entry": doc.entries,
    }
    return bundle


# Resources that recur unchanged from document to document (the same patient, doctor, facility): validated
# once per distinct JSON. Validation is a pure function of the JSON: this changes no answer, only the time.
_RECURRING = frozenset({"Patient", "Practitioner", "Organization"})


@functools.lru_cache(maxsize=4096)
def _validate_recurring(kind: str, text: str) -> None:
    get_fhir_model_class(kind).model_validate_json(text)


def validate_r4b(bundle: dict[str, Any]) -> None:
    """fhir.resources' R4B validation of the bundle (raises pydantic's ValidationError): the Bundle's own
    elements, then each entry's resource with its own model class. The same checks as
    `Bundle.model_validate(bundle)`, about a third faster (the Bundle model looks each resource's class up
    by import every time; bench/records_fhir.py)."""
    Bundle.model_validate({**bundle, "entry": [{"fullUrl": e.get("fullUrl")} for e in bundle["entry"]]})
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind in _RECURRING:
            _validate_recurring(kind, json.dumps(resource, sort_keys=True, ensure_ascii=False))
        else:
            get_fhir_model_class(kind).model_validate(resource)


def validated(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle after fhir.resources' R4B validation (raises pydantic's ValidationError) and our profile
    checks (raises ProfileError)."""
    validate_r4b(bundle)
    check_document(bundle)
    return bundle


def document_bundle(encounter: Encounter, record: str | None = None) -> dict[str, Any]:
    """The FHIR document (a JSON-ready dict) of a signed encounter: by default its record (OPConsultRecord
    for an OPD visit, DischargeSummaryRecord for an admission); `record="PrescriptionRecord"` for its
    prescription.
    Raises NotSigned for a draft, NoPrescription for a prescription record without lines."""
    if encounter.status != EncounterStatus.SIGNED or encounter.signed_at is None:
        raise NotSigned(f"encounter {encounter.pk} is not signed")
    kind = codes.RECORD_TYPES[record] if record else codes.RECORD_TYPES[record_types(encounter)[0]]
    return validated(_build(encounter, kind))


def document_bundles(encounter: Encounter) -> dict[str, dict[str, Any]]:
    """Every document of a signed encounter, by record type (see record_types)."""
    return {name: document_bundle(encounter, name) for name in record_types(encounter)}
