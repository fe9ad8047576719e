"""Synthetic Himachali ABHA accounts for the simulator. Every number is Luhn-valid; none is a real person."""

from __future__ import annotations

import random

from django.db import transaction

from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.core.validators import generate_abha_number

# Always present, so demos and manual tests have a known account (OTP: ABDM_SIMULATOR_OTP).
DEMO_ACCOUNT = {
    "abha_number": "91760487647595",
    "abha_address": "ramesh.thakur@sbx",
    "first_name": "Ramesh",
    "last_name": "Thakur",
    "gender": "M",
    "year_of_birth": 1985,
    "month_of_birth": 8,
    "day_of_birth": 5,
    "mobile": "9816000001",
    "address": "Sanjauli",
    "pincode": "171006",
    "district_name": "Shimla",
}

MALE_NAMES = [
    "Ramesh",
    "Rajesh",
    "Anil",
    "Vikram",
    "Suresh",
    "Sanjay",
    "Prem",
    "Mohan",
    "Kuldeep",
    "Ajay",
    "Naresh",
]
FEMALE_NAMES = [
    "Sunita",
    "Kamla",
    "Pooja",
    "Neha",
    "Anjali",
    "Rekha",
    "Savitri",
    "Meena",
    "Kiran",
    "Shalini",
    "Asha",
]
SURNAMES = [
    "Thakur",
    "Sharma",
    "Chauhan",
    "Negi",
    "Verma",
    "Rana",
    "Kanwar",
    "Guleria",
    "Katoch",
    "Pathania",
    "Sood",
]
# (district, PIN code, places) of Himachal Pradesh.
PLACES = [
    ("Shimla", "171001", ["Sanjauli", "Dhalli", "Chhota Shimla", "Theog"]),
    ("Kangra", "176001", ["Dharamshala", "Palampur", "Nagrota Bagwan"]),
    ("Mandi", "175001", ["Sundernagar", "Jogindernagar", "Sarkaghat"]),
    ("Kullu", "175101", ["Bhuntar", "Manali", "Banjar"]),
    ("Hamirpur", "177001", ["Nadaun", "Sujanpur", "Bhoranj"]),
    ("Una", "174303", ["Amb", "Gagret", "Haroli"]),
    ("Solan", "173212", ["Kasauli", "Arki", "Nalagarh"]),
    ("Sirmaur", "173001", ["Nahan", "Paonta Sahib", "Rajgarh"]),
    ("Chamba", "176310", ["Dalhousie", "Bharmour", "Tissa"]),
    ("Bilaspur", "174001", ["Ghumarwin", "Jhandutta"]),
    ("Kinnaur", "172107", ["Reckong Peo", "Kalpa", "Sangla"]),
    ("Lahaul and Spiti", "175132", ["Keylong", "Kaza", "Udaipur"]),
]


def _synthetic_account(rng: random.Random, index: int) -> dict[str, object]:
    gender = rng.choice(["M", "F"])
    first = rng.choice(MALE_NAMES if gender == "M" else FEMALE_NAMES)
    last = rng.choice(SURNAMES)
    district, pincode, places = rng.choice(PLACES)
    return {
        "abha_number": generate_abha_number(rng),  # type: ignore[arg-type]  # any Random works
        "abha_address": f"{first}.{last}{index}@sbx".lower(),
        "first_name": first,
        "last_name": last,
        "gender": gender,
        "year_of_birth": rng.randint(1940, 2020),
        "month_of_birth": rng.randint(1, 12),
        "day_of_birth": rng.randint(1, 28),
        "mobile": str(rng.choice([6, 7, 8, 9])) + "".join(str(rng.randint(0, 9)) for _ in range(9)),
        "address": rng.choice(places),
        "pincode": pincode,
        "district_name": district,
    }


@transaction.atomic
def seed_accounts(count: int = 25, *, seed: int = 2026) -> int:
    """Create the demo account and up to `count` synthetic ones; idempotent. Returns how many were created."""
    created = 0
    demo = dict(DEMO_ACCOUNT)
    _, made = SimulatedAbhaAccount.objects.update_or_create(
        abha_number=demo.pop("abha_number"), defaults=demo
    )
    created += made
    rng = random.Random(seed)
    for index in range(1, count + 1):
        fields = _synthetic_account(rng, index)
        if SimulatedAbhaAccount.objects.filter(abha_address=fields["abha_address"]).exists():
            continue
        if SimulatedAbhaAccount.objects.filter(abha_number=fields["abha_number"]).exists():
            continue
        SimulatedAbhaAccount.objects.create(**fields)
        created += 1
    return created
