"""Him Parivar register rows for the tests of every app above himparivar."""

from __future__ import annotations

from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import Person


def member_of(family: Family, person: Person, member_id: str, relation: str = "SELF", **fields) -> Member:
    """`person`'s register row in `family`: names, sex, birth and mobile as the person's unless `fields`
    say otherwise (e.g. `mobile=None`, `status=...`)."""
    values = {
        "name_roman": person.name_roman,
        "name_deva": person.name_deva,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "year_of_birth": person.year_of_birth,
        "mobile": person.mobile,
    }
    return Member.objects.create(
        member_id=member_id, family=family, person=person, relation=relation, **{**values, **fields}
    )
