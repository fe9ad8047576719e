"""Benchmark of health records on PostgreSQL: consultation save, patient history, FHIR searches, documents.

    DEBUG=1 DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/himswasthya_records_bench \\
        REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/records.py --encounters 1000000

Data (made once with INSERT ... SELECT generate_series, reused when present; `--rebuild` drops it):
- the real geography (load_places), the synthetic facility network, ICD-10 (load_icd10) and the essential
  medicines (load_medicines); doctors at every facility above the sub-centres (medical college 20, zonal and
  regional hospitals 10, civil hospitals 5, CHCs 3, PHCs 1);
- P people (`--people`, one per 5 encounters: 200,000) spread over every gram panchayat; 40% with an ABHA number (Luhn), 60% with a
  state UHID (HP-DDD-NNNNNNNN-C, real check character);
- N signed encounters (`--encounters`, 1,000,000) over the two years before the run: visits per person
  skewed (exponential, mean N/P, at most 60: a few chronic patients come every month, most people once or
  twice); three in four at a PHC/CHC/civil hospital of the person's block, the rest at the district's
  referral hospital; 2% admissions at hospitals (admission time, a discharge summary 2-5 days later, a
  procedure for one in four). Diagnoses from a weighted mix of 32 common OPD
  conditions (ICD-10: upper respiratory infections, hypertension, type 2 diabetes, acid peptic disease, back
  and joint pain, fevers, gastroenteritis, skin, injuries, anaemia, ...), the chronic patients' condition on
  most of their visits; 1-3 diagnoses per encounter (45% a second, 13% a third). Prescription lines are the
  NLEM products that treat the diagnoses (1-5 per encounter); vitals on 85% (raised BP with hypertension,
  fever with the fevers, blood sugar with diabetes); an allergy noted at 2%.

Bulk-load conditions: secondary indexes dropped and rebuilt around the load, foreign-key triggers off for the
loading session (rows consistent by construction), the people's name-search keys left empty (not searched
here). The measured code then runs with everything in place, as a doctor of the facility with the most
encounters, through the real code paths (session, CSRF, scoping, audit entries):
- consultation through the JSON API with the Django test client: open (POST /api/records/encounters), save
  the draft (PUT .../draft: 2 diagnoses, 3 medicines, vitals, notes; target p95 < 50 ms), sign (POST .../sign);
- patient history: `records.services.history`, the JSON API (GET /api/records/people/<id>/history) and, when
  the URL `records:patient_history` exists, the page (issue target p95 < 100 ms server time); patients drawn
  by visit (as they come to the OPD: frequent visitors more often);
- FHIR, when `himswasthya.records.fhir` is importable (else "not available"): GET /fhir/Patient?identifier=
  (ABHA number, UHID) and /fhir/Encounter?patient=<id> (target p95 < 50 ms), and document bundles built and
  validated per second on one core (`records.fhir.bundles.document_bundle`, target >= 200/s).
A missed target prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statements of one such call (also with
`--explain`). Prints the figures with the load average at the start and the end and adds the run to
bench/RESULTS.md under "Health records".
"""

# ruff: noqa: E501  (the SQL of the data generation reads better unwrapped)
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import random
import time
from dataclasses import dataclass

from _bulk import (
    CHECK_FUNCTIONS,
    ROOT,
    add_run,
    build_seconds,
    drop_secondary_indexes,
    load_average,
    percentile,
    reset_sequences,
    restore_indexes,
    save_build_seconds,
    setup_django,
    timed_sql,
)

SECTION = "## Health records (bench/records.py)"
EXPLAIN_FILE = ROOT / "var" / "bench" / "records_explain.txt"
LOADED_TABLES = [
    "people_person",
    "people_personidentifier",
    "records_encounter",
    "records_vitals",
    "records_diagnosis",
    "records_prescriptionline",
    "records_allergy",
    "records_dischargesummary",
    "records_procedure",
]
DOCTORS_PER_FACILITY = {"MC": 20, "ZH": 10, "RH": 10, "CH": 5, "CHC": 3, "PHC": 1}
HOSPITAL_TYPES = ("MC", "ZH", "RH", "CH", "CHC")
DOCTOR_PREFIX = "bench.doctor."
API = "/api/records/encounters"
JSON = "application/json"
TARGETS = {"save": 50.0, "history_page": 100.0, "fhir": 50.0, "bundles_per_s": 200.0}

# --- the clinical mix -----------------------------------------------------------------------------------
# (NLEM name, dosage form, strength), dose, frequency, days, route, instructions
Line = tuple[tuple[str, str, str], str, str, int, str, str]
# fmt: off
PCM_500: Line = (("Paracetamol", "Tablet", "500 mg"), "1 tablet", "three times a day", 3, "oral", "after food")
PCM_650: Line = (("Paracetamol", "Tablet", "650 mg"), "1 tablet", "three times a day", 3, "oral", "after food")
CETIRIZINE: Line = (("Cetirizine", "Tablet", "10 mg"), "1 tablet", "at night", 5, "oral", "")
AMOXICILLIN: Line = (("Amoxicillin", "Capsule", "500 mg"), "1 capsule", "three times a day", 5, "oral", "")
IBUPROFEN: Line = (("Ibuprofen", "Tablet", "400 mg"), "1 tablet", "twice a day", 5, "oral", "after food")
OMEPRAZOLE: Line = (("Omeprazole", "Capsule", "20 mg"), "1 capsule", "once a day", 14, "oral", "before breakfast")
POVIDONE: Line = (("Povidone iodine", "Solution", "4 % to 10 %"), "apply", "twice a day", 5, "topical", "clean the wound first")
SALBUTAMOL_MDI: Line = (("Salbutamol", "Inhalation (MDI/DPI*)", "100 mcg/dose"), "2 puffs", "when needed", 30, "inhaled", "")
# fmt: on


@dataclass(frozen=True)
class Condition:
    code: str
    weight: float  # share of OPD diagnoses, relative
    complaint: str
    examination: str
    lines: tuple[Line, ...]
    advice: str = ""
    vitals: str = ""  # "bp", "sugar", "fever", "resp": which vitals are abnormal
    chronic: float = 0.0  # share of the chronic patients with this as their condition


