"""People for the tests of every app (people sits below them)."""

from __future__ import annotations

import datetime

from himswasthya.people.models import Person

RAMESH = {
    "name_deva": "रमेश ठाकुर",
    "sex": "M",
    "date_of_birth": datetime.date(1985, 8, 5),
    "year_of_birth": 1985,
    "mobile": "9816000001",
}


def named_person(district, name: str, **fields) -> Person:
    """A Person of `district` called `name` (given name first, as in "Asha Devi"), with `fields` set."""
    given, _, family = name.partition(" ")
    values = {"given_name": given, "family_name": family, "name_roman": name, "district": district}
    return Person.objects.create(**{**values, **fields})


def make_person(district, **fields) -> Person:
    """Ramesh Thakur of `district`, as the ABDM simulator's demo ABHA describes him, with `fields` changed
    (e.g. `mobile=None` for a person without one)."""
    return named_person(district, "Ramesh Thakur", **{**RAMESH, **fields})
