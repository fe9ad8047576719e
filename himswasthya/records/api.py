"""Records API (under /api/records/): the doctor's consultation record, and the code-list searches it needs.

POST /encounters                         open an encounter of a patient at the doctor's facility (idempotent
                                         per source_ref)
GET  /encounters/{encounter_id}          one encounter (citizens: their family's signed ones)
PUT  /encounters/{encounter_id}/draft    replace the draft (notes, vitals, diagnoses, medicines, allergies)
POST /encounters/{encounter_id}/sign     sign the draft (read-only from then on)
POST /encounters/{encounter_id}/correct  a new draft version of a signed encounter
GET  /people/{person_id}/history         the person's past encounters
GET  /icd10?q=  GET /medicines?q=         code-list searches (codelists.search)

Thin: schemas in, a records.services call, schemas out; the services raise the domain errors (field + code).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import RoleAuth
from himswasthya.codelists.search import icd10_matches, medicine_matches
from himswasthya.core.api import errors
from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.facilities.models import Department
from himswasthya.people.models import Person
from himswasthya.records import services
from himswasthya.records.models import (
    VITAL_RANGES,
    DischargeCondition,
    Encounter,
    EncounterKind,
    Route,
)

router = Router(tags=["records"])
_writers = RoleAuth(*services.RECORD_ROLES)
_readers = RoleAuth(*services.READ_ROLES)


def _actor(request: HttpRequest) -> User:
    return cast(User, getattr(request, "auth"))  # noqa: B009 - `auth` is set by django-ninja, not typed


def _vital(name: str) -> Any:
    """A vital's schema field, documented from the one table of plausible ranges (models.VITAL_RANGES)."""
    limits = VITAL_RANGES[name]
    return Field(None, description=f"{limits.label} ({limits.unit}), {limits.low} to {limits.high}")


class VitalsIn(Schema):
    bp_systolic: int | None = _vital("bp_systolic")
    bp_diastolic: int | None = _vital("bp_diastolic")
    pulse: int | None = _vital("pulse")
    temperature_c: Decimal | None = _vital("temperature_c")
    spo2: int | None = _vital("spo2")
    respiratory_rate: int | None = _vital("respiratory_rate")
    weight_kg: Decimal | None = _vital("weight_kg")
    height_cm: Decimal | None = _vital("height_cm")
    random_blood_sugar: int | None = _vital("random_blood_sugar")


class VitalsOut(VitalsIn):
    bmi: Decimal | None = Field(None, description="Body-mass index (kg/m²), from weight and height")


class DiagnosisIn(Schema):
    code: str = Field(..., max_length=10, description="A codable ICD-10 code (GET /icd10)")
    is_primary: bool = False
    note: str = ""


class DiagnosisOut(Schema):
    code: str
    title: str
    is_primary: bool
    note: str


class PrescriptionIn(Schema):
    medicine_id: int | None = Field(None, description="An essential medicine (GET /medicines)")
    free_text: bool = Field(False, description="A medicine not in the list, written in `name`")
    name: str = ""
    strength: str = ""
    dose: str = ""
    frequency: str = ""
    duration_days: int | None = None
    route: Route = Route.ORAL
    instructions: str = ""


class PrescriptionOut(Schema):
    medicine_id: int | None
    free_text: bool
    medicine: str
    strength: str
    dose: str
    frequency: str
    duration_days: int
    route: str
    instructions: str


class AllergyIn(Schema):
    substance: str
    reaction: str = ""


class AllergyOut(AllergyIn):
    noted_in: int


class ProcedureIn(Schema):
    name: str = Field(..., description="The procedure done")
    code: str = Field("", description="Its code as a plain string, e.g. the HIMCARE package's procedure code")
    performed_on: datetime.date | None = Field(None, description="Within the stay")


class ProcedureOut(Schema):
    name: str
    code: str
    performed_on: datetime.date


class DischargeSummaryIn(Schema):
    discharged_at: datetime.datetime | None = Field(None, description="Not before the admission")
    course_in_hospital: str = ""
    condition_at_discharge: DischargeCondition | None = None
    discharge_advice: str = ""