# fmt: off
CONDITIONS = (
    Condition("J06.9", 14, "Cough, cold and sore throat for 3 days", "Throat congested; chest clear.", (PCM_500, CETIRIZINE), "Warm fluids, steam inhalation."),
    Condition("I10", 11, "Headache; known high blood pressure", "No pedal oedema; heart sounds normal.", ((("Amlodipine", "Tablet", "5 mg"), "1 tablet", "once a day", 30, "oral", "in the morning"), (("Telmisartan", "Tablet", "40 mg"), "1 tablet", "once a day", 30, "oral", "")), "Less salt; walk 30 minutes a day.", "bp", 0.45),
    Condition("E11.9", 8, "Increased thirst and urination", "Feet: sensation normal, no ulcer.", ((("Metformin", "Tablet", "500 mg"), "1 tablet", "twice a day", 30, "oral", "with meals"), (("Glimepiride", "Tablet", "1 mg"), "1 tablet", "once a day", 30, "oral", "before breakfast")), "Diet as explained; blood sugar check in a month.", "sugar", 0.30),
    Condition("K30", 5, "Burning in the upper abdomen after meals", "Epigastric tenderness, no guarding.", (OMEPRAZOLE, (("Domperidone", "Tablet", "10 mg"), "1 tablet", "three times a day", 7, "oral", "before meals")), "Small frequent meals; avoid spicy food and tea on an empty stomach."),
    Condition("K29.7", 3, "Upper abdominal pain and nausea", "Epigastric tenderness.", (OMEPRAZOLE, (("Ondansetron", "Tablet", "4 mg"), "1 tablet", "when needed", 3, "oral", "for vomiting"))),
    Condition("M54.5", 5, "Low back pain for a week", "Paraspinal tenderness; SLR negative.", (IBUPROFEN, (("Calcium carbonate", "Tablet", "625 mg (equivalent to elemental calcium 250 mg)"), "1 tablet", "twice a day", 30, "oral", "")), "Back exercises; avoid lifting heavy loads."),
    Condition("M17.9", 3, "Pain in both knees on climbing", "Crepitus in both knees.", ((("Diclofenac", "Tablet", "50 mg"), "1 tablet", "twice a day", 5, "oral", "after food"), PCM_500), "Quadriceps exercises; reduce weight."),
    Condition("M79.1", 2, "Body aches", "No joint swelling.", (PCM_500,)),
    Condition("R50.9", 6, "Fever since yesterday", "Temperature raised; no focus found.", (PCM_650,), "Plenty of fluids; come back if the fever lasts beyond 3 days.", "fever"),
    Condition("A09.9", 4, "Loose stools for 2 days", "Mild dehydration; abdomen soft.", ((("Oral rehydration salts", "As licensed", ""), "1 packet in 1 litre water", "after each loose stool", 3, "oral", ""), (("Zinc Sulphate", "Dispersible Tablet", "20 mg"), "1 tablet", "once a day", 14, "oral", "")), "Oral rehydration solution after each loose stool."),
    Condition("J02.9", 4, "Sore throat and pain on swallowing", "Tonsils enlarged, congested.", (AMOXICILLIN, PCM_500), "Warm saline gargles.", "fever"),
    Condition("J20.9", 3, "Cough with phlegm for a week", "Scattered rhonchi.", (AMOXICILLIN, (("Salbutamol", "Tablet", "4 mg"), "1 tablet", "twice a day", 5, "oral", "")), "", "resp"),
    Condition("J45.9", 2, "Wheezing and breathlessness at night", "Bilateral wheeze.", (SALBUTAMOL_MDI, (("Budesonide", "Inhalation (MDI/DPI)", "200 mcg/dose"), "2 puffs", "twice a day", 30, "inhaled", "rinse the mouth after use")), "Avoid smoke and dust.", "resp", 0.07),
    Condition("J44.9", 2, "Breathlessness on walking uphill; cough for years", "Prolonged expiration; bilateral rhonchi.", (SALBUTAMOL_MDI, (("Budesonide (A) + Formoterol (B)", "Inhalation (MDI/DPI)", "200 mcg (A) + 6 mcg (B)"), "2 puffs", "twice a day", 30, "inhaled", "")), "Stop smoking; no chulha smoke indoors.", "resp", 0.08),
    Condition("N39.0", 3, "Burning urination", "Suprapubic tenderness.", ((("Nitrofurantoin", "Tablet", "100 mg"), "1 tablet", "twice a day", 5, "oral", "after food"),), "Drink plenty of water."),
    Condition("L30.9", 2, "Itchy rash on the arms", "Erythematous scaly patches.", ((("Betamethasone valerate", "Cream", "0.1 %"), "apply thinly", "twice a day", 7, "topical", ""), CETIRIZINE)),
    Condition("B35.4", 2, "Ring-shaped itchy patches", "Annular lesions with active edge.", ((("Clotrimazole", "Cream", "1 %"), "apply", "twice a day", 28, "topical", "continue 2 weeks after it clears"), (("Fluconazole", "Tablet", "150 mg"), "1 tablet", "once a week", 28, "oral", ""))),
    Condition("B86", 1.5, "Itching, worse at night; family members too", "Burrows in finger webs.", ((("Permethrin", "Cream", "5 %"), "apply once", "once", 1, "topical", "whole body, wash after 8 hours"), CETIRIZINE), "Treat the whole family; wash clothes and bedding."),
    Condition("T14.1", 2, "Cut on the hand while working in the field", "Clean lacerated wound, 2 cm.", (POVIDONE, (("Tetanus toxoid", "As licensed", ""), "0.5 mL", "once", 1, "im", ""), AMOXICILLIN), "Keep the dressing dry."),
    Condition("T14.0", 2, "Fall; bruises on the leg", "Abrasions, no bony tenderness.", (POVIDONE, PCM_500)),
    Condition("S93.4", 1.5, "Twisted ankle on the slope", "Ankle swelling, no bony tenderness.", (IBUPROFEN,), "Rest, ice, compression, elevation."),
    Condition("D50.9", 3, "Tiredness and breathlessness on exertion", "Pallor.", ((("Ferrous Salt (A)+ Folic acid (B)", "Tablet", "100 mg elemental iron (A) + 500 mcg (B)"), "1 tablet", "once a day", 90, "oral", "after food"),), "Green leafy vegetables, jaggery."),
    Condition("E03.9", 2, "Weight gain and tiredness; known hypothyroid", "Dry skin; no goitre.", ((("Levothyroxine", "Tablet", "12.5 mcg to 150 mcg*"), "50 mcg", "once a day", 90, "oral", "empty stomach, 30 minutes before breakfast"),), "TSH after 6 weeks.", "", 0.10),
    Condition("E78.5", 1, "Routine check; high cholesterol", "No xanthomas.", ((("Atorvastatin", "Tablet", "10 mg"), "1 tablet", "at night", 30, "oral", ""),), "Less fried food."),
    Condition("H10.9", 1.5, "Red, sticky eyes", "Conjunctival congestion with discharge.", ((("Ciprofloxacin", "Drops", "0.3 %"), "1 drop", "four times a day", 5, "eye", "both eyes"),)),
    Condition("H66.9", 1, "Ear pain and fever", "Tympanic membrane bulging.", (AMOXICILLIN, PCM_500), "", "fever"),
    Condition("B82.9", 1, "Abdominal pain; worms seen in stool", "Abdomen soft.", ((("Albendazole", "Tablet", "400 mg"), "1 tablet", "once", 1, "oral", ""),)),
    Condition("K59.0", 1, "Hard stools for a week", "Abdomen soft, non-tender.", ((("Lactulose", "Oral Liquid", "10 g/15 mL"), "15 mL", "at night", 7, "oral", ""),), "More water and fibre."),
    Condition("J30.4", 1.5, "Sneezing and running nose every morning", "Pale, boggy nasal mucosa.", (CETIRIZINE, (("Budesonide", "Nasal Spray", "50 mcg/dose"), "2 sprays", "once a day", 30, "nasal", "each nostril"))),
    Condition("R51", 1.5, "Headache for 2 days", "No neck stiffness; fundi normal.", (PCM_500,)),
    Condition("A01.0", 0.5, "Fever for a week with abdominal discomfort", "Coated tongue; mild splenomegaly.", ((("Cefixime", "Tablet", "200 mg"), "1 tablet", "twice a day", 14, "oral", ""), PCM_650), "Boiled water; soft diet.", "fever"),
    Condition("J18.9", 0.5, "Fever, cough and breathlessness", "Crepitations right base.", (AMOXICILLIN, PCM_650), "", "resp"),
)
ALLERGIES = (
    ("Penicillin", "rash"), ("Sulfonamides", "itching"), ("Ibuprofen", "swelling of the lips"), ("Dust", "sneezing"),
    ("Pollen", "wheeze"), ("Aspirin", "wheeze"),
)
GIVEN = ("Rakesh", "Sunita", "Anil", "Kamla", "Vijay", "Neelam", "Sanjay", "Rekha", "Pawan", "Meena", "Ramesh", "Anjali", "Suresh", "Pooja", "Manoj", "Savitri", "Deepak", "Kiran", "Ajay", "Shanti")
FAMILY = ("Sharma", "Thakur", "Chauhan", "Verma", "Negi", "Rana", "Kumar", "Devi", "Kaushal", "Guleria", "Katoch", "Bhardwaj", "Pathania", "Sood", "Mehta", "Kanwar", "Jaswal", "Dogra")
# fmt: on


# --- data -----------------------------------------------------------------------------------------------
def _reference_data() -> None:
    from django.core.management import call_command

    from himswasthya.codelists.models import Icd10Code, Medicine
    from himswasthya.facilities.models import Facility
    from himswasthya.facilities.synthetic import generate_synthetic_network
    from himswasthya.places.models import GramPanchayat

    if not GramPanchayat.objects.exists():
        call_command("load_places", verbosity=0)
    if not Facility.objects.filter(facility_type__in=["MC", "ZH", "RH", "CH"]).exists():
        generate_synthetic_network(seed=2026)
    if not Icd10Code.objects.exists():
        call_command("load_icd10", verbosity=0)
    if not Medicine.objects.exists():
        call_command("load_medicines", verbosity=0)
    _doctors()


