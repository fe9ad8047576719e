"""Our checks of the NRCeS profiles' mandatory elements, on top of fhir.resources' (R4B) validation.

fhir.resources checks types, cardinalities of the base resources and unknown elements; it does not know the
NRCeS profiles (fixed codes, elements a profile makes mandatory) nor check that a code is one of its value set
(it accepts `status: "bogus"`). `problems(bundle)` lists what breaks the profiles, one readable line each,
with the path in the document; `check_document(bundle)` raises `ProfileError` when there is any.

Checked (from the IG's profiles, v6.0.0):
- DocumentBundle: meta.versionId and meta.profile, identifier.system and .value, type "document", timestamp;
  every entry a `urn:uuid:` fullUrl (unique) with its resource; the Composition first; every reference in
  the document resolves to an entry.
- OPConsultRecord / PrescriptionRecord / DischargeSummaryRecord: status; the one type coding fixed by the
  profile; subject -> Patient; encounter -> Encounter (mandatory except in a prescription); author (at least
  one, resolving); date; title; sections (PrescriptionRecord: exactly one) with a known fixed code, entries of
  the allowed resource types (typed in a prescription), and text or entries.
- Patient / Practitioner / Organization: an identifier with a coded type and a value (Organization: and a
  system); name (text; Organization: name).
- Encounter: status, class. Condition: code, subject; ICD-10 codings with system, code and display.
- Observation: status, a LOINC code; our vitals with a UCUM quantity in the unit of codes.VITALS; the blood
  pressure panel with both component pressures.
- MedicationRequest: status, intent, medication, subject, authoredOn, requester, dosageInstruction; codings of
  medication and route only SNOMED CT. AllergyIntolerance: code (codings only SNOMED CT), patient.
- every resource names its NRCeS profile in meta.profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from himswasthya.records.fhir import codes

OBSERVATION_STATUSES = {"registered", "preliminary", "final", "amended", "corrected", "cancelled"}
COMPOSITION_STATUSES = {"preliminary", "final", "amended", "entered-in-error"}
ENCOUNTER_STATUSES = {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled"}
MEDICATION_REQUEST_STATUSES = {
    "active",
    "on-hold",
    "cancelled",
    "completed",
    "entered-in-error",
    "stopped",
    "draft",
}
MEDICATION_REQUEST_INTENTS = {"proposal", "plan", "order", "original-order", "reflex-order", "filler-order"}


class ProfileError(ValueError):
    """A document that breaks the NRCeS profiles; `problems` lists each break."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def check_document(bundle: dict[str, Any]) -> None:
    found = problems(bundle)
    if found:
        raise ProfileError(found)


