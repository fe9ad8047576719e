"""Registration with the duplicate check, and the supervisor's merge with undo."""

from __future__ import annotations

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, Forbidden, NotFound
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier, PersonMerge
from himswasthya.people.services import (
    MergeRefused,
    NewPerson,
    PossibleDuplicates,
    do_issue_uhid,
    do_merge_persons,
    do_register_person,
    do_search,
    do_undo_merge,
    find_likely_duplicates,
    state_uhid,
)
from himswasthya.people.tests.conftest import first

pytestmark = pytest.mark.django_db


def test_likely_duplicates_are_found_in_either_script_and_spelling(people, clerk, gps):
    rajesh = first(people, "Rajesh Thakur")
    for fields in (
        NewPerson(name_roman="Rajesh Thakkar", sex="M", year_of_birth=1981),
        NewPerson(name_deva="राजेश ठाकुर", sex="M", year_of_birth=1979, gram_panchayat_id=gps["shimla"].pk),
        NewPerson(name_roman="R. Thakur", sex="M", year_of_birth=1980, mobile="9816000001"),
    ):
        candidates = find_likely_duplicates(clerk, fields)
        assert candidates and candidates[0].person == rajesh, fields


def test_no_duplicate_for_a_different_person(people, clerk):
    assert (
        find_likely_duplicates(clerk, NewPerson(name_roman="Rajesh Thakur", sex="F", year_of_birth=1980))
        == []
    )
    assert (
        find_likely_duplicates(clerk, NewPerson(name_roman="Rajesh Thakur", sex="M", year_of_birth=2001))
        == []
    )
    assert (
        find_likely_duplicates(clerk, NewPerson(name_roman="Suresh Katoch", sex="M", year_of_birth=1965))
        == []
    )


def test_register_shows_matches_first_and_creates_only_when_confirmed(people, clerk, gps):
    fields = NewPerson(
        name_roman="Kamla Devi", sex="F", year_of_birth=1951, gram_panchayat_id=gps["shimla"].pk
    )
    before = Person.objects.count()
    with pytest.raises(PossibleDuplicates) as exc:
        do_register_person(clerk, fields)
    assert exc.value.candidates[0].person == first(people, "Kamla Devi")
    assert Person.objects.count() == before
    person = do_register_person(clerk, fields, confirm_new=True)
    assert Person.objects.count() == before + 1
    assert person.district == gps["shimla"].district and person.name_deva and person.name_deva_machine
    assert AuditEntry.objects.filter(action="person.create", object_id=str(person.pk)).exists()


def test_register_fills_the_roman_name_from_devanagari(clerk, gps):
    person = do_register_person(clerk, NewPerson(name_deva="सुनीता नेगी", sex="F", year_of_birth=1992))
    assert person.name_roman == "Sunita Negi" and person.name_roman_machine and not person.name_deva_machine
    assert person.name_key == "sunita negi"


def test_register_refuses_bad_input_and_other_districts(clerk, gps, citizen):
    with pytest.raises(DomainError) as exc:
        do_register_person(clerk, NewPerson(name_roman="Asha", sex="F"))
    assert exc.value.field == "year_of_birth"
    with pytest.raises(DomainError) as exc:
        do_register_person(clerk, NewPerson(name_roman="Asha", sex="F", year_of_birth=1990, mobile="12345"))
    assert exc.value.field == "mobile"
    with pytest.raises(Forbidden):
        do_register_person(
            clerk,
            NewPerson(name_roman="Asha", sex="F", year_of_birth=1990, gram_panchayat_id=gps["kangra"].pk),
        )
    with pytest.raises(Forbidden):
        do_register_person(citizen, NewPerson(name_roman="Asha", sex="F", year_of_birth=1990))


def _snapshot(person):
    return sorted(PersonIdentifier.objects.filter(person=person).values_list("id_type", "value"))


def test_merge_keeps_every_identifier_and_undo_restores(people, facility_admin):
    survivor, duplicate = (
        people["Kamla Devi"][0],
        Person.objects.create(
            given_name="Kamla",
            name_roman="Kamla Devi",
            name_deva="कमला देवी",
            sex="F",
            year_of_birth=1950,
            district=people["Kamla Devi"][0].district,
            mobile="9816000099",
        ),
    )
    PersonIdentifier.objects.create(person=duplicate, id_type=IdentifierType.RATION_CARD, value="RC-1")
    PersonIdentifier.objects.create(person=duplicate, id_type=IdentifierType.AADHAAR_LAST4, value="4321")
    survivor_uhid, duplicate_uhid = do_issue_uhid(survivor), do_issue_uhid(duplicate)
    before_survivor, before_duplicate = _snapshot(survivor), _snapshot(duplicate)

    merge = do_merge_persons(survivor, duplicate, facility_admin, "same woman registered twice")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert _snapshot(survivor) == sorted(before_survivor + before_duplicate)
    assert _snapshot(duplicate) == []
    assert state_uhid(survivor) == survivor_uhid
    # The duplicate's UHID still finds the survivor.
    assert [h.person for h in do_search(facility_admin, duplicate_uhid).hits] == [survivor]
    assert duplicate.pk not in [h.person.pk for h in do_search(facility_admin, "Kamla Devi").hits]
    assert AuditEntry.objects.filter(action="person.merge").count() == 2

    do_undo_merge(merge, facility_admin)
    duplicate.refresh_from_db()
    merge.refresh_from_db()
    assert duplicate.merged_into is None and merge.undone_at is not None
    assert _snapshot(survivor) == before_survivor and _snapshot(duplicate) == before_duplicate
    assert state_uhid(duplicate) == duplicate_uhid
    assert AuditEntry.objects.filter(action="person.merge_undo").count() == 2
    with pytest.raises(DomainError):
        do_undo_merge(merge, facility_admin)


def test_merge_refuses_self_already_merged_and_outsiders(people, facility_admin, clerk, state_admin):
    a, b, c = people["Rajesh Thakur"][0], people["Rajesh Kumar"][0], people["Anil Verma"][0]
    with pytest.raises(MergeRefused):
        do_merge_persons(a, a, facility_admin, "oops")
    do_merge_persons(a, b, facility_admin, "duplicate")
    with pytest.raises(MergeRefused):
        do_merge_persons(c, b, facility_admin, "again")
    with pytest.raises(MergeRefused):
        do_merge_persons(b, c, facility_admin, "into a merged one")
    with pytest.raises(Forbidden):
        do_merge_persons(a, c, clerk, "clerks may not merge")
    with pytest.raises(NotFound):  # another district's person: not found, not "forbidden"
        do_merge_persons(a, people["Rajesh Thakur"][1], facility_admin, "across districts")
    with pytest.raises(DomainError):
        do_merge_persons(a, c, facility_admin, "  ")
    assert PersonMerge.objects.count() == 1