def _doctors() -> None:
    """Doctors at each facility above the sub-centres (bulk-created once; no usable password)."""
    from django.utils import timezone

    from himswasthya.accounts.models import Role, User
    from himswasthya.facilities.models import Facility

    have = set(User.objects.filter(username__startswith=DOCTOR_PREFIX).values_list("username", flat=True))
    now = timezone.now()
    new = []
    for facility in Facility.objects.filter(facility_type__in=DOCTORS_PER_FACILITY).order_by("pk"):
        for n in range(DOCTORS_PER_FACILITY[facility.facility_type]):
            username = f"{DOCTOR_PREFIX}{facility.code}.{n}".lower()[:150]
            if username not in have:
                user = User(
                    username=username,
                    role=Role.DOCTOR,
                    facility=facility,
                    first_name=f"Dr {GIVEN[(facility.pk + n) % len(GIVEN)]}",
                    last_name=FAMILY[(facility.pk * 7 + n) % len(FAMILY)],
                    password_changed_at=now,
                )
                user.set_unusable_password()
                new.append(user)
    User.objects.bulk_create(new, batch_size=1000)
    if new:
        print(f"made {len(new):,} doctors")


def _medicine_ids() -> dict[tuple[str, str, str], int]:
    from himswasthya.codelists.models import Medicine

    found = {
        (m.name.lower(), m.dosage_form.lower(), m.strength.lower()): m.pk
        for m in Medicine.objects.only("name", "dosage_form", "strength")
    }
    ids = {}
    for condition in CONDITIONS:
        for line in condition.lines:
            key = tuple(part.lower() for part in line[0])
            if key not in found:
                raise SystemExit(f"not in the NLEM list as loaded: {line[0]}")
            ids[line[0]] = found[key]
    return ids


def _condition_tables(c) -> None:
    """bench_cond (the conditions), bench_line (their prescription lines), bench_slot (1,000 slots drawn
    uniformly give the weighted mix), bench_chronic (100 slots: the chronic patients' conditions)."""
    from himswasthya.codelists.models import Icd10Code

    icd10 = dict(
        Icd10Code.objects.filter(code__in=[k.code for k in CONDITIONS], is_codable=True).values_list(
            "code", "pk"
        )
    )
    missing = [k.code for k in CONDITIONS if k.code not in icd10]
    if missing:
        raise SystemExit(f"not codable ICD-10 codes: {missing}")
    medicines = _medicine_ids()
    c.execute("DROP TABLE IF EXISTS bench_cond, bench_line, bench_slot, bench_chronic")
    c.execute(
        "CREATE TEMP TABLE bench_cond (idx int PRIMARY KEY, icd10_id bigint, complaint text, examination text, advice text, vitals text, chronic boolean)"
    )
    c.execute(
        "CREATE TEMP TABLE bench_line (cond int, line_no int, medicine_id bigint, strength text, dose text, frequency text, days int, route text, instructions text)"
    )
    for i, k in enumerate(CONDITIONS):
        c.execute(
            "INSERT INTO bench_cond VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [i, icd10[k.code], k.complaint, k.examination, k.advice, k.vitals, k.chronic > 0],
        )
        for n, ((name, form, strength), dose, frequency, days, route, instructions) in enumerate(k.lines, 1):
            c.execute(
                "INSERT INTO bench_line VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    i,
                    n,
                    medicines[(name, form, strength)],
                    strength[:60],
                    dose,
                    frequency,
                    days,
                    route,
                    instructions,
                ],
            )
    total = sum(k.weight for k in CONDITIONS)
    slots, cumulative = [], 0.0
    for i, k in enumerate(CONDITIONS):
        cumulative += k.weight
        slots += [i] * (round(cumulative / total * 1000) - len(slots))
    c.execute(
        "CREATE TEMP TABLE bench_slot AS SELECT (o - 1)::int AS slot, x AS cond FROM unnest(%s::int[]) WITH ORDINALITY u(x, o)",
        [slots],
    )
    chronic, cumulative = [], 0.0
    for i, k in enumerate(CONDITIONS):
        cumulative += k.chronic
        chronic += [i] * (round(cumulative * 100) - len(chronic))
    c.execute(
        "CREATE TEMP TABLE bench_chronic AS SELECT (o - 1)::int AS slot, x AS cond FROM unnest(%s::int[]) WITH ORDINALITY u(x, o)",
        [chronic],
    )
    for table in ("bench_slot", "bench_chronic"):
        c.execute(f"CREATE UNIQUE INDEX ON {table} (slot)")
    c.execute("ANALYZE bench_cond; ANALYZE bench_line; ANALYZE bench_slot; ANALYZE bench_chronic")


