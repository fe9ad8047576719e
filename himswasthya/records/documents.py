"""The document of a signed health record: a bilingual A4 PDF with the facility's letterhead, the patient, the
vitals, the ICD-10 diagnoses, the prescription, advice and follow-up (an admission: also the admission time,
the procedures and the discharge summary), the doctor and signing time, the version ("corrected version of
..." for a correction) and a QR code of the record's page.

Rendered by `core.documents` (WeasyPrint with the shipped Noto Sans Devanagari font) like the OPD slip and the
HIMCARE card. Labels are printed in English and Hindi whatever the reader's language (`in_both_languages`);
what the doctor typed is printed as typed. The record's page (`records:record_detail`) shows the same
content with the same labels (`LABELS`, `vitals_rows`, `prescription_rows`), in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himswasthya.core.documents import html_to_pdf, in_both_languages, pdf_fonts, qr_data_uri
from himswasthya.people.models import Sex
from himswasthya.people.services import state_uhid
from himswasthya.records.models import VITAL_RANGES, DischargeCondition, Encounter, EncounterKind, Route
from himswasthya.records.services import record_url, version_number

# Every label of the record, on the page (in its language) and in the PDF (in both).
LABELS: dict[str, Any] = {
    "government": _("Government of Himachal Pradesh"),
    "opd_title": _("OPD consultation and prescription"),
    "admission_title": _("Admission record"),
    "patient": _("Patient"),
    "uhid": _("UHID"),
    "age_sex": _("Age / sex"),
    "years": _("years"),
    "visit_date": _("Visit date"),
    "department": _("Department"),
    "record_number": _("Record number"),
    "version": _("Version"),
    "complaints": _("Chief complaints"),
    "examination": _("Examination"),
    "vitals": _("Vitals"),
    "diagnoses": _("Diagnoses"),
    "primary": _("primary"),
    "investigations": _("Investigations advised"),
    "prescription": _("Prescription"),
    "medicine": _("Medicine"),
    "strength": _("Strength"),
    "dose": _("Dose"),
    "frequency": _("How often"),
    "duration": _("Days"),
    "route": _("Route"),
    "instructions": _("Instructions"),
    "free_text": _("not in the essential medicines list"),
    "allergies": _("Allergies"),
    "advice": _("Advice"),
    "follow_up": _("Follow-up on"),
    "doctor": _("Doctor"),
    "signed_at": _("Signed at"),
    "scan": _("Scan to open this record online"),
    "none": _("None recorded"),
    # admissions
    "admitted_at": _("Admitted at"),
    "procedures": _("Procedures"),
    "procedure_code": _("Code"),
    "performed_on": _("Done on"),
    "discharge_summary": _("Discharge summary"),
    "discharged_at": _("Discharged at"),
    "course": _("Course in hospital"),
    "condition": _("Condition at discharge"),
    "discharge_advice": _("Advice at discharge"),
}
BLOOD_PRESSURE = _("Blood pressure")
BMI = _("Body-mass index (BMI)")
PER_MINUTE = _("per minute")
# Units as printed: symbols, or words translated (the page's language check reads them).
VITAL_UNITS: dict[str, Any] = {
    "pulse": PER_MINUTE,
    "temperature_c": "°C",
    "spo2": "%",
    "respiratory_rate": PER_MINUTE,
    "weight_kg": "kg",
    "height_cm": "cm",
    "random_blood_sugar": "mg/dL",
}


def corrected_label(number: int) -> Any:
    return _("Corrected version of record %(number)s") % {"number": number}


@dataclass(frozen=True)
class VitalRow:
    label: Any
    value: str
    unit: Any


def _number(value: Any) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def vitals_rows(encounter: Encounter) -> list[VitalRow]:
    """The vitals taken, in the order of VITAL_RANGES (blood pressure as one row), with BMI when computed."""
    vitals = getattr(encounter, "vitals", None)
    if vitals is None:
        return []
    rows = []
    if vitals.bp_systolic is not None:
        rows.append(VitalRow(BLOOD_PRESSURE, f"{vitals.bp_systolic}/{vitals.bp_diastolic}", "mmHg"))
    for name, limits in VITAL_RANGES.items():
        value = getattr(vitals, name)
        if name.startswith("bp_") or value is None:
            continue
        rows.append(VitalRow(limits.label, _number(value), VITAL_UNITS[name]))
    if vitals.bmi is not None:
        rows.append(VitalRow(BMI, _number(vitals.bmi), "kg/m²"))
    return rows


@dataclass(frozen=True)
class PrescriptionRow:
    medicine: str
    free_text: bool
    strength: str
    dose: str
    frequency: str
    duration_days: int
    route: Any
    instructions: str


def prescription_rows(encounter: Encounter) -> list[PrescriptionRow]:
    rows = []
    for line in encounter.prescriptions.all():
        medicine = (
            line.name
            if line.free_text
            else " ".join(part for part in (line.medicine.name, line.medicine.dosage_form) if part)
        )
        strength = line.strength or ("" if line.free_text else line.medicine.strength)
        rows.append(
            PrescriptionRow(
                medicine=medicine,
                free_text=line.free_text,
                strength=strength,
                dose=line.dose,
                frequency=line.frequency,
                duration_days=line.duration_days,
                route=Route(line.route).label,
                instructions=line.instructions,
            )
        )
    return rows


def record_context(encounter: Encounter) -> dict[str, Any]:
    """What the record shows (the page and the PDF), labels in the current language. `encounter` comes with
    its parts (services.get_encounter)."""
    person = encounter.person
    facility = encounter.facility
    version = version_number(encounter)
    discharge = getattr(encounter, "discharge_summary", None)  # admissions only
    return {
        "encounter": encounter,
        "labels": LABELS,
        "title": LABELS["admission_title" if encounter.kind == EncounterKind.ADMISSION else "opd_title"],
        "facility": facility,
        "district": facility.district,
        "person": person,
        "uhid": state_uhid(person) or "",
        "age": person.age(timezone.localdate(encounter.started_at)),
        "sex": person.get_sex_display(),
        "version": version,
        "corrects": corrected_label(encounter.supersedes_id) if encounter.supersedes_id else "",
        "vitals": vitals_rows(encounter),
        "diagnoses": list(encounter.diagnoses.all()),
        "prescriptions": prescription_rows(encounter),
        "allergies": list(encounter.allergies.all()),
        "doctor": encounter.practitioner.display_name,
        "procedures": list(encounter.procedures.all()),
        "discharge": discharge,
        "condition": discharge.get_condition_at_discharge_display() if discharge else "",
    }


def qr_payload(encounter: Encounter, base_url: str | None = None) -> str:
    """What the PDF's QR code holds: the record's page (records.services.record_url)."""
    return record_url(encounter, base_url)


def _bilingual(value: Any) -> Any:
    """A translated label in English and Hindi; anything else (typed text, numbers, symbols) as it is."""
    return in_both_languages(value) if isinstance(value, Promise) else value


def _in_both(make: Callable[[], Any]) -> str:
    """A label made from a translated format string (`make()` formats it now), in English and Hindi."""
    with translation.override("en"):
        english = str(make())
    with translation.override("hi"):
        hindi = str(make())
    return english if english == hindi else f"{english} · {hindi}"


def render_record_html(encounter: Encounter, *, base_url: str | None = None) -> str:
    """The PDF's HTML: every label in English and Hindi, whatever the request's language."""
    payload = qr_payload(encounter, base_url)
    with translation.override("en"):
        context = record_context(encounter)
        sex = encounter.person.sex
        context |= {
            "labels": {key: _bilingual(label) for key, label in LABELS.items()},
            "title": _bilingual(context["title"]),
            "sex": _bilingual(Sex(sex).label) if sex in Sex.values else sex,
            "condition": _bilingual(DischargeCondition(context["discharge"].condition_at_discharge).label)
            if context["discharge"]
            else "",
            "corrects": _in_both(lambda: corrected_label(encounter.supersedes_id))
            if encounter.supersedes_id
            else "",
            "vitals": [VitalRow(_bilingual(v.label), v.value, _bilingual(v.unit)) for v in context["vitals"]],
            "prescriptions": [replace(row, route=_bilingual(row.route)) for row in context["prescriptions"]],
            "qr_uri": qr_data_uri(payload),
            "record_url": payload,
        }
        return render_to_string("records/record/record_pdf.html", context | pdf_fonts())


def render_record_pdf(encounter: Encounter, *, base_url: str | None = None) -> bytes:
    """The signed record as PDF bytes (the encounter with its parts, from services.get_encounter)."""
    return html_to_pdf(render_record_html(encounter, base_url=base_url))
