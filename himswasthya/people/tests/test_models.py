"""Person and PersonIdentifier invariants held by the database and by model validation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.tests.factories import named_person
from himswasthya.places.models import GramPanchayat

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(persona_district):
    gp = GramPanchayat.objects.create(name="Mashobra", source_id="M1", district=persona_district)
    return named_person(
        persona_district, "Kamla Devi", name_deva="कमला देवी", sex="F", year_of_birth=1950, gram_panchayat=gp
    )


def test_age_from_date_of_birth_or_year(person):
    assert person.age(datetime.date(2026, 6, 1)) == 76
    person.date_of_birth = datetime.date(1950, 7, 1)
    assert person.age(datetime.date(2026, 6, 30)) == 75


def test_the_database_refuses_a_bad_mobile_and_sex(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(mobile="12345")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(sex="X")


def test_unique_kinds_are_unique_and_shared_kinds_are_not(person):
    other = Person.objects.create(
        given_name="Ravi", name_roman="Ravi", sex="M", year_of_birth=1980, district=person.district
    )
    PersonIdentifier.objects.create(person=person, id_type=IdentifierType.UHID, value="IGMC-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonIdentifier.objects.create(person=other, id_type=IdentifierType.UHID, value="IGMC-1")
    PersonIdentifier.objects.create(person=person, id_type=IdentifierType.AADHAAR_LAST4, value="1234")
    PersonIdentifier.objects.create(person=other, id_type=IdentifierType.AADHAAR_LAST4, value="1234")


def test_clean_refuses_a_full_aadhaar_and_normalises_abha(person):
    with pytest.raises(ValidationError):
        PersonIdentifier(person=person, id_type=IdentifierType.AADHAAR_LAST4, value="234567890123").clean()
    identifier = PersonIdentifier(
        person=person, id_type=IdentifierType.ABHA_NUMBER, value="91-3772-0586-4665"
    )
    identifier.clean()
    assert identifier.value == "91377205864665"
    with pytest.raises(ValidationError):
        PersonIdentifier(person=person, id_type=IdentifierType.ABHA_NUMBER, value="91-1111-1111-1111").clean()
