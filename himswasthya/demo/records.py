"""Demo health records: signed OPD consultations at the demo's own facility over the past year.

`make_demo_records(encounters=N)` (the `make_records_demo` command, run by `make demo`) writes each encounter
through the records services as the demo doctor (open, save the draft, sign), so audit entries, scoping and
every check are the real ones; then its visit and signing times are moved back to a day of the past year
(the services stamp "now"). Patients are the people of the facility's district, the demo citizen's family
first, so "My health records" has something to show. The conditions are the common ones of a hill-state OPD,
each with its ICD-10 code and an essential-medicines prescription. Idempotent: an encounter is keyed by its
source reference ("demo:<n>"), and the ones already there are left alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from himswasthya.accounts.models import User
from himswasthya.codelists.models import Medicine
from himswasthya.demo.personas import DEMO_CITIZEN_MOBILE, DEMO_DOCTOR
from himswasthya.people.models import Person
from himswasthya.records import services
from himswasthya.records.models import Encounter

# (medicine, dosage form, strength as in the NLEM), dose, frequency, days, instructions
Line = tuple[tuple[str, str, str], str, str, int, str]
PARACETAMOL: Line = (("Paracetamol", "Tablet", "500 mg"), "1 tablet", "three times a day", 3, "after food")


@dataclass(frozen=True)
class Condition:
    icd10: str
    complaint: str
    weight: int  # how common, relative
    lines: tuple[Line, ...]
    advice: str = ""


CONDITIONS = (
    Condition("J06.9", "Cough, cold and sore throat for 3 days", 20, (PARACETAMOL,), "Warm fluids, rest."),
    Condition(
        "I10",
        "Headache; known high blood pressure",
        14,
        ((("Amlodipine", "Tablet", "5 mg"), "1 tablet", "once a day", 30, "in the morning"),),
        "Less salt; walk 30 minutes a day.",
    ),
    Condition(
        "E11.9",
        "Increased thirst and urination",
        10,
        ((("Metformin", "Tablet", "500 mg"), "1 tablet", "twice a day", 30, "with meals"),),
        "Diet as explained; blood sugar check in a month.",
    ),
    Condition(
        "A09.9",
        "Loose stools for 2 days",
        10,
        ((("Zinc sulphate", "Dispersible tablet", "20 mg"), "1 tablet", "once a day", 14, ""),),
        "Oral rehydration solution after each loose stool.",
    ),
    Condition(
        "M54.5",
        "Low back pain for a week",
        9,
        ((("Ibuprofen", "Tablet", "400 mg"), "1 tablet", "twice a day", 5, "after food"),),
    ),
    Condition(
        "R50.9", "Fever since yesterday", 9, (PARACETAMOL,), "Plenty of fluids; come back if the fever lasts."
    ),
    Condition(
        "N39.0",
        "Burning urination",
        7,
        ((("Nitrofurantoin", "Tablet", "100 mg"), "1 tablet", "twice a day", 5, "after food"),),
    ),
    Condition(
        "K30",
        "Burning in the upper abdomen after meals",
        7,
        ((("Omeprazole", "Capsule", "20 mg"), "1 tablet", "once a day", 14, "before breakfast"),),
    ),
    Condition(
        "J45.9",
        "Wheezing and breathlessness at night",
        5,
        ((("Salbutamol", "Inhalation (MDI/DPI*)", "100 mcg/dose"), "2 puffs", "when needed", 30, ""),),
    ),
    Condition(
        "T78.4",
        "Itchy rash after eating",
        4,
        ((("Cetirizine", "Tablet", "10 mg"), "1 tablet", "at night", 5, ""),),
    ),
    Condition(
        "B86",
        "Itching, worse at night; family members too",
        3,
        ((("Permethrin", "Cream", "5 %"), "apply once", "once", 1, "whole body, wash after 8 hours"),),
    ),
)


@dataclass
class Made:
    created: int = 0
    existing: int = 0
    skipped: str = ""

    def __str__(self) -> str:
        return (
            self.skipped
            or f"Demo health records: {self.created} signed consultations made, {self.existing} were there."
        )


def _medicines() -> dict[tuple[str, str, str], int]:
    wanted = {line[0] for condition in CONDITIONS for line in condition.lines}
    query = Q()
    for name, form, strength in wanted:
        query |= Q(name__iexact=name, dosage_form__iexact=form, strength__iexact=strength)
    by_lower_key = {tuple(part.lower() for part in key): key for key in wanted}
    return {
        by_lower_key[(m.name.lower(), m.dosage_form.lower(), m.strength.lower())]: m.pk
        for m in Medicine.objects.filter(query)
    }


def _prescription(line: Line, medicines: dict[tuple[str, str, str], int]) -> dict:
    (name, form, strength), dose, frequency, days, instructions = line
    item = {"dose": dose, "frequency": frequency, "duration_days": days, "instructions": instructions}
    if (name, form, strength) in medicines:
        return {**item, "medicine_id": medicines[(name, form, strength)], "strength": strength}
    return {**item, "free_text": True, "name": f"{name} {strength}".strip(), "strength": strength}


def _vitals(rng: random.Random, condition: Condition) -> dict:
    systolic = rng.randint(150, 175) if condition.icd10 == "I10" else rng.randint(104, 138)
    return {
        "bp_systolic": systolic,
        "bp_diastolic": systolic - rng.randint(35, 55),
        "pulse": rng.randint(62, 104),
        "temperature_c": round(
            rng.uniform(38.0, 39.4) if condition.icd10 == "R50.9" else rng.uniform(36.4, 37.3), 1
        ),
        "spo2": rng.randint(94, 99),
        "weight_kg": round(rng.uniform(42, 82), 1),
        "height_cm": round(rng.uniform(148, 180), 1),
    }


def _patients(doctor: User, count: int, rng: random.Random) -> list[Person]:
    district = doctor.facility.district_id
    family = list(Person.objects.filter(mobile=DEMO_CITIZEN_MOBILE, district_id=district).order_by("pk"))
    others = list(
        Person.objects.filter(district_id=district)
        .exclude(mobile=DEMO_CITIZEN_MOBILE)
        .order_by("pk")[: count * 2]
    )
    rng.shuffle(others)
    return family + others


def make_demo_records(
    *, encounters: int = 2000, seed: int = 2026, doctor_username: str = DEMO_DOCTOR
) -> Made:
    doctor = User.objects.filter(username=doctor_username).select_related("facility").first()
    if doctor is None or doctor.facility is None:
        return Made(skipped=f"Demo health records skipped: no user {doctor_username!r} with a facility.")
    rng = random.Random(seed)
    medicines = _medicines()
    patients = _patients(doctor, encounters, rng)
    if not patients:
        return Made(skipped="Demo health records skipped: nobody lives in the demo facility's district.")
    done = set(
        Encounter.objects.filter(facility=doctor.facility, source_ref__startswith="demo:").values_list(
            "source_ref", flat=True
        )
    )
    weights = [c.weight for c in CONDITIONS]
    today = timezone.localdate()
    made = Made(existing=len(done))
    for n in range(encounters):
        # Drawn for every n, made or not, so a rerun draws the same visit for the same n.
        condition = rng.choices(CONDITIONS, weights)[0]
        patient = patients[n % len(patients)]
        days_ago = 1 + (n * 365) // encounters
        minutes = rng.randint(9 * 60, 15 * 60)
        vitals = _vitals(rng, condition)
        source_ref = f"demo:{n}"
        if source_ref in done:
            continue
        encounter = services.open_encounter(doctor, patient, doctor.facility, source_ref=source_ref)
        data = {
            "chief_complaints": condition.complaint,
            "advice": condition.advice,
            "vitals": vitals,
            "diagnoses": [{"code": condition.icd10, "is_primary": True}],
            "prescriptions": [_prescription(line, medicines) for line in condition.lines],
        }
        services.save_draft(doctor, encounter, data)
        services.sign(doctor, encounter, notify_patient=False)  # past visits: no SMS now
        visited = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time())
            + datetime.timedelta(minutes=minutes)
        )
        Encounter.objects.filter(pk=encounter.pk).update(
            started_at=visited, signed_at=visited + datetime.timedelta(minutes=rng.randint(4, 12))
        )
        made.created += 1
    return made