class DischargeSummaryOut(Schema):
    discharged_at: datetime.datetime
    course_in_hospital: str
    condition_at_discharge: str
    discharge_advice: str


class DraftIn(Schema):
    chief_complaints: str = ""
    examination_notes: str = ""
    investigations_advised: str = ""
    advice: str = ""
    follow_up_on: datetime.date | None = None
    vitals: VitalsIn | None = None
    diagnoses: list[DiagnosisIn] = []
    prescriptions: list[PrescriptionIn] = []
    allergies: list[AllergyIn] = []
    # An admission only (kind "admission"); refused on an OPD visit (admission_only).
    admitted_at: datetime.datetime | None = Field(None, description="Admission only: required there")
    procedures: list[ProcedureIn] = Field([], description="Admission only: procedures done in the stay")
    discharge: DischargeSummaryIn | None = Field(None, description="Admission only: the discharge summary")


class OpenIn(Schema):
    person_id: int
    department_id: int | None = None
    kind: EncounterKind = EncounterKind.OPD
    source_ref: str = Field("", max_length=64, description='Where it came from, e.g. "opd:<appointment>"')


class EncounterOut(Schema):
    id: int
    person_id: int
    patient_name: str
    facility_code: str
    department_code: str | None
    kind: str
    status: str
    practitioner: str
    started_at: datetime.datetime
    signed_at: datetime.datetime | None
    source_ref: str
    supersedes_id: int | None
    chief_complaints: str
    examination_notes: str
    investigations_advised: str
    advice: str
    follow_up_on: datetime.date | None
    vitals: VitalsOut | None
    diagnoses: list[DiagnosisOut]
    prescriptions: list[PrescriptionOut]
    allergies: list[AllergyOut]
    admitted_at: datetime.datetime | None
    procedures: list[ProcedureOut]
    discharge: DischargeSummaryOut | None


class HistoryOut(Schema):
    person_id: int
    encounters: list[EncounterOut]
    allergies: list[AllergyOut]


class Icd10CodeOut(Schema):
    code: str
    title: str


class MedicineOut(Schema):
    id: int
    name: str
    dosage_form: str
    strength: str
    level_of_care: str


def _vitals(encounter: Encounter) -> VitalsOut | None:
    vitals = getattr(encounter, "vitals", None)
    if vitals is None:
        return None
    values = {name: getattr(vitals, name) for name in VITAL_RANGES}
    return VitalsOut(**values, bmi=vitals.bmi)


def _allergies(allergies: Any) -> list[AllergyOut]:
    return [AllergyOut(substance=a.substance, reaction=a.reaction, noted_in=a.noted_in_id) for a in allergies]


def _discharge(encounter: Encounter) -> DischargeSummaryOut | None:
    summary = getattr(encounter, "discharge_summary", None)
    if summary is None:
        return None
    return DischargeSummaryOut(
        discharged_at=summary.discharged_at,
        course_in_hospital=summary.course_in_hospital,
        condition_at_discharge=summary.condition_at_discharge,
        discharge_advice=summary.discharge_advice,
    )


def encounter_out(encounter: Encounter) -> EncounterOut:
    """The API's view of an encounter read through the services (also HIMCARE's case record API)."""
    return EncounterOut(
        id=encounter.pk,
        person_id=encounter.person_id,
        patient_name=encounter.person.name_roman,
        facility_code=encounter.facility.code,
        department_code=encounter.department.code if encounter.department else None,
        kind=encounter.kind,
        status=encounter.status,
        practitioner=encounter.practitioner.get_full_name() or encounter.practitioner.username,
        started_at=encounter.started_at,
        signed_at=encounter.signed_at,
        source_ref=encounter.source_ref,
        supersedes_id=encounter.supersedes_id,
        chief_complaints=encounter.chief_complaints,
        examination_notes=encounter.examination_notes,
        investigations_advised=encounter.investigations_advised,
        advice=encounter.advice,
        follow_up_on=encounter.follow_up_on,
        vitals=_vitals(encounter),
        diagnoses=[
            DiagnosisOut(code=d.icd10.code, title=d.icd10.title, is_primary=d.is_primary, note=d.note)
            for d in encounter.diagnoses.all()
        ],
        prescriptions=[
            PrescriptionOut(
                medicine_id=p.medicine_id,
                free_text=p.free_text,
                medicine=p.medicine_name,
                strength=p.strength,
                dose=p.dose,
                frequency=p.frequency,
                duration_days=p.duration_days,
                route=p.route,
                instructions=p.instructions,
            )
            for p in encounter.prescriptions.all()
        ],
        allergies=_allergies(encounter.allergies.all()),
        admitted_at=encounter.admitted_at,
        procedures=[
            ProcedureOut(name=p.name, code=p.code, performed_on=p.performed_on)
            for p in encounter.procedures.all()
        ],
        discharge=_discharge(encounter),
    )


