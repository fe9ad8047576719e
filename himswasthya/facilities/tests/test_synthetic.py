"""The synthetic facility network: published counts, real places, departments, determinism, idempotency."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from himswasthya.facilities.departments import DEPARTMENTS, DEPARTMENTS_BY_TYPE
from himswasthya.facilities.models import Department, Facility, FacilityType
from himswasthya.facilities.synthetic import PUBLISHED_COUNTS, allocate, generate_synthetic_network
from himswasthya.places.models import District

pytestmark = pytest.mark.django_db

GP_LEVEL = [FacilityType.CIVIL_HOSPITAL, FacilityType.CHC, FacilityType.PHC, FacilityType.SUB_CENTRE]


def test_counts_per_type_match_the_published_figures(hp_facilities):
    counts = Counter(Facility.objects.values_list("facility_type", flat=True))
    assert counts == {
        "MC": 6,
        "ZH": 3,
        "RH": 9,
        "CH": 92,
        "CHC": 107,
        "PHC": 585,
        "SC": 2116,
    }
    assert Facility.objects.count() == sum(PUBLISHED_COUNTS.values()) == 2918
    assert hp_facilities.total == 2918
    assert not Facility.objects.filter(is_synthetic=False).exists()


def test_every_facility_points_to_a_loaded_place(hp_facilities):
    districts = set(District.objects.values_list("id", flat=True))
    assert set(Facility.objects.values_list("district_id", flat=True)) <= districts
    gp_level = Facility.objects.filter(facility_type__in=GP_LEVEL)
    assert not gp_level.filter(block__isnull=True).exists()
    assert not gp_level.filter(gram_panchayat__isnull=True).exists()
    # Place chain is consistent: the GP lies in the block, the block in the district.
    assert not gp_level.exclude(gram_panchayat__block=F("block")).exists()
    assert not gp_level.exclude(block__district=F("district")).exists()


def test_the_medical_colleges_are_the_real_ones_at_their_towns(hp_facilities):
    colleges = {f.name: f.district.lgd_code for f in Facility.objects.filter(facility_type="MC")}
    assert any("IGMC" in n and d == 23 for n, d in colleges.items())
    assert any("Tanda" in n and d == 18 for n, d in colleges.items())
    assert any("Nahan" in n and d == 24 for n, d in colleges.items())
    assert any("Ner Chowk" in n and d == 22 for n, d in colleges.items())
    assert any("Hamirpur" in n and d == 17 for n, d in colleges.items())
    assert any("Chamba" in n and d == 16 for n, d in colleges.items())
    assert not Facility.objects.filter(facility_type="MC", name_hi_machine=True).exists()


def test_departments_follow_the_facility_type(hp_facilities):
    assert Department.objects.count() == len(DEPARTMENTS)
    sc = Facility.objects.filter(facility_type="SC").first()
    assert list(sc.departments.values_list("code", flat=True)) == ["general-opd"]
    mc = Facility.objects.filter(facility_type="MC").first()
    assert mc.departments.count() == len(DEPARTMENTS)
    per_type = Facility.objects.values("facility_type").annotate(
        n=Count("departments"), f=Count("id", distinct=True)
    )
    for row in per_type:
        assert row["n"] == row["f"] * len(DEPARTMENTS_BY_TYPE[row["facility_type"]])
    codes = {c for c, _, _ in DEPARTMENTS}
    for needed in (
        "general-medicine",
        "paediatrics",
        "obstetrics-gynaecology",
        "orthopaedics",
        "ent",
        "ophthalmology",
        "dental",
        "general-surgery",
        "psychiatry",
        "dermatology",
        "emergency",
    ):
        assert needed in codes
    assert all(hi for _, _, hi in DEPARTMENTS)


def test_a_rerun_changes_nothing(hp_facilities):
    before = list(Facility.objects.order_by("code").values("code", "name", "gram_panchayat_id", "updated_at"))
    again = generate_synthetic_network(seed=2026)
    assert again.counts.created == again.counts.updated == 0
    assert again.counts.unchanged == 2918
    assert (
        list(Facility.objects.order_by("code").values("code", "name", "gram_panchayat_id", "updated_at"))
        == before
    )


def test_codes_are_deterministic_and_the_seed_only_moves_places(hp_facilities):
    codes = set(Facility.objects.values_list("code", flat=True))
    other = generate_synthetic_network(seed=7)
    assert set(Facility.objects.values_list("code", flat=True)) == codes
    assert other.counts.created == 0 and other.counts.updated > 0


def test_a_hindi_name_a_person_corrected_survives_a_rerun(hp_facilities):
    phc = Facility.objects.filter(facility_type="PHC").first()
    Facility.objects.filter(pk=phc.pk).update(name_hi="प्राथमिक स्वास्थ्य केंद्र (जाँचा)", name_hi_machine=False)
    generate_synthetic_network(seed=2026)
    phc.refresh_from_db()
    assert phc.name_hi == "प्राथमिक स्वास्थ्य केंद्र (जाँचा)"


def test_allocation_sums_exactly_and_follows_weights():
    shares = allocate(10, {1: 1, 2: 1, 3: 3})
    assert sum(shares.values()) == 10 and shares[3] >= shares[1]
    assert allocate(5, {1: 0}) == {1: 0}


def test_the_command_needs_places_first(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_facilities", "--synthetic")


def test_the_command_reports_counts(hp_places, capsys):
    call_command("load_facilities", "--synthetic", "--seed", "2026")
    assert "2918 synthetic facilities: 2918 created" in capsys.readouterr().out
    call_command("load_facilities", "--synthetic", "--seed", "2026")
    assert "0 created, 0 updated, 2918 unchanged" in capsys.readouterr().out
