"""The database itself refuses what the scheme forbids (constraints), on SQLite and PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from himswasthya.himcare.models import Enrolment, Wallet
from himswasthya.himcare.tests.factories import make_active_enrolment


@pytest.mark.django_db
def test_it_refuses_a_second_live_enrolment_for_a_family(active_enrolment, scheme_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_active_enrolment(active_enrolment.family, scheme_year)
    assert Enrolment.objects.filter(family=active_enrolment.family).count() == 1


@pytest.mark.django_db
def test_a_wallet_cannot_be_overspent(active_enrolment):
    wallet = active_enrolment.wallet
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(blocked_paise=F("cover_paise") + 1)
    wallet.refresh_from_db()
    assert wallet.blocked_paise == 0
    assert wallet.available_paise == wallet.cover_paise == 500_000_00


@pytest.mark.django_db
def test_a_family_of_seven_gets_two_units(citizen_family, scheme_year, persona_district):
    from himswasthya.himcare.tests.factories import make_family

    family, members = make_family(persona_district, [{"name_roman": f"Member {i}"} for i in range(7)])
    enrolment = make_active_enrolment(family, scheme_year)
    assert enrolment.units == 2
    assert enrolment.cover_paise == 2 * 500_000_00
    assert sorted(enrolment.members.values_list("unit_no", flat=True)) == [1, 1, 1, 1, 1, 2, 2]