def _shown(request: HttpRequest, encounter_id: int) -> EncounterOut:
    """The encounter as the caller may see it now (the read is audited by the service)."""
    return encounter_out(services.get_encounter(_actor(request), encounter_id))


def _writable(request: HttpRequest, encounter_id: int) -> Encounter:
    found = Encounter.objects.filter(pk=encounter_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    return found  # the service checks the caller's scope under a row lock


@router.post("/encounters", response={200: EncounterOut, **errors(404, 409)}, auth=_writers)
def open_encounter(request: HttpRequest, payload: OpenIn) -> EncounterOut:
    user = _actor(request)
    if user.facility is None:
        raise Forbidden(_("Your account is not attached to a facility."), code="no_facility")
    person = Person.objects.filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(_("Not found."), field="person_id")
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise NotFound(_("Not found."), field="department_id")
    encounter = services.open_encounter(
        user, person, user.facility, department=department, source_ref=payload.source_ref, kind=payload.kind
    )
    return _shown(request, encounter.pk)


@router.get("/encounters/{encounter_id}", response={200: EncounterOut, **errors(404)}, auth=_readers)
def get_encounter(request: HttpRequest, encounter_id: int) -> EncounterOut:
    return _shown(request, encounter_id)


@router.put(
    "/encounters/{encounter_id}/draft", response={200: EncounterOut, **errors(404, 409)}, auth=_writers
)
def save_draft(request: HttpRequest, encounter_id: int, payload: DraftIn) -> EncounterOut:
    services.save_draft(_actor(request), _writable(request, encounter_id), payload.model_dump())
    return _shown(request, encounter_id)


@router.post(
    "/encounters/{encounter_id}/sign", response={200: EncounterOut, **errors(404, 409)}, auth=_writers
)
def sign(request: HttpRequest, encounter_id: int) -> EncounterOut:
    services.sign(_actor(request), _writable(request, encounter_id))
    return _shown(request, encounter_id)


@router.post(
    "/encounters/{encounter_id}/correct", response={200: EncounterOut, **errors(404, 409)}, auth=_writers
)
def correct(request: HttpRequest, encounter_id: int) -> EncounterOut:
    new = services.correct(_actor(request), _writable(request, encounter_id))
    return _shown(request, new.pk)


@router.get("/people/{person_id}/history", response={200: HistoryOut, **errors(404)}, auth=_readers)
def history(request: HttpRequest, person_id: int) -> HistoryOut:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("Not found."))
    found = services.history(_actor(request), person)
    return HistoryOut(
        person_id=person.pk,
        encounters=[encounter_out(e) for e in found.encounters],
        allergies=_allergies(found.allergies),
    )


@router.get("/icd10", response={200: list[Icd10CodeOut]}, auth=_writers)
def icd10_search(request: HttpRequest, q: str = "") -> list[Any]:
    """Codable ICD-10 codes by code prefix ("E11") or words of the title ("type 2 diabetes"), at most 20."""
    return list(icd10_matches(q))


@router.get("/medicines", response={200: list[MedicineOut]}, auth=_writers)
def medicine_search(request: HttpRequest, q: str = "") -> list[Any]:
    """Essential medicines (NLEM 2022) whose name holds the words typed, at most 20."""
    return list(medicine_matches(q))