def _reference_strings(value: Any) -> Iterator[str]:
    """Every `reference` string in a resource (fast: no paths; `_references` says where, when one fails)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            elif isinstance(item, dict | list):
                yield from _reference_strings(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                yield from _reference_strings(item)


def _references(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every `reference` string in a resource, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield path, item
            else:
                yield from _references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _references(item, f"{path}[{i}]")


def _codings(concept: Any) -> list[dict[str, Any]]:
    return list((concept or {}).get("coding") or []) if isinstance(concept, dict) else []


def problems(bundle: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "document":
        return ["Bundle: not a document Bundle (resourceType Bundle, type document)"]
    meta = bundle.get("meta") or {}
    if not meta.get("versionId"):
        out.append("Bundle.meta.versionId: missing")
    if codes.profile("DocumentBundle") not in (meta.get("profile") or []):
        out.append("Bundle.meta.profile: DocumentBundle missing")
    identifier = bundle.get("identifier") or {}
    if not identifier.get("system") or not identifier.get("value"):
        out.append("Bundle.identifier: system and value are required")
    if not bundle.get("timestamp"):
        out.append("Bundle.timestamp: missing")
    entries = bundle.get("entry") or []
    if not entries:
        return [*out, "Bundle.entry: empty"]
    resources: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        url, resource = entry.get("fullUrl") or "", entry.get("resource")
        if not url.startswith("urn:uuid:"):
            out.append(f"Bundle.entry[{i}].fullUrl: not a urn:uuid")
        if url in resources:
            out.append(f"Bundle.entry[{i}].fullUrl: repeated")
        if not isinstance(resource, dict):
            out.append(f"Bundle.entry[{i}].resource: missing")
            continue
        resources[url] = resource
    if (entries[0].get("resource") or {}).get("resourceType") != "Composition":
        out.append("Bundle.entry[0]: the Composition must be the first entry")
    for i, entry in enumerate(entries):
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            continue
        kind = resource.get("resourceType", "?")
        where = f"Bundle.entry[{i}]({kind})"
        if any(ref not in resources for ref in _reference_strings(resource)):
            for path, ref in _references(resource, where):
                if ref not in resources:
                    out.append(f"{path}: {ref} does not resolve inside the bundle")
        profiles = (resource.get("meta") or {}).get("profile") or []
        if not any(p.startswith(codes.PROFILE_BASE) for p in profiles):
            out.append(f"{where}.meta.profile: no NRCeS profile")
        check = _RESOURCE_CHECKS.get(kind)
        if kind == "Composition":
            out.extend(_composition(resource, where, resources))
        elif check is not None:
            out.extend(check(resource, where))
    return out


def _target(resources: dict[str, dict[str, Any]], ref: Any) -> str | None:
    """The resourceType a reference points at inside the bundle."""
    if not isinstance(ref, dict):
        return None
    found = resources.get(ref.get("reference") or "")
    return found.get("resourceType") if found else None


def _composition(c: dict[str, Any], where: str, resources: dict[str, dict[str, Any]]) -> list[str]:
    out: list[str] = []
    record = next(
        (r for r in codes.RECORD_TYPES.values() if r.profile in ((c.get("meta") or {}).get("profile") or [])),
        None,
    )
    if record is None:
        return [f"{where}.meta.profile: not one of {', '.join(codes.RECORD_TYPES)}"]
    if c.get("status") not in COMPOSITION_STATUSES:
        out.append(f"{where}.status: missing or not a Composition status")
    type_codings = _codings(c.get("type"))
    if len(type_codings) != 1 or type_codings[0] != record.type.coding():
        out.append(f"{where}.type.coding: must be exactly {record.type.system}#{record.type.code}")
    if _target(resources, c.get("subject")) != "Patient":
        out.append(f"{where}.subject: must reference the Patient")
    if record is not codes.PRESCRIPTION or c.get("encounter"):
        if _target(resources, c.get("encounter")) != "Encounter":
            out.append(f"{where}.encounter: must reference the Encounter")
    authors = c.get("author") or []
    if not authors or any(_target(resources, a) is None for a in authors):
        out.append(f"{where}.author: at least one, each referencing a resource of the bundle")
    if c.get("custodian") and _target(resources, c["custodian"]) != "Organization":
        out.append(f"{where}.custodian: must reference an Organization")
    if not c.get("date"):
        out.append(f"{where}.date: missing")
    if not c.get("title"):
        out.append(f"{where}.title: missing")
    sections = c.get("section") or []
    if not sections:
        out.append(f"{where}.section: at least one section")
    if record is codes.PRESCRIPTION and len(sections) != 1:
        out.append(f"{where}.section: a prescription record has exactly one section")
    known = codes.SECTIONS[record.name]
    for i, section in enumerate(sections):
        at = f"{where}.section[{i}]"
        section_codings = _codings(section.get("code"))
        spec = known.get(str(section_codings[0].get("code"))) if len(section_codings) == 1 else None
        if spec is None or section_codings[0] != spec.code.coding():
            out.append(f"{at}.code: not one of the {record.name} section codes (one SNOMED CT coding)")
            continue
        entries = section.get("entry") or []
        if not entries and not (section.get("text") or {}).get("div") and not section.get("section"):
            out.append(f"{at}: a section needs text or entries")
        if record is codes.PRESCRIPTION and not entries:
            out.append(f"{at}.entry: at least one MedicationRequest")
        for j, entry in enumerate(entries):
            kind = _target(resources, entry)
            if kind not in spec.entries:
                out.append(f"{at}.entry[{j}]: {kind or 'nothing'} is not allowed in {spec.title}")
            if record is codes.PRESCRIPTION and entry.get("type") != kind:
                out.append(f"{at}.entry[{j}].type: must name the resource type")
    return out


def _identifiers(r: dict[str, Any], where: str, *, system: bool = False) -> list[str]:
    identifiers = r.get("identifier") or []
    if not identifiers:
        return [f"{where}.identifier: at least one"]
    out = []
    for i, identifier in enumerate(identifiers):
        codings = _codings(identifier.get("type"))
        if not codings or any(not (k.get("system") and k.get("code") and k.get("display")) for k in codings):
            out.append(f"{where}.identifier[{i}].type: a coding with system, code and display")
        if not identifier.get("value"):
            out.append(f"{where}.identifier[{i}].value: missing")
        if system and not identifier.get("system"):
            out.append(f"{where}.identifier[{i}].system: missing")
    return out


def _named(r: dict[str, Any], where: str) -> list[str]:
    names = r.get("name") or []
    if any(not n.get("text") for n in names) or not names:
        return [f"{where}.name: a name with text"]
    return []


def _patient(r: dict[str, Any], where: str) -> list[str]:
    return [*_identifiers(r, where), *_named(r, where)]


def _practitioner(r: dict[str, Any], where: str) -> list[str]:
    return [*_identifiers(r, where), *_named(r, where)]


def _organization(r: dict[str, Any], where: str) -> list[str]:
    out = _identifiers(r, where, system=True)
    if not r.get("name"):
        out.append(f"{where}.name: missing")
    return out


def _encounter(r: dict[str, Any], where: str) -> list[str]:
    out = []
    if r.get("status") not in ENCOUNTER_STATUSES:
        out.append(f"{where}.status: missing or not an Encounter status")
    if not (r.get("class") or {}).get("code"):
        out.append(f"{where}.class: missing")
    return out


def _condition(r: dict[str, Any], where: str) -> list[str]:
    out = []
    concept = r.get("code") or {}
    if not concept.get("coding") and not concept.get("text"):
        out.append(f"{where}.code: missing")
    for i, coding in enumerate(_codings(concept)):
        if coding.get("system") not in (codes.ICD10, codes.SNOMED):
            out.append(f"{where}.code.coding[{i}].system: only ICD-10 or SNOMED CT")
        elif not (coding.get("code") and coding.get("display")):
            out.append(f"{where}.code.coding[{i}]: code and display are required")
    if not r.get("subject"):
        out.append(f"{where}.subject: missing")
    return out


def _quantity(q: Any, vital: codes.Vital, at: str) -> list[str]:
    if not isinstance(q, dict) or q.get("value") is None:
        return [f"{at}.valueQuantity: missing"]
    if q.get("system") != codes.UCUM or q.get("code") != vital.unit:
        return [f"{at}.valueQuantity: must be in UCUM {vital.unit!r}"]
    return []


def _observation(r: dict[str, Any], where: str) -> list[str]:
    out = []
    if r.get("status") not in OBSERVATION_STATUSES:
        out.append(f"{where}.status: missing or not an Observation status")
    loinc = [k for k in _codings(r.get("code")) if k.get("system") == codes.LOINC and k.get("code")]
    if not loinc:
        out.append(f"{where}.code: a LOINC coding")
    if not r.get("subject"):
        out.append(f"{where}.subject: missing")
    first = loinc[0]["code"] if loinc else None
    if first == codes.BP_PANEL.code:
        parts = {}
        for c in r.get("component") or []:
            for k in _codings(c.get("code")):
                parts[k.get("code")] = c
        for pressure in (codes.BP_SYSTOLIC, codes.BP_DIASTOLIC):
            if pressure.code not in parts:
                out.append(f"{where}.component: {pressure.display} ({pressure.code}) missing")
            else:
                q = parts[pressure.code].get("valueQuantity")
                if not isinstance(q, dict) or q.get("code") != codes.MM_HG[0] or q.get("value") is None:
                    out.append(f"{where}.component {pressure.code}: a quantity in mm[Hg]")
    elif first in codes.VITALS_BY_CODE:
        out.extend(_quantity(r.get("valueQuantity"), codes.VITALS_BY_CODE[first], where))
    return out


def _only_snomed(concept: Any, at: str) -> list[str]:
    return [f"{at}.coding: only SNOMED CT" for k in _codings(concept) if k.get("system") != codes.SNOMED][:1]


def _medication_request(r: dict[str, Any], where: str) -> list[str]:
    out = []
    if r.get("status") not in MEDICATION_REQUEST_STATUSES:
        out.append(f"{where}.status: missing or not a MedicationRequest status")
    if r.get("intent") not in MEDICATION_REQUEST_INTENTS:
        out.append(f"{where}.intent: missing or not a MedicationRequest intent")
    medication = r.get("medicationCodeableConcept")
    if not medication or not (medication.get("text") or medication.get("coding")):
        out.append(f"{where}.medicationCodeableConcept: missing")
    out.extend(_only_snomed(medication, f"{where}.medicationCodeableConcept"))
    for name in ("subject", "authoredOn", "requester"):
        if not r.get(name):
            out.append(f"{where}.{name}: missing")
    dosages = r.get("dosageInstruction") or []
    if not dosages:
        out.append(f"{where}.dosageInstruction: at least one")
    for i, dosage in enumerate(dosages):
        out.extend(_only_snomed(dosage.get("route"), f"{where}.dosageInstruction[{i}].route"))
    return out


def _allergy(r: dict[str, Any], where: str) -> list[str]:
    out = []
    concept = r.get("code")
    if not concept or not (concept.get("text") or concept.get("coding")):
        out.append(f"{where}.code: missing")
    out.extend(_only_snomed(concept, f"{where}.code"))
    if not r.get("patient"):
        out.append(f"{where}.patient: missing")
    return out


_RESOURCE_CHECKS = {
    "Patient": _patient,
    "Practitioner": _practitioner,
    "Organization": _organization,
    "Encounter": _encounter,
    "Condition": _condition,
    "Observation": _observation,
    "MedicationRequest": _medication_request,
    "AllergyIntolerance": _allergy,
}
