"""make_population on the database: counts, places, identifiers, determinism, refusal and --replace."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError, transaction
from django.db.models import Count, F

from himswasthya.core.validators import luhn_valid
from himswasthya.demo.population.services import do_make_population
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.places.models import GramPanchayat

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(
        Member.objects.order_by("member_id").values_list(
            "member_id",
            "family__family_id",
            "relation",
            "name_roman",
            "name_deva",
            "sex",
            "date_of_birth",
            "year_of_birth",
            "mobile",
            "aadhaar_last4",
            "person__gram_panchayat_id",
        )
    )


def test_it_creates_the_people_asked_for_all_synthetic(population):
    assert population.people == 800
    assert Person.objects.count() == 800 == Member.objects.count()
    assert Family.objects.count() == population.families
    assert not Person.objects.filter(is_synthetic=False).exists()
    assert not Family.objects.filter(is_synthetic=False).exists()
    sizes = Family.objects.annotate(n=Count("members")).values_list("n", flat=True)
    assert min(sizes) >= 1 and max(sizes) <= 10


def test_every_person_and_family_is_in_a_loaded_gram_panchayat_of_its_district(population):
    gp_district = dict(GramPanchayat.objects.values_list("id", "district_id"))
    for gp_id, district_id in Person.objects.values_list("gram_panchayat_id", "district_id"):
        assert gp_district[gp_id] == district_id
    for gp_id, district_id in Family.objects.values_list("gram_panchayat_id", "district_id"):
        assert gp_district[gp_id] == district_id
    # A member lives where their family lives.
    assert not Member.objects.exclude(person__gram_panchayat=F("family__gram_panchayat")).exists()


def test_every_family_has_its_head_among_its_members(population):
    for family in Family.objects.select_related("head"):
        assert family.head is not None
        assert family.head.family_id == family.pk
        assert family.head.relation == "SELF"


def test_abha_numbers_are_luhn_valid_and_unique_and_aadhaar_is_only_last_four(population):
    abhas = list(
        PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER).values_list("value", flat=True)
    )
    assert abhas and all(luhn_valid(a) for a in abhas)
    assert len(set(abhas)) == len(abhas)
    for value in PersonIdentifier.objects.filter(id_type=IdentifierType.AADHAAR_LAST4).values_list(
        "value", flat=True
    ):
        assert re.fullmatch(r"\d{4}", value)
    assert all(len(v) in (0, 4) for v in Member.objects.values_list("aadhaar_last4", flat=True))
    assert PersonIdentifier.objects.filter(id_type=IdentifierType.HIM_PARIVAR_MEMBER).count() == 800


def test_both_scripts_are_present_for_every_person(population):
    assert not Person.objects.filter(name_roman="").exists()
    assert not Person.objects.filter(name_deva="").exists()
    assert all(re.search(r"[\u0900-\u097f]", n) for n in Person.objects.values_list("name_deva", flat=True))


def test_buddhist_names_appear_in_lahaul_spiti_and_kinnaur(population):
    high_hills = Person.objects.filter(district__name__in=["Lahaul and Spiti", "Kinnaur"])
    given = " ".join(high_hills.values_list("given_name", flat=True))
    assert re.search(
        r"\b(Tenzin|Tenzing|Dorje|Dorjee|Tashi|Namgyal|Chhering|Tsering|Sonam|Angmo|Dolma|Palmo|Lhamo)\b",
        given,
    )


def test_same_seed_gives_the_same_population_after_replace(geography):
    do_make_population(300, seed=21, batch_people=100)
    first = _snapshot()
    do_make_population(300, seed=21, batch_people=70, replace=True)
    assert _snapshot() == first
    do_make_population(300, seed=22, replace=True)
    assert _snapshot() != first
    assert Person.objects.count() == 300


def test_the_command_refuses_to_run_twice_without_replace(geography):
    call_command("make_population", people=50, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="--replace"):
        call_command("make_population", people=50, seed=1, verbosity=0)
    out = StringIO()
    call_command("make_population", people=70, seed=1, skip_existing=True, stdout=out, stderr=StringIO())
    assert "nothing to do" in out.getvalue() and Person.objects.count() == 50
    out = StringIO()
    call_command("make_population", people=60, seed=1, replace=True, stdout=out, stderr=StringIO())
    assert "Created 60 people" in out.getvalue()
    assert Person.objects.count() == 60


def test_the_command_fails_clearly_without_places(db):
    with pytest.raises(CommandError, match="load_places"):
        call_command("make_population", people=10, verbosity=0)


def test_the_orm_writer_gives_the_same_rows_as_the_fast_one(geography):
    do_make_population(200, seed=4, fast_writer=True)
    fast = _snapshot()
    do_make_population(200, seed=4, fast_writer=False, replace=True)
    assert _snapshot() == fast


def test_the_database_refuses_a_full_aadhaar_number_and_a_second_holder_of_an_abha_number(population):
    person = Person.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonIdentifier.objects.create(
            person=person, id_type=IdentifierType.AADHAAR_LAST4, value="123456789012"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=Member.objects.first().pk).update(aadhaar_last4="12a4")
    with (
        pytest.raises((IntegrityError, DataError)),
        transaction.atomic(),
    ):  # PostgreSQL: too long for the column
        Member.objects.filter(pk=Member.objects.first().pk).update(aadhaar_last4="123456789012")
    taken = PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER).first()
    other = Person.objects.exclude(pk=taken.person_id).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonIdentifier.objects.create(person=other, id_type=IdentifierType.ABHA_NUMBER, value=taken.value)
    # Ration cards are shared within a family: no uniqueness there.
    PersonIdentifier.objects.create(person=person, id_type=IdentifierType.RATION_CARD, value="HP23000000001")
    PersonIdentifier.objects.create(person=other, id_type=IdentifierType.RATION_CARD, value="HP23000000001")


def test_replace_never_reuses_the_row_ids_of_deleted_people(geography):
    do_make_population(100, seed=8)
    highest = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    do_make_population(100, seed=8, replace=True)
    assert Person.objects.order_by("pk").values_list("pk", flat=True).first() > highest
