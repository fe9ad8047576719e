"""Read an incoming FHIR R4 document Bundle (ABDM / NRCeS: OPConsultRecord, PrescriptionRecord,
DischargeSummaryRecord, WellnessRecord, DiagnosticReport documents...) into a plain summary.

    parse_document(data) -> DocumentSummary   (data: the JSON text, bytes or the decoded dict)

The bundle is validated with fhir.resources' R4B models (the national profiles are R4: the default R5 models
refuse them); anything that is not a document Bundle with a Composition is refused with `FhirParseError`.
References are resolved inside the bundle by full URL (`urn:uuid:...`) or by `Type/id`. The summary keeps
what our records hold: the patient (name, gender, birth date, identifiers), the encounter's date and class,
the conditions (ICD-10 or SNOMED CT code, or text), the medications (name, dosage, route, frequency,
duration, instructions), the vital signs (LOINC, by our field names: records.models.VITAL_RANGES plus "bmi")
and the other observations, the allergies and the procedures.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from himswasthya.records.fhir import codes


class FhirParseError(ValueError):
    """Not a FHIR R4 document we can read; the message says why."""


@dataclass(frozen=True)
class Identifier:
    system: str
    value: str


@dataclass
class PatientSummary:
    name: str
    gender: str | None
    birth_date: str | None
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass(frozen=True)
class ConditionSummary:
    system: str | None  # ICD-10 or SNOMED CT; None for text only
    code: str | None
    text: str


@dataclass(frozen=True)
class MedicationSummary:
    name: str
    dosage: str
    route: str | None  # records.models.Route value when the SNOMED CT route is one of ours, else its text
    frequency: str | None
    duration_days: int | None
    instructions: str


@dataclass(frozen=True)
class ObservationSummary:
    code: str | None
    text: str
    value: Decimal | str | None
    unit: str | None


@dataclass
class DocumentSummary:
    record: str | None  # the Composition's NRCeS profile name (OPConsultRecord...), None when it has none
    title: str
    patient: PatientSummary | None
    encounter_date: datetime.date | None
    encounter_class: str | None
    conditions: list[ConditionSummary] = field(default_factory=list)
    medications: list[MedicationSummary] = field(default_factory=list)
    vitals: dict[str, Decimal] = field(default_factory=dict)
    observations: list[ObservationSummary] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)


def _load(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    try:
        loaded = json.loads(data, parse_float=Decimal)
    except (ValueError, TypeError) as exc:
        raise FhirParseError(f"not JSON: {exc}") from exc
    if not isinstance(loaded, dict):
        raise FhirParseError("not a FHIR resource (a JSON object)")
    return loaded


def _text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return str(coding["display"])
        if coding.get("code"):
            return str(coding["code"])
    return ""


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    text = str(value)
    try:
        if "T" in text:
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


class _Index:
    """The bundle's resources by full URL and by Type/id, to resolve references."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.by_ref: dict[str, dict[str, Any]] = {}
        for entry in entries:
            resource = entry.get("resource") or {}
            if entry.get("fullUrl"):
                self.by_ref[entry["fullUrl"]] = resource
            if resource.get("id"):
                self.by_ref[f"{resource.get('resourceType')}/{resource['id']}"] = resource
        self.resources = [e.get("resource") or {} for e in entries]

    def get(self, ref: Any) -> dict[str, Any] | None:
        if not isinstance(ref, dict) or not ref.get("reference"):
            return None
        target = str(ref["reference"])
        found = self.by_ref.get(target)
        if found is None and "/" in target:  # an absolute URL: match on its last Type/id
            found = self.by_ref.get("/".join(target.rstrip("/").split("/")[-2:]))
        return found

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r.get("resourceType") == kind]


def _patient(resource: dict[str, Any] | None) -> PatientSummary | None:
    if resource is None:
        return None
    names = resource.get("name") or []
    name = ""
    if names:
        first = names[0]
        name = first.get("text") or " ".join([*(first.get("given") or []), first.get("family") or ""]).strip()
    return PatientSummary(
        name=name,
        gender=resource.get("gender"),
        birth_date=resource.get("birthDate"),
        identifiers=[
            Identifier(system=i.get("system") or "", value=str(i.get("value")))
            for i in resource.get("identifier") or []
            if i.get("value")
        ],
    )


def _condition(resource: dict[str, Any]) -> ConditionSummary:
    concept = resource.get("code") or {}
    codings = concept.get("coding") or []
    preferred = next((c for c in codings if c.get("system") == codes.ICD10), None) or next(
        (c for c in codings if c.get("system") == codes.SNOMED), None
    )
    return ConditionSummary(
        system=preferred.get("system") if preferred else None,
        code=preferred.get("code") if preferred else None,
        text=_text(concept),
    )


