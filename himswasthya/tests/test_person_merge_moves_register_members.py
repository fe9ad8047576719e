"""People's merge moves every row that points at a Person, found through relation metadata - here the Him
Parivar register's Member (a project test: himparivar sits above people, whose own tests cannot use it)."""

from __future__ import annotations

import pytest

from himswasthya.himparivar.models import Family, Member
from himswasthya.people.services import MergeRefused, do_merge_persons, do_search, do_undo_merge
from himswasthya.people.tests.conftest import _generous_search_rate, gps, people  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_merge_moves_linked_records_found_through_relation_metadata(people, state_admin):  # noqa: F811
    """Any model pointing at Person is moved, including a one-to-one such as the register's Member."""
    survivor, duplicate, third = (
        people["Anil Verma"][0],
        people["Pooja Sharma"][0],
        people["Ramesh Kanwar"][0],
    )
    family = Family.objects.create(family_id="HPF00000001", district=survivor.district)

    def member(person, member_id):
        return Member.objects.create(
            member_id=member_id,
            family=family,
            person=person,
            relation="SELF",
            name_roman=person.name_roman,
            sex=person.sex,
            year_of_birth=person.year_of_birth,
        )

    moved = member(duplicate, "HPM90000001")
    merge = do_merge_persons(survivor, duplicate, state_admin, "one person")
    moved.refresh_from_db()
    assert moved.person == survivor
    hit = do_search(state_admin, "HPF00000001").hits[0]
    assert hit.person == survivor and hit.family_id == "HPF00000001" and hit.relation == "SELF"
    do_undo_merge(merge, state_admin)
    moved.refresh_from_db()
    assert moved.person == duplicate
    member(third, "HPM90000002")
    with pytest.raises(MergeRefused) as exc:
        do_merge_persons(third, duplicate, state_admin, "both are register members")
    assert "resolve that first" in str(exc.value.message)
    moved.refresh_from_db()
    assert moved.person == duplicate  # nothing moved: one transaction
