"""Health records: a doctor's encounter with a patient (OPD visit or admission) and what it records.

Invariants held by the database, not only by Python:
- one first version of an encounter per facility and source reference (opening is idempotent);
- a signed encounter is corrected at most once (its correction supersedes it; the chain gives the versions);
- vitals stay within VITAL_RANGES (check constraints generated from the same table the service and the API
  schema read);
- one primary diagnosis per encounter; a prescription line names a listed medicine or is marked free text;
- an admission time only on an admission; a discharge summary only on an admission, with its discharge time
  (the service checks it is not before the admission and that procedures fall within the stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.core.fields import cascade_fk, protected_fk, user_reference
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.facilities.models import Department, Facility, facility_scope
from himswasthya.people.models import Person

# The source reference of a HIMCARE case's admission record is "himcare:<case number>" (records never points
# up at HIMCARE's tables: the case number is a plain string).
HIMCARE_SOURCE = "himcare:"

HEALTH_DATA = PersonalData(
    purposes=("treatment",),
    basis=LegalBasis.STATE_SERVICE_7B,
    note="the patient's health record (SEC-1: sensitive)",
)

# Staff of the encounter's facility and the officer of its district; the patient's family (living members,
# accounts.scoping) - citizens are shown signed records only (records.services).
# The HIMCARE officer (and the state administrator) reach encounters too, narrowed by records.services to the
# signed admission records of HIMCARE cases (source "himcare:<case number>"), which claims adjudication reads.
ENCOUNTER_SCOPE = facility_scope(
    owner_mobile="person__mobile",
    family_person="person",
    state_roles=frozenset({"himcare_officer", "state_admin"}),
)
PART_SCOPE = facility_scope(
    "encounter__facility", owner_mobile="encounter__person__mobile", family_person="encounter__person"
)


class EncounterKind(models.TextChoices):
    OPD = "opd", _("OPD visit")
    ADMISSION = "admission", _("Admission")


class EncounterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Encounter(models.Model):
    holds_personal_data = True
    personal_data = {
        "person": PERSON_LINK,
        "practitioner": STAFF_ACTION,
        "chief_complaints": HEALTH_DATA,
        "examination_notes": HEALTH_DATA,
        "investigations_advised": HEALTH_DATA,
        "advice": HEALTH_DATA,
        "follow_up_on": HEALTH_DATA,
        "admitted_at": HEALTH_DATA,
    }
    scope_paths = ENCOUNTER_SCOPE

    person = protected_fk(Person, related_name="encounters", verbose_name=_("patient"))
    facility = protected_fk(Facility, related_name="+", verbose_name=_("facility"))
    department = protected_fk(Department, related_name="+", verbose_name=_("department"), optional=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=EncounterKind.choices, default=EncounterKind.OPD
    )
    practitioner = user_reference(_("doctor"), optional=False)
    status = models.CharField(
        _("status"), max_length=10, choices=EncounterStatus.choices, default=EncounterStatus.DRAFT
    )
    started_at = models.DateTimeField(_("started at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # Where the encounter came from, typed, e.g. "opd:<appointment number>" (records may not point up at
    # registration or HIMCARE).
    source_ref = models.CharField(_("source"), max_length=64, blank=True)
    chief_complaints = models.TextField(_("chief complaints"), blank=True)
    examination_notes = models.TextField(_("examination"), blank=True)
    investigations_advised = models.TextField(_("investigations advised"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    # An admission's admission time (the admission notes are the note fields above).
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    # A correction of a signed encounter is a new version superseding it; the old one is kept as it was.
    supersedes = protected_fk("self", related_name="corrections", verbose_name=_("corrects"), optional=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "source_ref"],
                condition=~Q(source_ref="") & Q(supersedes__isnull=True),
                name="encounter_one_per_source",
            ),
            models.UniqueConstraint(fields=["supersedes"], name="encounter_corrected_once"),
            models.CheckConstraint(
                condition=Q(status=EncounterStatus.DRAFT, signed_at__isnull=True)
                | Q(status=EncounterStatus.SIGNED, signed_at__isnull=False),
                name="encounter_signed_at_when_signed",
            ),
            models.CheckConstraint(
                condition=Q(admitted_at__isnull=True) | Q(kind=EncounterKind.ADMISSION),
                name="encounter_admitted_at_on_admission",
            ),
        ]
        indexes = [models.Index(fields=["person", "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == EncounterStatus.SIGNED


@dataclass(frozen=True)
class VitalRange:
    """The plausible range of one vital sign: a value outside it is a typing error, not a patient."""

    label: str | Promise
    unit: str | Promise
    low: int | Decimal
    high: int | Decimal

    def describe(self) -> str:
        return f"{self.label}, {self.unit}, {self.low}-{self.high}"


# The one table of plausible vitals: the service refuses values outside it, the API schema documents it, the
# database checks it (Vitals.Meta.constraints).
VITAL_RANGES: dict[str, VitalRange] = {
    "bp_systolic": VitalRange(_("Systolic blood pressure"), "mmHg", 50, 300),
    "bp_diastolic": VitalRange(_("Diastolic blood pressure"), "mmHg", 20, 200),
    "pulse": VitalRange(_("Pulse"), _("beats/min"), 20, 250),
    "temperature_c": VitalRange(_("Temperature"), _("°C"), Decimal("30.0"), Decimal("45.0")),
    "spo2": VitalRange(_("Oxygen saturation (SpO2)"), "%", 50, 100),
    "respiratory_rate": VitalRange(_("Respiratory rate"), _("breaths/min"), 4, 80),
    "weight_kg": VitalRange(_("Weight"), "kg", Decimal("0.3"), Decimal("350.0")),
    "height_cm": VitalRange(_("Height"), "cm", Decimal("20.0"), Decimal("250.0")),
    "random_blood_sugar": VitalRange(_("Random blood sugar"), "mg/dL", 10, 1500),
}


def _vital_range_constraints() -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": r.low, f"{name}__lte": r.high}),
            name=f"vitals_{name}_plausible",
        )
        for name, r in VITAL_RANGES.items()
    ]


class Vitals(models.Model):
    """The vital signs taken at an encounter; each is optional."""

    holds_personal_data = True
    personal_data = {name: HEALTH_DATA for name in VITAL_RANGES}
    scope_paths = PART_SCOPE

    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="vitals", verbose_name=_("encounter")
    )
    bp_systolic = models.PositiveSmallIntegerField(_("BP systolic (mmHg)"), null=True, blank=True)
    bp_diastolic = models.PositiveSmallIntegerField(_("BP diastolic (mmHg)"), null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("pulse (per minute)"), null=True, blank=True)
    temperature_c = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    spo2 = models.PositiveSmallIntegerField(_("SpO2 (%)"), null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(
        _("respiratory rate (per minute)"), null=True, blank=True
    )
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    random_blood_sugar = models.PositiveSmallIntegerField(
        _("random blood sugar (mg/dL)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("vitals")
        verbose_name_plural = _("vitals")
        constraints = _vital_range_constraints()

    def __str__(self) -> str:
        return f"vitals of encounter {self.encounter_id}"

    @property
    def bmi(self) -> Decimal | None:
        """Body-mass index (kg/m², one decimal) from weight and height, when both were taken."""
        if self.weight_kg is None or self.height_cm is None:
            return None
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(Decimal("0.1"))


class Diagnosis(models.Model):
    holds_personal_data = True
    personal_data = {"icd10": HEALTH_DATA, "note": HEALTH_DATA}
    scope_paths = PART_SCOPE

    encounter = cascade_fk(Encounter, related_name="diagnoses", verbose_name=_("encounter"))
    icd10 = protected_fk(
        Icd10Code, related_name="+", verbose_name=_("ICD-10 code"), limit_choices_to={"is_codable": True}
    )
    is_primary = models.BooleanField(_("primary diagnosis"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-is_primary", "pk"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.UniqueConstraint(
                fields=["encounter"], condition=Q(is_primary=True), name="diagnosis_one_primary"
            )
        ]

    def __str__(self) -> str:
        return str(self.icd10)


class Route(models.TextChoices):
    ORAL = "oral", _("By mouth")
    IV = "iv", _("Intravenous")
    IM = "im", _("Intramuscular")
    SC = "sc", _("Subcutaneous")
    TOPICAL = "topical", _("On the skin")
    INHALED = "inhaled", _("Inhaled")
    EYE = "eye", _("Eye")
    EAR = "ear", _("Ear")
    NASAL = "nasal", _("Nasal")
    RECTAL = "rectal", _("Rectal")
    VAGINAL = "vaginal", _("Vaginal")
    SUBLINGUAL = "sublingual", _("Under the tongue")


class PrescriptionLine(models.Model):
    """One medicine prescribed: from the essential medicines list, or a name typed with `free_text` set."""

    holds_personal_data = True
    personal_data = {"medicine": HEALTH_DATA, "name": HEALTH_DATA, "instructions": HEALTH_DATA}
    personal_data_exempt = {"free_text": "a flag, not about a person"}
    scope_paths = PART_SCOPE

    encounter = cascade_fk(Encounter, related_name="prescriptions", verbose_name=_("encounter"))
    medicine = protected_fk(Medicine, related_name="+", verbose_name=_("medicine"), optional=True)
    free_text = models.BooleanField(_("not in the essential medicines list"), default=False)
    name = models.CharField(_("medicine name"), max_length=200, blank=True)
    strength = models.CharField(_("strength"), max_length=60, blank=True)
    dose = models.CharField(_("dose"), max_length=60)
    frequency = models.CharField(_("frequency"), max_length=60)
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"))
    route = models.CharField(_("route"), max_length=12, choices=Route.choices, default=Route.ORAL)
    instructions = models.CharField(_("instructions"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("prescription line")
        verbose_name_plural = _("prescription lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(free_text=False, medicine__isnull=False)
                | (Q(free_text=True, medicine__isnull=True) & ~Q(name="")),
                name="prescription_listed_or_free_text",
            ),
            models.CheckConstraint(condition=Q(duration_days__gte=1), name="prescription_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.medicine_name} {self.dose} {self.frequency} x {self.duration_days} d"

    @property
    def medicine_name(self) -> str:
        return self.name if self.free_text else str(self.medicine)


class Allergy(models.Model):
    """A known allergy of the person, noted in an encounter."""

    holds_personal_data = True
    personal_data = {"person": PERSON_LINK, "substance": HEALTH_DATA, "reaction": HEALTH_DATA}
    scope_paths = facility_scope("noted_in__facility", owner_mobile="person__mobile", family_person="person")

    person = protected_fk(Person, related_name="allergies", verbose_name=_("patient"))
    substance = models.CharField(_("substance"), max_length=120)
    reaction = models.CharField(_("reaction"), max_length=200, blank=True)
    noted_in = cascade_fk(Encounter, related_name="allergies", verbose_name=_("noted in"))

    class Meta:
        ordering = ["substance"]
        verbose_name = _("allergy")
        verbose_name_plural = _("allergies")

    def __str__(self) -> str:
        return self.substance


class DischargeCondition(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    REFERRED = "referred", _("Referred to another hospital")
    AGAINST_ADVICE = "against_advice", _("Left against medical advice")
    DIED = "died", _("Died")


class DischargeSummary(models.Model):
    """The discharge summary of an admission: when the patient left, the course in hospital, the condition
    at discharge and the advice. Its diagnoses are the encounter's (`Diagnosis`), its procedures
    `Procedure`."""

    holds_personal_data = True
    personal_data = {
        "discharged_at": HEALTH_DATA,
        "course_in_hospital": HEALTH_DATA,
        "condition_at_discharge": HEALTH_DATA,
        "discharge_advice": HEALTH_DATA,
    }
    scope_paths = PART_SCOPE

    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="discharge_summary", verbose_name=_("encounter")
    )
    discharged_at = models.DateTimeField(_("discharged at"))
    course_in_hospital = models.TextField(_("course in hospital"))
    condition_at_discharge = models.CharField(
        _("condition at discharge"), max_length=16, choices=DischargeCondition.choices
    )
    discharge_advice = models.TextField(_("discharge advice"), blank=True)

    class Meta:
        verbose_name = _("discharge summary")
        verbose_name_plural = _("discharge summaries")
        constraints = [
            models.CheckConstraint(condition=~Q(course_in_hospital=""), name="discharge_summary_has_course"),
        ]

    def __str__(self) -> str:
        return f"discharge summary of encounter {self.encounter_id}"


class Procedure(models.Model):
    """A procedure done during an admission: its name, an optional code as a plain string (e.g. the HIMCARE
    package or procedure code; records does not look codes up in HIMCARE), and the day it was done."""

    holds_personal_data = True
    personal_data = {"name": HEALTH_DATA, "code": HEALTH_DATA, "performed_on": HEALTH_DATA}
    scope_paths = PART_SCOPE

    encounter = cascade_fk(Encounter, related_name="procedures", verbose_name=_("encounter"))
    name = models.CharField(_("procedure"), max_length=200)
    code = models.CharField(_("code"), max_length=30, blank=True)
    performed_on = models.DateField(_("performed on"))

    class Meta:
        ordering = ["performed_on", "pk"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="procedure_has_name")]

    def __str__(self) -> str:
        return self.name


class FavouriteCode(models.Model):
    """An ICD-10 code a doctor keeps at hand on the consultation workbench (the doctor's own list)."""

    personal_data = {"doctor": STAFF_ACTION}

    doctor = cascade_fk(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("doctor"))
    icd10 = cascade_fk(Icd10Code, related_name="+", verbose_name=_("ICD-10 code"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["icd10__code"]
        verbose_name = _("favourite ICD-10 code")
        verbose_name_plural = _("favourite ICD-10 codes")
        constraints = [models.UniqueConstraint(fields=["doctor", "icd10"], name="favourite_code_once")]

    def __str__(self) -> str:
        return f"{self.icd10_id} of user {self.doctor_id}"