def make_data(people: int, encounters: int, rebuild: bool) -> dict:
    from django.db import connection

    _reference_data()
    with connection.cursor() as c:
        restore_indexes(c)  # after an interrupted load
        c.execute("SELECT count(*) FROM people_person WHERE is_synthetic")
        have_people = c.fetchone()[0]
        c.execute("SELECT count(*) FROM records_encounter")
        have_encounters = c.fetchone()[0]
    if not rebuild and have_people >= people and have_encounters >= encounters:
        print(f"reusing {have_people:,} people and {have_encounters:,} encounters")
        return {"reused": True, "seconds": build_seconds()}
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SET maintenance_work_mem = '256MB'")
        c.execute("SET work_mem = '64MB'")
        c.execute("SET synchronous_commit = off")
        c.execute("SELECT setseed(0.2026)")
        c.execute(CHECK_FUNCTIONS)
        print("truncating the loaded tables")
        c.execute("TRUNCATE " + ", ".join(LOADED_TABLES) + " CASCADE")
        drop_secondary_indexes(c, LOADED_TABLES)
        c.execute("SET session_replication_role = replica")
        _condition_tables(c)
        c.execute(
            "DROP TABLE IF EXISTS bench_gp, bench_fac, bench_home, bench_ref, bench_doc, bench_pp, bench_enc"
        )
        c.execute(
            """CREATE TEMP TABLE bench_gp AS
               SELECT (row_number() OVER (ORDER BY g.id)) - 1 AS idx, g.id AS gp_id, g.district_id,
                      g.block_id, d.lgd_code AS district_lgd
               FROM places_grampanchayat g JOIN places_district d ON d.id = g.district_id"""
        )
        c.execute("CREATE UNIQUE INDEX ON bench_gp (idx)")
        c.execute("SELECT count(*) FROM bench_gp")
        n_gp = c.fetchone()[0]
        timed_sql(
            c,
            """INSERT INTO people_person (id, given_name, family_name, name_roman, name_deva, sex, date_of_birth,
                 year_of_birth, mobile, gram_panchayat_id, district_id, is_synthetic, created_at,
                 name_roman_machine, name_deva_machine, name_key, name_deva_key, name_blocks, merged_into_id)
               SELECT p, (%(given)s::text[])[1 + p %% %(ng)s], (%(family)s::text[])[1 + (p / 7) %% %(nf)s],
                 (%(given)s::text[])[1 + p %% %(ng)s] || ' ' || (%(family)s::text[])[1 + (p / 7) %% %(nf)s], '',
                 CASE WHEN p %% 2 = 0 THEN 'F' ELSE 'M' END, NULL,
                 2025 - least(95, floor(-ln(1 - random()) * 30)::int), CASE WHEN p %% 5 < 3 THEN '9' || lpad(p::text, 9, '0') END,
                 g.gp_id, g.district_id, true, now(), false, false, '', '', '', NULL
               FROM generate_series(1, %(people)s) p JOIN bench_gp g ON g.idx = p %% %(n)s""",
            {
                "people": people,
                "n": n_gp,
                "given": list(GIVEN),
                "family": list(FAMILY),
                "ng": len(GIVEN),
                "nf": len(FAMILY),
            },
        )
        timed_sql(
            c,
            """INSERT INTO people_personidentifier (person_id, id_type, value, issuer, verified, source)
               SELECT id, 'ABHA_NUMBER', bench_luhn('91' || lpad(id::text, 11, '0')), 'NHA', true, 'bench'
               FROM people_person WHERE id %% 10 < 4""",
        )
        timed_sql(
            c,
            """INSERT INTO people_personidentifier (person_id, id_type, value, issuer, verified, source, since)
               SELECT id, 'UHID', 'HP-' || d || '-' || lpad(n::text, 8, '0') || '-' || bench_mod11_2(d || lpad(n::text, 8, '0')),
                 'HimSwasthya', true, 'issued', DATE '2024-01-01'
               FROM (SELECT p.id, lpad(dist.lgd_code::text, 3, '0') AS d,
                       row_number() OVER (PARTITION BY p.district_id ORDER BY p.id) AS n
                     FROM people_person p JOIN places_district dist ON dist.id = p.district_id
                     WHERE p.id %% 5 < 3) s""",
        )
        c.execute(
            """INSERT INTO people_uhidcounter (district_code, last_number)
               SELECT split_part(value, '-', 2)::int, max(split_part(value, '-', 3)::int)
               FROM people_personidentifier WHERE id_type = 'UHID' GROUP BY 1
               ON CONFLICT (district_code) DO UPDATE SET last_number = greatest(people_uhidcounter.last_number, EXCLUDED.last_number)"""
        )
        # Facilities: the OPD facilities of each block (home) and the referral hospital of each district.
        c.execute(
            """CREATE TEMP TABLE bench_fac AS
               SELECT f.id, f.facility_type, f.district_id, f.block_id,
                 (SELECT count(*) FROM accounts_user u WHERE u.facility_id = f.id AND u.username LIKE %s) AS doctors,
                 (SELECT min(fd.department_id) FROM facilities_facility_departments fd
                  JOIN facilities_department dep ON dep.id = fd.department_id
                  WHERE fd.facility_id = f.id AND dep.code = 'general-opd') AS opd_dept
               FROM facilities_facility f WHERE f.facility_type = ANY(%s)""",
            [DOCTOR_PREFIX + "%", list(DOCTORS_PER_FACILITY)],
        )
        c.execute(
            """CREATE TEMP TABLE bench_home AS
               SELECT block_id, id AS facility_id, (row_number() OVER (PARTITION BY block_id ORDER BY id)) - 1 AS idx,
                 count(*) OVER (PARTITION BY block_id) AS n
               FROM bench_fac WHERE facility_type IN ('PHC', 'CHC', 'CH') AND block_id IS NOT NULL AND doctors > 0"""
        )
        c.execute(
            """CREATE TEMP TABLE bench_ref AS
               SELECT DISTINCT ON (district_id) district_id, id AS facility_id FROM bench_fac WHERE doctors > 0
               ORDER BY district_id, array_position(ARRAY['MC', 'ZH', 'RH', 'CH', 'CHC', 'PHC'], facility_type::text), id"""
        )
        c.execute(
            """CREATE TEMP TABLE bench_doc AS
               SELECT facility_id, id AS user_id, (row_number() OVER (PARTITION BY facility_id ORDER BY id)) - 1 AS idx
               FROM accounts_user WHERE username LIKE %s""",
            [DOCTOR_PREFIX + "%"],
        )
        c.execute("CREATE UNIQUE INDEX ON bench_doc (facility_id, idx)")
        # Per person: visits (exponential, mean N/P, 1-60), home and referral facility, chronic condition.
        mean = encounters / people
        timed_sql(
            c,
            """CREATE TEMP TABLE bench_pp AS
               SELECT q.person_id, q.visits, q.home_id, q.referral_id, ch.cond AS chronic,
                 sum(q.visits) OVER (ORDER BY q.person_id) AS upto
               FROM (SELECT p.id AS person_id, k.visits, coalesce(h.facility_id, r.facility_id) AS home_id,
                       r.facility_id AS referral_id,
                       CASE WHEN random() < least(0.9, k.visits / 12.0) THEN floor(random() * 100)::int END AS chronic_slot
                     FROM people_person p
                     JOIN places_grampanchayat g ON g.id = p.gram_panchayat_id
                     CROSS JOIN LATERAL (SELECT least(60, 1 + floor(-ln(1 - random()) * %(m)s))::int + 0 * p.id AS visits) k
                     JOIN bench_ref r ON r.district_id = p.district_id
                     LEFT JOIN bench_home h ON h.block_id = g.block_id AND h.idx = p.id %% h.n) q
               LEFT JOIN bench_chronic ch ON ch.slot = q.chronic_slot""",
            {"m": max(0.0, mean - 0.5) * 1.08},
        )
        c.execute("SELECT coalesce(max(upto), 0) FROM bench_pp")
        planned = c.fetchone()[0]
        print(f"  planned {planned:,} visits for {encounters:,} encounters")
        if planned < encounters:
            print(f"  (short by {encounters - planned:,}: rerun with --rebuild for another draw)")
        # The visits with their random draws (no joins on volatile expressions), then the encounters: ids in
        # time order (as a live table grows), the two years before today, OPD hours (IST).
        timed_sql(
            c,
            """CREATE TEMP TABLE bench_visit AS
               SELECT pp.person_id, v.n, CASE WHEN random() < 0.75 THEN pp.home_id ELSE pp.referral_id END AS facility_id,
                 date_trunc('day', now() - interval '1 day' - random() * interval '730 days')
                   + interval '9 hours' + random() * interval '6 hours' - interval '5 hours 30 minutes' AS started_at,
                 random() AS kind_r,
                 CASE WHEN pp.chronic IS NOT NULL AND random() < 0.6 THEN pp.chronic END AS chronic,
                 floor(random() * 1000)::int AS s1,
                 CASE WHEN random() < 0.45 THEN floor(random() * 1000)::int END AS s2,
                 CASE WHEN random() < 0.13 THEN floor(random() * 1000)::int END AS s3,
                 random() < 0.85 AS with_vitals, random() < 0.02 AS with_allergy, random() AS r
               FROM bench_pp pp CROSS JOIN LATERAL generate_series(1, pp.visits) v(n)
               WHERE pp.upto - pp.visits + v.n <= %(n)s""",
            {"n": encounters},
        )
        timed_sql(
            c,
            """CREATE TEMP TABLE bench_enc AS
               SELECT (row_number() OVER (ORDER BY t.started_at, t.person_id, t.n))::bigint AS id, t.person_id,
                 t.facility_id, fac.opd_dept, fac.doctors, t.started_at,
                 CASE WHEN fac.facility_type IN ('MC', 'ZH', 'RH', 'CH', 'CHC') AND t.kind_r < 0.02 THEN 'admission' ELSE 'opd' END AS kind,
                 coalesce(t.chronic, x1.cond) AS c1, x2.cond AS c2, x3.cond AS c3, t.with_vitals, t.with_allergy, t.r
               FROM bench_visit t JOIN bench_fac fac ON fac.id = t.facility_id
               JOIN bench_slot x1 ON x1.slot = t.s1
               LEFT JOIN bench_slot x2 ON x2.slot = t.s2
               LEFT JOIN bench_slot x3 ON x3.slot = t.s3""",
        )
        c.execute("DROP TABLE bench_visit")
        c.execute("UPDATE bench_enc SET c2 = NULL WHERE c2 = c1")
        c.execute("UPDATE bench_enc SET c3 = NULL WHERE c3 = c1 OR c3 = c2")
        timed_sql(
            c,
            """INSERT INTO records_encounter (id, kind, status, started_at, signed_at, source_ref, chief_complaints,
                 examination_notes, investigations_advised, advice, follow_up_on, department_id, facility_id,
                 person_id, practitioner_id, supersedes_id, admitted_at)
               SELECT e.id, e.kind, 'signed', e.started_at,
                 e.started_at + CASE WHEN e.kind = 'admission' THEN interval '3 days' ELSE (4 + e.r * 11) * interval '1 minute' END,
                 'opd:B' || e.id, k.complaint, k.examination,
                 CASE WHEN k.vitals = 'sugar' THEN 'HbA1c, fasting blood sugar' WHEN k.vitals = 'fever' THEN 'CBC, malaria test' ELSE '' END,
                 k.advice, CASE WHEN k.chronic THEN (e.started_at + interval '30 days')::date END,
                 e.opd_dept, e.facility_id, e.person_id, d.user_id, NULL,
                 CASE WHEN e.kind = 'admission' THEN e.started_at END
               FROM bench_enc e JOIN bench_cond k ON k.idx = e.c1
               JOIN bench_doc d ON d.facility_id = e.facility_id AND d.idx = e.id %% e.doctors""",
        )
        timed_sql(
            c,
            """INSERT INTO records_diagnosis (is_primary, note, icd10_id, encounter_id)
               SELECT x.dx = 1, '', k.icd10_id, e.id
               FROM bench_enc e CROSS JOIN LATERAL (VALUES (1, e.c1), (2, e.c2), (3, e.c3)) x(dx, cond)
               JOIN bench_cond k ON k.idx = x.cond
               ORDER BY e.id, x.dx""",
        )
        timed_sql(
            c,
            """INSERT INTO records_prescriptionline (free_text, name, strength, dose, frequency, duration_days, route,
                 instructions, encounter_id, medicine_id)
               SELECT false, '', strength, dose, frequency, days, route, instructions, encounter_id, medicine_id
               FROM (SELECT s.*, row_number() OVER (PARTITION BY s.encounter_id ORDER BY s.dx, s.line_no) AS rn
                     FROM (SELECT DISTINCT ON (e.id, l.medicine_id) e.id AS encounter_id, x.dx, l.*
                           FROM bench_enc e CROSS JOIN LATERAL (VALUES (1, e.c1), (2, e.c2), (3, e.c3)) x(dx, cond)
                           JOIN bench_line l ON l.cond = x.cond AND (x.dx = 1 OR l.line_no = 1)
                           ORDER BY e.id, l.medicine_id, x.dx, l.line_no) s) ranked
               WHERE rn <= 5
               ORDER BY encounter_id, rn""",
        )
        timed_sql(
            c,
            """INSERT INTO records_vitals (bp_systolic, bp_diastolic, pulse, temperature_c, spo2, respiratory_rate,
                 weight_kg, height_cm, random_blood_sugar, encounter_id)
               SELECT s.sys, s.sys - 35 - floor(e.r * 20)::int, 62 + floor(random() * 40)::int,
                 CASE WHEN k.vitals = 'fever' THEN round((38 + random() * 1.4)::numeric, 1) ELSE round((36.4 + random() * 0.9)::numeric, 1) END,
                 CASE WHEN k.vitals = 'resp' THEN 88 + floor(random() * 8)::int ELSE 94 + floor(random() * 6)::int END,
                 CASE WHEN k.vitals = 'resp' THEN 20 + floor(random() * 8)::int ELSE 14 + floor(random() * 6)::int END,
                 round((40 + random() * 45)::numeric, 1), round((148 + random() * 32)::numeric, 1),
                 CASE WHEN k.vitals = 'sugar' THEN 140 + floor(random() * 180)::int WHEN random() < 0.2 THEN 80 + floor(random() * 60)::int END,
                 e.id
               FROM bench_enc e JOIN bench_cond k ON k.idx = e.c1
               CROSS JOIN LATERAL (SELECT CASE WHEN k.vitals = 'bp' THEN 140 + floor(random() * 36)::int
                                               ELSE 104 + floor(random() * 35)::int END + 0 * e.id AS sys) s
               WHERE e.with_vitals
               ORDER BY e.id""",
        )
        timed_sql(
            c,
            """INSERT INTO records_allergy (substance, reaction, person_id, noted_in_id)
               SELECT (%(s)s::text[])[1 + e.id %% %(n)s], (%(r)s::text[])[1 + e.id %% %(n)s], e.person_id, e.id
               FROM bench_enc e WHERE e.with_allergy ORDER BY e.id""",
            {"s": [a for a, _r in ALLERGIES], "r": [r for _a, r in ALLERGIES], "n": len(ALLERGIES)},
        )
        # Admissions: a discharge summary each (2-5 days later), a procedure for one in four.
        timed_sql(
            c,
            """INSERT INTO records_dischargesummary (encounter_id, discharged_at, course_in_hospital,
                 condition_at_discharge, discharge_advice)
               SELECT e.id, e.started_at + (2 + floor(e.r * 4)) * interval '1 day',
                 'Admitted with ' || lower(k.complaint) || '. Treated as per the prescription; responded well.',
                 CASE WHEN e.r < 0.8 THEN 'improved' WHEN e.r < 0.95 THEN 'recovered' ELSE 'referred' END,
                 coalesce(nullif(k.advice, ''), 'Review in the OPD after a week.')
               FROM bench_enc e JOIN bench_cond k ON k.idx = e.c1 WHERE e.kind = 'admission' ORDER BY e.id""",
        )
        timed_sql(
            c,
            """INSERT INTO records_procedure (encounter_id, name, code, performed_on)
               SELECT e.id, 'Intravenous fluids and nebulisation', '', (e.started_at + interval '1 day')::date
               FROM bench_enc e WHERE e.kind = 'admission' AND e.r < 0.25 ORDER BY e.id""",
        )
        c.execute("SET session_replication_role = origin")
        restore_indexes(c)
        reset_sequences(c, LOADED_TABLES)
        c.execute(
            "DROP TABLE IF EXISTS bench_gp, bench_fac, bench_home, bench_ref, bench_doc, bench_pp, bench_enc"
        )
        timed_sql(c, "VACUUM (ANALYZE) " + ", ".join(LOADED_TABLES))
    seconds = time.perf_counter() - started
    print(f"data made in {seconds:.0f} s")
    save_build_seconds(seconds)
    return {"reused": False, "seconds": seconds}


