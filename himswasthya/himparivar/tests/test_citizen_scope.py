"""Scoping gives a citizen the persons of their own family (by registered mobile) and nothing else."""

import pytest

from himswasthya.accounts.scoping import scope_queryset
from himswasthya.himparivar.models import Family
from himswasthya.people.models import Person


@pytest.mark.django_db
def test_citizen_sees_own_family_persons_only(citizen, register_families):
    family = Family.objects.order_by("pk").first()
    head = family.members.order_by("pk").first()
    head.mobile = citizen.mobile
    head.save(update_fields=["mobile"])
    own = set(family.members.values_list("person_id", flat=True))

    visible = set(scope_queryset(citizen, Person.objects.all()).values_list("pk", flat=True))

    assert visible == own
    assert len(own) >= 1 and Person.objects.count() > len(own)


@pytest.mark.django_db
def test_citizen_without_matching_mobile_sees_nobody(citizen, register_families):
    Family.objects.filter(members__mobile=citizen.mobile).delete()
    assert not scope_queryset(citizen, Person.objects.all()).exists()


@pytest.mark.django_db
def test_citizen_sees_own_family_and_members_only(citizen, register_families):
    from himswasthya.himparivar.models import Member

    family = Family.objects.order_by("pk").first()
    Member.objects.filter(pk=family.members.order_by("pk").first().pk).update(mobile=citizen.mobile)

    assert list(scope_queryset(citizen, Family.objects.all())) == [family]
    assert set(scope_queryset(citizen, Member.objects.all())) == set(family.members.all())