def _medication(resource: dict[str, Any], index: _Index) -> MedicationSummary:
    concept = resource.get("medicationCodeableConcept")
    if concept is None:
        medication = index.get(resource.get("medicationReference"))
        concept = (medication or {}).get("code")
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or [{}]
    dosage = dosages[0]
    route_concept = dosage.get("route") or {}
    route = next(
        (
            codes.ROUTES_BY_CODE[c["code"]]
            for c in route_concept.get("coding") or []
            if c.get("system") == codes.SNOMED and c.get("code") in codes.ROUTES_BY_CODE
        ),
        None,
    ) or (_text(route_concept) or None)
    timing = dosage.get("timing") or {}
    bounds = (timing.get("repeat") or {}).get("boundsDuration") or {}
    days = None
    if bounds.get("value") is not None and bounds.get("code") in ("d", None):
        days = int(Decimal(str(bounds["value"])))
    return MedicationSummary(
        name=_text(concept),
        dosage=dosage.get("text") or "",
        route=route,
        frequency=_text(timing.get("code")) or None,
        duration_days=days,
        instructions=dosage.get("patientInstruction") or "",
    )


def _observations(resource: dict[str, Any], summary: DocumentSummary) -> None:
    concept = resource.get("code") or {}
    loinc = [c.get("code") for c in concept.get("coding") or [] if c.get("system") == codes.LOINC]
    if codes.BP_PANEL.code in loinc:
        for component in resource.get("component") or []:
            part = [c.get("code") for c in (component.get("code") or {}).get("coding") or []]
            value = _decimal((component.get("valueQuantity") or {}).get("value"))
            if value is None:
                continue
            if codes.BP_SYSTOLIC.code in part:
                summary.vitals["bp_systolic"] = value
            elif codes.BP_DIASTOLIC.code in part:
                summary.vitals["bp_diastolic"] = value
        return
    quantity = resource.get("valueQuantity") or {}
    value = _decimal(quantity.get("value"))
    vital = next((codes.VITALS_BY_CODE[c] for c in loinc if c in codes.VITALS_BY_CODE), None)
    if vital is not None and value is not None:
        summary.vitals[vital.field] = value
        return
    codings = concept.get("coding") or []
    summary.observations.append(
        ObservationSummary(
            code=codings[0].get("code") if codings else None,
            text=_text(concept),
            value=value
            if value is not None
            else resource.get("valueString") or _text(resource.get("valueCodeableConcept")) or None,
            unit=quantity.get("unit") or quantity.get("code"),
        )
    )


def parse_document(data: str | bytes | dict[str, Any]) -> DocumentSummary:
    raw = _load(data)
    if raw.get("resourceType") != "Bundle":
        raise FhirParseError("not a Bundle")
    try:
        Bundle.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
        message = errors[0]["msg"] if errors else str(exc)
        raise FhirParseError(f"not a valid FHIR R4 Bundle: {where}: {message}") from exc
    if raw.get("type") != "document":
        raise FhirParseError("not a document Bundle (type must be document)")
    entries = raw.get("entry") or []
    composition = (entries[0].get("resource") or {}) if entries else {}
    if composition.get("resourceType") != "Composition":
        raise FhirParseError("a document's first entry must be its Composition")
    index = _Index(entries)
    profiles = (composition.get("meta") or {}).get("profile") or []
    record = next(
        (p.removeprefix(codes.PROFILE_BASE) for p in profiles if p.startswith(codes.PROFILE_BASE)), None
    )
    encounter = index.get(composition.get("encounter"))
    when = _date(((encounter or {}).get("period") or {}).get("start")) or _date(composition.get("date"))
    summary = DocumentSummary(
        record=record,
        title=composition.get("title") or "",
        patient=_patient(index.get(composition.get("subject"))),
        encounter_date=when,
        encounter_class=((encounter or {}).get("class") or {}).get("code"),
    )
    summary.conditions = [_condition(r) for r in index.of_type("Condition")]
    summary.medications = [
        _medication(r, index)
        for kind in ("MedicationRequest", "MedicationStatement")
        for r in index.of_type(kind)
    ]
    for resource in index.of_type("Observation"):
        _observations(resource, summary)
    summary.allergies = [_text(r.get("code")) for r in index.of_type("AllergyIntolerance")]
    summary.procedures = [_text(r.get("code")) for r in index.of_type("Procedure")]
    return summary