def counts() -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as c:
        for table in LOADED_TABLES:
            c.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            out[table] = int(c.fetchone()[0])
    return out


def mix() -> dict:
    """What the data holds: encounters per person, diagnoses and lines per encounter, the top codes."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            """SELECT percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY n), max(n), count(*)
               FROM (SELECT count(*) AS n FROM records_encounter GROUP BY person_id) s"""
        )
        per_person, most, patients = c.fetchone()
        c.execute("SELECT avg(n) FROM (SELECT count(*) AS n FROM records_diagnosis GROUP BY encounter_id) s")
        dx = float(c.fetchone()[0] or 0)
        c.execute(
            "SELECT avg(n), max(n) FROM (SELECT count(*) AS n FROM records_prescriptionline GROUP BY encounter_id) s"
        )
        lines, lines_max = c.fetchone()
        c.execute(
            """SELECT i.code, round(100.0 * count(*) / sum(count(*)) OVER (), 1) FROM records_diagnosis d
               JOIN codelists_icd10code i ON i.id = d.icd10_id WHERE d.is_primary GROUP BY i.code ORDER BY 2 DESC LIMIT 6"""
        )
        top = c.fetchall()
        c.execute("SELECT round(100.0 * avg((kind = 'admission')::int), 1) FROM records_encounter")
        admissions = float(c.fetchone()[0] or 0)
    return {
        "per_person": per_person,
        "max": most,
        "patients": patients,
        "dx": dx,
        "lines": float(lines or 0),
        "lines_max": lines_max,
        "top": top,
        "admissions": admissions,
    }


# --- measurements ---------------------------------------------------------------------------------------
@dataclass
class Bench:
    doctor: object
    client: object
    csrf: str
    rng: random.Random


def _bench_doctor():
    """A doctor of the facility with the most encounters."""
    from django.db import connection

    from himswasthya.accounts.models import User

    with connection.cursor() as c:
        c.execute(
            """SELECT facility_id FROM records_encounter WHERE id % 50 = 0 GROUP BY facility_id
               ORDER BY count(*) DESC LIMIT 1"""
        )
        facility_id = c.fetchone()[0]
    return (
        User.objects.select_related("facility")
        .filter(facility_id=facility_id, username__startswith=DOCTOR_PREFIX)
        .order_by("pk")
        .first()
    )


def _signed_in(doctor) -> tuple[object, str]:
    from django.middleware.csrf import get_token
    from django.test import Client, RequestFactory

    client = Client(enforce_csrf_checks=True)
    client.force_login(doctor)
    token = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = token
    return client, token


_cpu_ms = [0.0]  # this process's CPU time of the last _timed call (Django's share, not PostgreSQL's)


def _timed(fn, count_statements: bool = False) -> tuple[float, object]:
    """(wall ms, result) of fn(); its CPU time in this process is left in _cpu_ms[0]. With count_statements:
    (number of SQL statements, result)."""
    if count_statements:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            result = fn()
        return len(ctx.captured_queries), result
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    _cpu_ms[0] = (time.process_time() - cpu) * 1000
    return (time.perf_counter() - started) * 1000, result


def _check(response, what: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{what}: HTTP {response.status_code} {response.content[:400]!r}")


def _consultation(rng: random.Random, medicines: dict) -> dict:
    first, second = rng.sample([k for k in CONDITIONS if len(k.lines) >= 1], 2)
    lines = (list(first.lines) + list(second.lines) + [PCM_500])[:3]
    seen, prescriptions = set(), []
    for (name, form, strength), dose, frequency, days, route, instructions in lines:
        if (name, form, strength) in seen:
            continue
        seen.add((name, form, strength))
        prescriptions.append(
            {
                "medicine_id": medicines[(name, form, strength)],
                "strength": strength[:60],
                "dose": dose,
                "frequency": frequency,
                "duration_days": days,
                "route": route,
                "instructions": instructions,
            }
        )
    systolic = rng.randint(104, 170)
    return {
        "chief_complaints": f"{first.complaint}. {second.complaint}.",
        "examination_notes": f"{first.examination} {second.examination}",
        "advice": first.advice or "Review if not better.",
        "follow_up_on": (datetime.date.today() + datetime.timedelta(days=14)).isoformat(),
        "vitals": {
            "bp_systolic": systolic,
            "bp_diastolic": systolic - rng.randint(35, 55),
            "pulse": rng.randint(62, 104),
            "temperature_c": str(round(rng.uniform(36.4, 38.9), 1)),
            "spo2": rng.randint(93, 99),
            "respiratory_rate": rng.randint(14, 22),
            "weight_kg": str(round(rng.uniform(42, 85), 1)),
            "height_cm": str(round(rng.uniform(148, 180), 1)),
        },
        "diagnoses": [{"code": first.code, "is_primary": True}, {"code": second.code}],
        "prescriptions": prescriptions,
        "allergies": [{"substance": "Penicillin", "reaction": "rash"}] if rng.random() < 0.05 else [],
    }


def measure_saves(b: Bench, n: int) -> dict:
    """open + save the draft + sign through /api/records/, as the doctor (session, CSRF, scoping, audit)."""
    medicines = _medicine_ids()
    people = list(
        _people_of_district(b.doctor.facility.district_id).order_by("?").values_list("pk", flat=True)[: n + 5]
    )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    times: dict[str, list[float]] = {"open": [], "save": [], "sign": [], "total": [], "save_cpu": []}
    headers = {"X-CSRFToken": b.csrf}
    for i, person_id in enumerate(people[: n + 5]):
        opened = json.dumps({"person_id": person_id, "source_ref": f"bench:{stamp}:{i}"})
        draft = json.dumps(_consultation(b.rng, medicines))
        counting = i == 0  # the first call of each: its SQL statements counted (a warm-up, not timed)
        t_open, r = _timed(
            lambda body=opened: b.client.post(API, body, content_type=JSON, headers=headers), counting
        )
        _check(r, "open")
        url = f"{API}/{r.json()['id']}"
        t_save, r = _timed(
            lambda u=url, body=draft: b.client.put(f"{u}/draft", body, content_type=JSON, headers=headers),
            counting,
        )
        _check(r, "save draft")
        save_cpu = _cpu_ms[0]
        t_sign, r = _timed(
            lambda u=url: b.client.post(f"{u}/sign", "", content_type=JSON, headers=headers), counting
        )
        _check(r, "sign")
        if counting:
            statements = [t_open, t_save, t_sign]
        if i >= 5:  # the first ones warm the connection and caches
            for key, value in (
                ("open", t_open),
                ("save", t_save),
                ("sign", t_sign),
                ("total", t_open + t_save + t_sign),
            ):
                times[key].append(value)
            times["save_cpu"].append(save_cpu)
    times["statements"] = statements  # type: ignore[assignment]
    return times


def _people_of_district(district_id: int):
    from himswasthya.people.models import Person

    return Person.objects.filter(district_id=district_id)


def _history_people(b: Bench, n: int) -> list[int]:
    """Patients as they come to the doctor's OPD: drawn by visit (a frequent visitor more often)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT person_id FROM records_encounter WHERE facility_id = %s ORDER BY random() LIMIT %s",
            [b.doctor.facility_id, n],
        )
        ids = [r[0] for r in c.fetchall()]
    b.rng.shuffle(ids)
    return ids[:n]


