import pytest
from django.core.management import CommandError, call_command

from himswasthya.accounts.scoping import scope_queryset
from himswasthya.himparivar.models import Family, Member, Relation


@pytest.mark.django_db
def test_demo_citizen_becomes_head_of_one_family_once(citizen, population):
    call_command("make_demo_citizen_family", mobile=citizen.mobile)
    call_command("make_demo_citizen_family", mobile=citizen.mobile)

    heads = Member.objects.filter(mobile=citizen.mobile)
    assert heads.count() == 1 and heads.get().relation == Relation.SELF
    assert heads.get().person.mobile == citizen.mobile
    citizen.refresh_from_db()
    assert citizen.first_name == heads.get().person.given_name
    assert list(scope_queryset(citizen, Family.objects.all())) == [heads.get().family]


@pytest.mark.django_db
def test_without_population_it_says_what_to_run():
    with pytest.raises(CommandError, match="make_population"):
        call_command("make_demo_citizen_family")
