"""SEC-5: a child is registered only through a verified adult guardian, unless the purpose is exempt."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError
from himswasthya.people.models import (
    GuardianVerification,
    IdentifierType,
    MinorBasis,
    Person,
    PersonGuardian,
)
from himswasthya.people.services import NewGuardian, NewPerson, do_register_person
from himswasthya.people.tests.conftest import first

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def child(**overrides) -> NewPerson:
    fields = {"name_roman": "Aarav Negi", "sex": "M", "year_of_birth": THIS_YEAR - 7}
    return NewPerson(**{**fields, **overrides})


def test_an_adult_needs_no_guardian(people, clerk):
    person = do_register_person(clerk, NewPerson(name_roman="Vikram Negi", sex="M", year_of_birth=1990))
    assert not PersonGuardian.objects.filter(child=person).exists()


def test_a_child_without_a_guardian_is_refused_and_nothing_is_written(people, clerk):
    people_before, audit_before = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        do_register_person(clerk, child())
    assert exc.value.field == "guardian" and exc.value.code == "guardian_required"
    assert (
        str(exc.value.message)
        == "A child under 18 can be registered only through a verified parent or guardian."
    )
    assert Person.objects.count() == people_before and AuditEntry.objects.count() == audit_before
    assert not PersonGuardian.objects.exists()


def test_seventeen_from_the_date_of_birth_is_still_a_child(people, clerk):
    today = timezone.localdate()
    dob = today.replace(year=today.year - 18) + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="under 18"):
        do_register_person(clerk, child(date_of_birth=dob, year_of_birth=None))


def test_a_child_with_a_verified_guardian_is_registered_and_the_link_audited(people, clerk):
    mother = first(people, "Sunita Chauhan")
    mother.identifiers.filter(id_type=IdentifierType.HIM_PARIVAR_MEMBER).update(verified=True)
    kid = do_register_person(
        clerk,
        child(),
        guardian=NewGuardian(guardian_person_id=mother.pk, relation="MOTHER"),
        confirm_new=True,
    )
    link = PersonGuardian.objects.get(child=kid)
    assert link.guardian == mother and link.relation == "MOTHER"
    assert link.verified_by == GuardianVerification.HIM_PARIVAR_MEMBER and link.verified_at is not None
    assert link.basis == MinorBasis.GUARDIAN_CONSENT and link.recorded_by == clerk
    entry = AuditEntry.objects.get(action="person.guardian_link", object_id=str(kid.pk))
    assert entry.detail["guardian"] == mother.pk and entry.detail["basis"] == "GUARDIAN_CONSENT"


def test_a_verified_abha_also_proves_the_guardian(people, clerk):
    father = first(people, "Anil Verma")
    father.identifiers.filter(id_type=IdentifierType.ABHA_NUMBER).update(verified=True)
    kid = do_register_person(clerk, child(), guardian=NewGuardian(father.pk, "FATHER"), confirm_new=True)
    assert PersonGuardian.objects.get(child=kid).verified_by == GuardianVerification.ABHA


@pytest.mark.parametrize(
    ("setup", "relation", "code"),
    [
        ("unverified", "MOTHER", "guardian_unverified"),
        ("verified", "", "guardian_relation_invalid"),
        ("other_district", "FATHER", "guardian_not_found"),
    ],
)
def test_a_guardian_who_cannot_be_verified_is_refused(people, clerk, setup, relation, code):
    name = "Suresh Katoch" if setup == "other_district" else "Sunita Chauhan"
    guardian = first(people, name)
    if setup != "unverified":
        guardian.identifiers.update(verified=True)
    before = Person.objects.count()
    with pytest.raises(DomainError) as exc:
        do_register_person(clerk, child(), guardian=NewGuardian(guardian.pk, relation))
    assert exc.value.code == code and exc.value.field in ("guardian", "guardian_relation")
    assert Person.objects.count() == before


def test_a_child_cannot_be_the_guardian(people, clerk, gps):
    older = Person.objects.create(
        given_name="Riya",
        name_roman="Riya Negi",
        sex="F",
        year_of_birth=THIS_YEAR - 15,
        district=gps["shimla"].district,
    )
    older.identifiers.create(id_type=IdentifierType.HIM_PARIVAR_MEMBER, value="HPM99999999", verified=True)
    with pytest.raises(DomainError) as exc:
        do_register_person(clerk, child(), guardian=NewGuardian(older.pk, "GUARDIAN"))
    assert exc.value.code == "guardian_minor"


def test_treatment_by_a_facility_is_exempt_and_the_exemption_is_recorded(people, doctor):
    kid = do_register_person(doctor, child(), purpose="treatment", confirm_new=True)
    link = PersonGuardian.objects.get(child=kid)
    assert link.guardian is None and link.basis == MinorBasis.HEALTH_SERVICES
    assert link.verified_by == GuardianVerification.NONE and link.purpose == "treatment"
    entry = AuditEntry.objects.get(action="person.guardian_link", object_id=str(kid.pk))
    assert entry.purpose == "treatment" and entry.detail["basis"] == "HEALTH_SERVICES"


def test_the_exemption_is_only_for_treatment_at_a_facility(people, clerk, district_officer):
    with pytest.raises(DomainError, match="under 18"):
        do_register_person(clerk, child(), purpose="himcare_enrolment")
    with pytest.raises(DomainError, match="under 18"):
        do_register_person(district_officer, child(), purpose="treatment")


def test_the_database_refuses_consent_without_a_verified_guardian(people, clerk):
    from django.db import IntegrityError, transaction

    kid = first(people, "Pooja Sharma")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonGuardian.objects.create(
            child=kid,
            verified_by="NONE",
            basis="GUARDIAN_CONSENT",
            purpose="opd_registration",
            recorded_by=clerk,
        )


def test_the_purposes_staff_give_are_declared_purposes_of_the_register():
    from himswasthya.core.privacy import PURPOSES as DECLARED
    from himswasthya.people.services import MINOR_EXEMPT_PURPOSES, PURPOSES

    assert set(PURPOSES) <= set(DECLARED) and set(MINOR_EXEMPT_PURPOSES) <= set(PURPOSES)