def _page_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in ("records:patient_history", "records:history"):
        try:
            return reverse(name, kwargs={"person_id": 1}).replace("/1/", "/{}/")
        except NoReverseMatch:
            continue
    return None


def measure_history(b: Bench, n: int) -> dict:
    from himswasthya.people.models import Person
    from himswasthya.records import services

    ids = _history_people(b, n)
    found = Person.objects.in_bulk(ids)
    people = [found[pk] for pk in ids]  # a frequent visitor may come twice
    page = _page_url()
    out: dict[str, list[float]] = {
        "service": [],
        "api": [],
        "page": [],
        "encounters": [],
        "api_cpu": [],
        "page_cpu": [],
    }
    sizes: dict[int, int] = {}
    for i, person in enumerate(people):
        t_service, found = _timed(lambda person=person: services.history(b.doctor, person), i == 0)
        if i == 0:
            out["statements"] = [t_service]  # type: ignore[assignment]
        t_api, r = _timed(
            lambda person=person: b.client.get(f"/api/records/people/{person.pk}/history"), i == 0
        )
        _check(r, "history API")
        api_cpu = _cpu_ms[0]
        if page:
            t_page, r = _timed(lambda person=person: b.client.get(page.format(person.pk)), i == 0)
            _check(r, "history page")
            page_cpu = _cpu_ms[0]
        if i >= 3:
            out["service"].append(t_service)
            out["api"].append(t_api)
            out["api_cpu"].append(api_cpu)
            if page:
                out["page"].append(t_page)
                out["page_cpu"].append(page_cpu)
            out["encounters"].append(len(found.encounters))
        sizes[person.pk] = len(found.encounters)
    out["page_url"] = page  # type: ignore[assignment]
    out["people"] = [p.pk for p in people]  # type: ignore[assignment]
    out["largest"] = max(sizes, key=sizes.__getitem__)  # type: ignore[assignment]
    return out


def measure_largest(n: int) -> dict:
    """The n longest histories of the data (a patient's encounters at one facility), each read by a doctor of
    that facility: the service, the JSON API, the page when there is one, FHIR Encounter?patient= when there
    is one."""
    from django.db import connection

    from himswasthya.accounts.models import User
    from himswasthya.people.models import Person
    from himswasthya.records import services

    with connection.cursor() as c:
        c.execute(
            """SELECT person_id, facility_id, count(*) FROM records_encounter GROUP BY person_id, facility_id
               ORDER BY count(*) DESC, person_id LIMIT %s""",
            [n],
        )
        rows = c.fetchall()
    page, fhir = _page_url(), fhir_available()
    out: dict = {"service": [], "api": [], "page": [], "fhir_encounter": [], "sizes": [r[2] for r in rows]}
    clients: dict[int, tuple] = {}
    for person_id, facility_id, _count in rows:
        if facility_id not in clients:
            doctor = User.objects.filter(facility_id=facility_id, username__startswith=DOCTOR_PREFIX).first()
            clients[facility_id] = (doctor, _signed_in(doctor)[0])
        doctor, client = clients[facility_id]
        person = Person.objects.get(pk=person_id)
        services.history(doctor, person)  # warm: this doctor's first request
        out["service"].append(_timed(lambda d=doctor, p=person: services.history(d, p))[0])
        t, r = _timed(lambda cl=client, p=person_id: cl.get(f"/api/records/people/{p}/history"))
        _check(r, "history API")
        out["api"].append(t)
        if page:
            t, r = _timed(lambda cl=client, p=person_id: cl.get(page.format(p)))
            _check(r, "history page")
            out["page"].append(t)
        if fhir:
            t, r = _timed(lambda cl=client, p=person_id: cl.get("/fhir/Encounter", {"patient": str(p)}))
            _check(r, "FHIR Encounter?patient=")
            out["fhir_encounter"].append(t)
    out["heaviest"] = (rows[0][0], *clients[rows[0][1]])
    return out


