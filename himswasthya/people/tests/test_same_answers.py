"""The same answers on SQLite and PostgreSQL for a fixed data set: the expected lists below are literal, and
this module runs on both engines (trigram candidates on PostgreSQL, blocked candidates on SQLite)."""

from __future__ import annotations

import pytest

from himswasthya.people.services import do_search

pytestmark = pytest.mark.django_db

# query, filters -> [(name, year of birth)] best first, as a state administrator sees them.
EXPECTED = [
    ("Rajesh Thakur", {}, [("Rajesh Thakur", 1980), ("Rajesh Thakur", 1955)]),  # ties: by id
    ("rajesh thakkar", {}, [("Rajesh Thakur", 1980), ("Rajesh Thakur", 1955)]),
    ("राजेश ठाकुर", {"age": 46}, [("Rajesh Thakur", 1980)]),
    ("Rajesh", {}, [("Rajesh Thakur", 1980), ("Rajesh Kumar", 1981), ("Rajesh Thakur", 1955)]),
    ("Kamla Devi", {}, [("Kamla Devi", 1950), ("Kamla Devi", 1952)]),
    ("कमला", {"sex": "F"}, [("Kamla Devi", 1950), ("Kamla Devi", 1952)]),
    ("Tsering Dolma", {}, [("Chhering Dolma", 1990)]),
    ("Mohd Ali", {}, [("Mohammad Ali", 1975)]),
    ("Suresh Katoch", {}, [("Suresh Katoch", 1965)]),
    ("Suresh", {}, [("Suresh Katoch", 1965)]),
    ("Anil Varma", {}, [("Anil Verma", 1970)]),
    ("Ramesh Kanwer", {"age": 66}, [("Ramesh Kanwar", 1960)]),
    ("Xyz Qwerty", {}, []),
]


@pytest.mark.parametrize("query, filters, expected", EXPECTED)
def test_the_same_ranked_answers_on_either_engine(people, state_admin, query, filters, expected):
    result = do_search(state_admin, query, **filters)
    assert [(h.person.name_roman, h.person.year_of_birth) for h in result.hits] == expected
