"""The population generator alone (no database): determinism, households that hang together, names, ids."""

from __future__ import annotations

import dataclasses

import pytest

from himswasthya.core.validators import luhn_valid
from himswasthya.demo.population import names
from himswasthya.demo.population.generator import (
    MAX_HOUSEHOLD,
    REFERENCE_DATE,
    GpSlot,
    IdMint,
    allocate_people,
    generate_families,
)

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

GPS = [
    GpSlot(1, "Mashobra", 10, "SHIMLA", 23, 100, "Mashobra"),
    GpSlot(2, "Sidhbari", 11, "KANGRA", 18, 101, "Dharamshala"),
    GpSlot(3, "Rakkar", 11, "KANGRA", 18, 101, "Dharamshala"),
    GpSlot(4, "Keylong", 12, "LAHUL AND SPITI", 21, 102, "Lahaul"),
    GpSlot(5, "Kalpa", 13, "KINNAUR", 19, 103, "Kalpa"),
    GpSlot(6, "Bathu", 14, "UNA", 26, 104, "Haroli"),
    GpSlot(7, "Tissa", 15, "CHAMBA", 16, 105, "Tissa"),
]


def _families(people=3000, seed=5, gps=GPS):
    return list(generate_families(people, gps, seed))


def test_it_is_deterministic_for_a_seed_and_differs_between_seeds():
    first = [dataclasses.asdict(f) for f in _families(seed=5)]
    again = [dataclasses.asdict(f) for f in _families(seed=5)]
    other = [dataclasses.asdict(f) for f in _families(seed=6)]
    assert first == again
    assert first != other


def test_it_creates_exactly_the_people_asked_for_in_families_of_one_to_ten():
    families = _families(people=2345)
    assert sum(len(f.members) for f in families) == 2345
    assert all(1 <= len(f.members) <= MAX_HOUSEHOLD for f in families)
    mean = 2345 / len(families)
    assert 4.0 <= mean <= 4.8


def test_it_splits_people_over_districts_by_census_share():
    counts = allocate_people(100_000, GPS, __import__("random").Random(1))
    assert sum(counts) == 100_000
    kangra = counts[1] + counts[2]
    lahaul = counts[3]
    # Kangra holds ~22% of HP, Lahaul & Spiti ~0.5%: about 48 times as many people.
    assert 35 < kangra / lahaul < 60


def test_every_family_has_one_head_and_relations_fit_the_ages():
    for family in _families():
        heads = [m for m in family.members if m.relation == "SELF"]
        assert len(heads) == 1 and family.members[0] is heads[0]
        head_age = REFERENCE_DATE.year - heads[0].year_of_birth
        for m in family.members:
            age = REFERENCE_DATE.year - m.year_of_birth
            if m.relation in {"SON", "DAUGHTER"}:
                assert age < head_age - 15, (family.family_id, m)
            if m.relation in {"GSON", "GDAUGHTER"}:
                assert age < head_age - 35
            if m.relation in {"FATHER", "MOTHER"}:
                assert age > head_age + 15
            if m.relation == "WIFE":
                assert m.sex == "F" and age >= 18
            if m.marital_status == "MARRIED":
                assert age >= 18


def test_sex_ratio_and_age_mix_are_plausible():
    members = [m for f in _families(people=20000) for m in f.members]
    women = sum(m.sex == "F" for m in members)
    men = sum(m.sex == "M" for m in members)
    assert 930 <= 1000 * women / men <= 1020
    ages = [REFERENCE_DATE.year - m.year_of_birth for m in members]
    assert 0.18 <= sum(a < 15 for a in ages) / len(ages) <= 0.32
    assert 0.08 <= sum(a >= 60 for a in ages) / len(ages) <= 0.18


def test_every_person_has_a_name_in_both_scripts():
    for family in _families():
        for m in family.members:
            assert m.name_roman and m.name_roman.isascii()
            assert m.name_deva and all("\u0900" <= ch <= "\u097f" or ch == " " for ch in m.name_deva)


def test_buddhist_names_appear_in_lahaul_spiti_and_kinnaur_only_rarely_elsewhere():
    buddhist_first = {n.roman for n in names.BUDDHIST_FIRST_MALE + names.BUDDHIST_FIRST_FEMALE}
    buddhist_first |= {v for n in names.BUDDHIST_FIRST_MALE + names.BUDDHIST_FIRST_FEMALE for v in n.variants}
    families = _families(people=6000)
    high_hills = [f for f in families if f.gp.district_name in {"LAHUL AND SPITI", "KINNAUR"}]
    buddhist = [f for f in high_hills if f.members[0].given_name.split(" ")[0] in buddhist_first]
    assert buddhist, "no Buddhist family in Lahaul-Spiti or Kinnaur"
    assert any(f.gp.district_name == "LAHUL AND SPITI" for f in buddhist)
    assert {"ST"} == {f.social_category for f in families if f.community == "BUDDHIST"}


def test_spelling_variants_are_used_for_a_share_of_people():
    families = _families(people=6000)
    spellings = {m.family_name for f in families for m in f.members}
    assert {"Chauhan", "Thakur", "Sharma"} <= spellings
    assert spellings & {"Chouhan", "Thakkar", "Sharmaa", "Varma", "Kanwer"}


def test_abha_numbers_are_luhn_valid_unique_and_held_by_about_forty_percent():
    members = [m for f in _families(people=10000) for m in f.members]
    abhas = [m.abha_number for m in members if m.abha_number]
    assert all(len(a) == 14 and a.startswith("91") and luhn_valid(a) for a in abhas)
    assert len(set(abhas)) == len(abhas)
    assert 0.33 <= len(abhas) / len(members) <= 0.47


def test_id_mint_gives_unique_opaque_ids():
    mint = IdMint(3)
    family_ids = {mint.family_id() for _ in range(20000)}
    member_ids = {mint.member_id() for _ in range(20000)}
    assert len(family_ids) == 20000 and len(member_ids) == 20000
    assert not family_ids & member_ids


def test_aadhaar_is_only_ever_four_digits_and_mobiles_are_valid():
    for family in _families():
        for m in family.members:
            assert m.aadhaar_last4 == "" or (len(m.aadhaar_last4) == 4 and m.aadhaar_last4.isdigit())
            assert m.mobile is None or (len(m.mobile) == 10 and m.mobile[0] in "6789" and m.mobile.isdigit())


def test_district_key_matches_the_spellings_in_use():
    assert names.district_key("LAHUL AND SPITI") == names.district_key("Lahaul & Spiti") == "laha"
    assert names.district_key("UNA") == "una"
    assert names.district_key("Kangra") == "kang"