def fhir_available() -> bool:
    try:
        return importlib.util.find_spec("himswasthya.records.fhir") is not None
    except ModuleNotFoundError:
        return False


def measure_fhir(b: Bench, people: list[int], n_bundles: int) -> dict:
    """FHIR searches through /fhir/ as the doctor, and document bundles built + validated on one core."""
    from django.conf import settings
    from django.db import connection

    from himswasthya.records import services

    # Written while records.fhir was being built on another branch: imported by name, when it is there.
    bundles = importlib.import_module("himswasthya.records.fhir.bundles")
    # One doctor searching hundreds of identifiers a minute would be throttled (SEC-24); the bench measures
    # the search, not the rate limit (its Redis round trips are still made).
    settings.PEOPLE_SEARCH_PER_MINUTE = 10**9
    try:
        codes = importlib.import_module("himswasthya.records.fhir.codes")
        systems = {
            "ABHA_NUMBER": getattr(codes, "ABHA_NUMBER_SYSTEM", ""),
            "UHID": getattr(codes, "UHID_SYSTEM", ""),
        }
    except ImportError:
        systems = {"ABHA_NUMBER": "", "UHID": ""}
    out: dict[str, list[float]] = {"patient_abha": [], "patient_uhid": [], "encounter": [], "bundle_get": []}
    with connection.cursor() as c:
        c.execute(
            "SELECT person_id, id_type, value FROM people_personidentifier WHERE person_id = ANY(%s) AND id_type IN ('ABHA_NUMBER', 'UHID')",
            [people],
        )
        identifiers = c.fetchall()
    for i, (person_id, kind, value) in enumerate(identifiers):
        system = systems.get(kind) or ""
        query = f"{system}|{value}" if system else value
        t, r = _timed(lambda query=query: b.client.get("/fhir/Patient", {"identifier": query}))
        _check(r, f"FHIR Patient?identifier={query}")
        total = r.json().get("total")
        if total != 1:
            raise SystemExit(
                f"FHIR Patient?identifier={query}: {total} found, expected 1 (person {person_id})"
            )
        if i >= 3:
            out["patient_abha" if kind == "ABHA_NUMBER" else "patient_uhid"].append(t)
    for i, person_id in enumerate(people):
        t, r = _timed(
            lambda person_id=person_id: b.client.get("/fhir/Encounter", {"patient": str(person_id)})
        )
        _check(r, "FHIR Encounter?patient=")
        if i >= 3:
            out["encounter"].append(t)
    # Documents: signed encounters of the doctor's facility, read with their parts through the service.
    with connection.cursor() as c:
        c.execute(
            "SELECT id FROM records_encounter WHERE facility_id = %s AND status = 'signed' ORDER BY random() LIMIT %s",
            [b.doctor.facility_id, n_bundles],
        )
        ids = [r[0] for r in c.fetchall()]
    encounters = [services.get_encounter(b.doctor, pk) for pk in ids]
    for e in encounters[:3]:
        bundles.document_bundle(e)  # warm up (imports, model classes)
    wall, cpu, failures = 0.0, 0.0, []
    build_times = []
    for e in encounters:
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            bundles.document_bundle(e)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            failures.append(f"{e.pk}: {type(exc).__name__}: {str(exc)[:200]}")
        build_times.append((time.perf_counter() - w0) * 1000)
        wall += time.perf_counter() - w0
        cpu += time.process_time() - c0
    for i, pk in enumerate(ids[:100]):
        t, r = _timed(lambda pk=pk: b.client.get(f"/fhir/Bundle/{pk}"))
        _check(r, "FHIR Bundle")
        if i >= 3:
            out["bundle_get"].append(t)
    out["bundles"] = {  # type: ignore[assignment]
        "n": len(encounters),
        "per_s_wall": len(encounters) / wall if wall else 0.0,
        "per_s_cpu": len(encounters) / cpu if cpu else 0.0,
        "p95_ms": percentile(build_times, 0.95) if build_times else 0.0,
        "failures": failures,
    }
    return out


def explain_slowest(label: str, fn, top: int = 2) -> str:
    """Run fn once capturing its SQL; EXPLAIN (ANALYZE, BUFFERS) the slowest SELECTs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = sorted(
        (q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")),
        key=lambda q: float(q["time"]),
        reverse=True,
    )
    text = [f"### {label}: {len(ctx.captured_queries)} statements, the slowest SELECTs explained"]
    with connection.cursor() as c:
        for q in queries[:top]:
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            text.append(f"-- {float(q['time']) * 1000:.1f} ms: {q['sql'][:3000]}")
            text += [row[0] for row in c.fetchall()]
            text.append("")
    return "\n".join(text)


def statements_of(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# --- report ---------------------------------------------------------------------------------------------
def _p(values: list[float]) -> str:
    if not values:
        return "—"
    return (
        f"{percentile(values, 0.5):.1f} / {percentile(values, 0.95):.1f} / {percentile(values, 0.99):.1f} ms"
    )


def _verdict(values: list[float], target: float) -> str:
    if not values:
        return ""
    return "met" if percentile(values, 0.95) < target else "**missed**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encounters", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, help="default: one person per 5 encounters (200,000)")
    parser.add_argument("--saves", type=int, default=300, help="consultations opened, saved and signed")
    parser.add_argument("--histories", type=int, default=300, help="patient histories read")
    parser.add_argument("--bundles", type=int, default=500, help="document bundles built")
    parser.add_argument("--largest", type=int, default=50, help="longest histories read")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE even when the targets are met"
    )
    parser.add_argument("--no-results", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    args.people = args.people or max(1, args.encounters // 5)
    # Production seals the audit chain in its own process (seal_audit); DEBUG would otherwise seal inline.
    os.environ.setdefault("AUDIT_SEAL_MODE", "worker")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")  # the test client's host
    # SMS on signing as in production: queued in the outbox (notify), sent by its worker, not in the request.
    os.environ.setdefault("SMS_SEND_IN_REQUEST", "0")
    os.environ.setdefault("SMS_BACKEND", "file")
    os.environ.setdefault("SMS_FILE_PATH", str(ROOT / "var" / "bench" / "records_sms.log"))
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    load_before = load_average()
    made = make_data(args.people, args.encounters, args.rebuild)
    table_counts = counts()
    print("rows:", ", ".join(f"{k} {v:,}" for k, v in table_counts.items()))
    data_mix = mix()
    doctor = _bench_doctor()
    client, csrf = _signed_in(doctor)
    b = Bench(doctor=doctor, client=client, csrf=csrf, rng=random.Random(2026))
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM records_encounter WHERE facility_id = %s", [doctor.facility_id])
        at_facility = c.fetchone()[0]
    print(f"doctor {doctor.username} at {doctor.facility} ({at_facility:,} encounters there)", flush=True)

    print("consultation saves ...", flush=True)
    saves = measure_saves(b, args.saves)
    print(f"  save p50/p95/p99 {_p(saves['save'])}", flush=True)
    print("patient histories ...", flush=True)
    history = measure_history(b, args.histories)
    print(f"  service {_p(history['service'])}, API {_p(history['api'])}", flush=True)
    fhir = None
    if fhir_available():
        print("FHIR ...", flush=True)
        fhir = measure_fhir(b, history["people"][:200], args.bundles)
    else:
        print("FHIR: not available (himswasthya.records.fhir is not importable in this tree)")
    print("the longest histories ...", flush=True)
    largest = measure_largest(args.largest)
    load_after = load_average()

    # Statements per call and, for a missed target, the plans of the slowest ones.
    from himswasthya.people.models import Person
    from himswasthya.records import services

    heavy, heavy_doctor, heavy_client = largest["heaviest"]
    explained = []
    history_target = history["page"] if history["page"] else history["api"]
    if args.explain or _verdict(history_target, TARGETS["history_page"]) != "met":
        explained.append(
            explain_slowest(
                f"history of person {heavy}",
                lambda: services.history(heavy_doctor, Person.objects.get(pk=heavy)),
            )
        )
    if fhir and (args.explain or _verdict(fhir["encounter"], TARGETS["fhir"]) != "met"):
        explained.append(
            explain_slowest(
                f"FHIR Encounter?patient={heavy}",
                lambda: heavy_client.get("/fhir/Encounter", {"patient": str(heavy)}),
            )
        )
    if fhir and (
        args.explain or _verdict(fhir["patient_abha"] + fhir["patient_uhid"], TARGETS["fhir"]) != "met"
    ):
        explained.append(
            explain_slowest(
                "FHIR Patient?identifier=",
                lambda: heavy_client.get("/fhir/Patient", {"identifier": _an_identifier(heavy)}),
            )
        )
    if explained:
        EXPLAIN_FILE.parent.mkdir(parents=True, exist_ok=True)
        EXPLAIN_FILE.write_text("\n\n".join(explained) + "\n", encoding="utf-8")
        print("\n\n".join(explained))
        print(f"(plans written to {EXPLAIN_FILE.relative_to(ROOT)})")
    n_history = statements_of(lambda: services.history(heavy_doctor, Person.objects.get(pk=heavy)))

    enc = history["encounters"]
    lines = [
        f"### {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · PostgreSQL · {table_counts['records_encounter']:,} encounters · "
        f"`bench/records.py --encounters {args.encounters} --people {args.people}`",
        "",
        f"On {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}), own database, "
        f"AUDIT_SEAL_MODE={settings.AUDIT_SEAL_MODE}. Load average (1/5/15 min) at the start {load_before}, "
        f"at the end {load_after} (2 cores shared with other sessions: above 2, the figures are pessimistic).",
        "",
        "Data ("
        + (
            f"reused; its build took {made['seconds']:.0f} s"
            if made["reused"]
            else f"made in {made['seconds']:.0f} s"
        )
        + "): "
        + ", ".join(f"{k.split('_', 1)[1]} {v:,}" for k, v in table_counts.items())
        + f". Encounters per patient p50/p95/p99/max {'/'.join(str(x) for x in data_mix['per_person'])}/{data_mix['max']} "
        f"({data_mix['patients']:,} patients); {data_mix['dx']:.2f} diagnoses and {data_mix['lines']:.2f} prescription "
        f"lines (at most {data_mix['lines_max']}) per encounter; {data_mix['admissions']}% admissions; top primary "
        "diagnoses " + ", ".join(f"{code} {share}%" for code, share in data_mix["top"]) + ".",
        "",
        f"As `{doctor.username}` ({doctor.facility.get_facility_type_display()}, {at_facility:,} encounters there). "
        f"Histories of {len(enc)} patients drawn by visit: {percentile(enc, 0.5):.0f} / {percentile(enc, 0.95):.0f} / "
        f"{max(enc)} encounters shown (p50 / p95 / max). The {len(largest['sizes'])} longest histories of the data "
        f"({min(largest['sizes'])}-{max(largest['sizes'])} encounters of a patient at one facility) read each by a "
        f"doctor of that facility; {n_history} SQL statements for the longest (`services.history`). SQL "
        f"statements per request: open {saves['statements'][0]}, save "
        f"{saves['statements'][1]}, sign {saves['statements'][2]} (each with its audit entry).",
        "",
        "| measure | p50 / p95 / p99 | target | |",
        "|---|---|---|---|",
        f"| consultation: open (POST /api/records/encounters), {len(saves['open'])} | {_p(saves['open'])} | | |",
        f"| consultation: **save the draft** (PUT …/draft: 2 diagnoses, 2-3 medicines, vitals, notes), {len(saves['save'])} | {_p(saves['save'])} | p95 < 50 ms | {_verdict(saves['save'], TARGETS['save'])} |",
        f"| consultation: save the draft, CPU time of the Django process alone | {_p(saves['save_cpu'])} | | |",
        f"| consultation: sign (POST …/sign), {len(saves['sign'])} | {_p(saves['sign'])} | | |",
        f"| consultation: open + save + sign | {_p(saves['total'])} | | |",
        f"| patient history: `records.services.history`, {len(history['service'])} | {_p(history['service'])} | | |",
        f"| patient history: JSON API (GET /api/records/people/<id>/history), {len(history['api'])} | {_p(history['api'])} | "
        + (
            " |"
            if history["page"]
            else "p95 < 100 ms (the page's target; no page in this tree) | "
            + _verdict(history["api"], TARGETS["history_page"])
        )
        + " |",
    ]
    lines.append(
        f"| patient history: JSON API, CPU time of the Django process alone | {_p(history['api_cpu'])} | | |"
    )
    if history["page"]:
        lines.append(
            f"| **patient history page** (GET {history['page_url'].format('<id>')}), {len(history['page'])} | {_p(history['page'])} | p95 < 100 ms | {_verdict(history['page'], TARGETS['history_page'])} |"
        )
        lines.append(
            f"| patient history page, CPU time of the Django process alone | {_p(history['page_cpu'])} | | |"
        )
    sizes = f"{min(largest['sizes'])}-{max(largest['sizes'])} encounters"
    lines.append(f"| longest histories ({sizes}): `services.history` | {_p(largest['service'])} | | |")
    lines.append(f"| longest histories: JSON API | {_p(largest['api'])} | | |")
    if largest["page"]:
        lines.append(
            f"| longest histories: **page** | {_p(largest['page'])} | p95 < 100 ms | "
            f"{_verdict(largest['page'], TARGETS['history_page'])} |"
        )
    if fhir:
        bundles = fhir["bundles"]
        lines += [
            f"| FHIR Patient?identifier=<ABHA number>, {len(fhir['patient_abha'])} | {_p(fhir['patient_abha'])} | p95 < 50 ms | {_verdict(fhir['patient_abha'], TARGETS['fhir'])} |",
            f"| FHIR Patient?identifier=<UHID>, {len(fhir['patient_uhid'])} | {_p(fhir['patient_uhid'])} | p95 < 50 ms | {_verdict(fhir['patient_uhid'], TARGETS['fhir'])} |",
            f"| FHIR Encounter?patient=<id>, {len(fhir['encounter'])} | {_p(fhir['encounter'])} | p95 < 50 ms | {_verdict(fhir['encounter'], TARGETS['fhir'])} |",
            f"| FHIR Encounter?patient=<id>, longest histories ({sizes}) | {_p(largest['fhir_encounter'])} | p95 < 50 ms | {_verdict(largest['fhir_encounter'], TARGETS['fhir'])} |",
            f"| FHIR Bundle/<id> (GET the document), {len(fhir['bundle_get'])} | {_p(fhir['bundle_get'])} | | |",
            f"| document bundles built + validated (`document_bundle`, one process), {bundles['n']} | "
            f"**{bundles['per_s_cpu']:.0f}/s** on one core (CPU time; {bundles['per_s_wall']:.0f}/s wall; p95 {bundles['p95_ms']:.1f} ms) | ≥ 200/s | "
            f"{'met' if bundles['per_s_cpu'] >= TARGETS['bundles_per_s'] else '**missed**'} |",
        ]
        if bundles["failures"]:
            lines.append(
                f"| documents that failed to build | {len(bundles['failures'])}: {bundles['failures'][0]} | 0 | **failed** |"
            )
    else:
        lines.append(
            "| FHIR searches and document bundles | not available (no `himswasthya.records.fhir` in this tree) | | |"
        )
    lines.append("")
    text = "\n".join(lines)
    print()
    print(text)
    if not args.no_results:
        add_run(SECTION, INTRO, text)


def _an_identifier(person_id: int) -> str:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT value FROM people_personidentifier WHERE id_type IN ('UHID', 'ABHA_NUMBER') ORDER BY person_id = %s DESC, id LIMIT 1",
            [person_id],
        )
        return c.fetchone()[0]


INTRO = """Consultation save, patient history, FHIR searches and documents over a million signed encounters with
realistic diagnosis and medicine mixes (issue #13, performance). The data and what is measured are in the
docstring of `bench/records.py`. Times are server time through the Django test client (all middleware, session,
CSRF, scoping and audit entries; no network), as one doctor of the facility with the most encounters (the
longest histories: a doctor of the patient's facility each). Newest run first."""


if __name__ == "__main__":
    main()
