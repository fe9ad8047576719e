"""do_search: each identifier kind, names across scripts and spellings, filters, scope, audit, rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Forbidden, RateLimited
from himswasthya.core.validators import format_abha_number
from himswasthya.people.search import InvalidQuery
from himswasthya.people.services import do_issue_uhid, do_search, search_rate_key
from himswasthya.people.tests.conftest import abha_for, first

pytestmark = pytest.mark.django_db


def names(result):
    return [hit.person.name_roman for hit in result.hits]


def ids(result):
    return [hit.person.pk for hit in result.hits]


@pytest.mark.parametrize(
    "query",
    [
        abha_for(1),
        format_abha_number(abha_for(1)),
        " ".join(format_abha_number(abha_for(1)).split("-")),
        "rajesh.1@abdm",
        "HPM00000001",
        "hpm-00000001",
        "9816000001",
        "+91 98160 00001",
    ],
)
def test_it_finds_a_person_by_each_identifier_in_any_formatting(people, clerk, query):
    rajesh = first(people, "Rajesh Thakur")
    result = do_search(clerk, query)
    assert ids(result) == [rajesh.pk]
    assert result.hits[0].score == 100.0


def test_it_finds_by_uhid(people, clerk):
    rajesh = first(people, "Rajesh Thakur")
    uhid = do_issue_uhid(rajesh)
    result = do_search(clerk, uhid.replace("-", " "))
    assert result.kind == "uhid" and ids(result) == [rajesh.pk]


def test_a_mistyped_abha_number_or_address_is_an_error_not_a_name_search(people, clerk):
    bad = abha_for(1)[:-1] + str((int(abha_for(1)[-1]) + 1) % 10)
    with pytest.raises(InvalidQuery) as exc:
        do_search(clerk, bad)
    assert exc.value.code == "abha_checksum"
    with pytest.raises(InvalidQuery):
        do_search(clerk, "rajesh@gmail.com")
    with pytest.raises(InvalidQuery) as exc:
        do_search(clerk, "2345 6789 0123")
    assert exc.value.code == "aadhaar_not_searchable"


@pytest.mark.parametrize(
    "query",
    [
        "Rajesh Thakur",
        "Rajesh Thakkar",
        "rajesh thakur",
        "Thakur Rajesh",
        "राजेश ठाकुर",
        "Rajseh Thakur",
        "Rajesh Thakru",
    ],
)
def test_name_search_finds_across_scripts_spellings_and_typos(people, clerk, query):
    result = do_search(clerk, query)
    assert names(result)[0] == "Rajesh Thakur"
    assert first(people, "Rajesh Thakur").pk in ids(result)[:1]


def test_devanagari_query_finds_roman_only_name_and_back(people, clerk, gps):
    from himswasthya.people.models import Person

    roman_only = Person.objects.create(
        given_name="Tenzin",
        name_roman="Tenzin Negi",
        sex="M",
        year_of_birth=1990,
        district=gps["shimla"].district,
    )
    assert ids(do_search(clerk, "तेनज़िन नेगी"))[0] == roman_only.pk
    assert names(do_search(clerk, "ठाकुर"))[0] == "Rajesh Thakur"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Mohd Ali", "Mohammad Ali"),
        ("Muhammad Ali", "Mohammad Ali"),
        ("Tsering Dolma", "Chhering Dolma"),
        ("Anil Varma", "Anil Verma"),
        ("Sunita Chouhan", "Sunita Chauhan"),
        ("Puja Sharmaa", "Pooja Sharma"),
        ("Ramesh Kanwer", "Ramesh Kanwar"),
    ],
)
def test_usual_himachali_variants(people, clerk, query, expected):
    assert names(do_search(clerk, query))[0] == expected


def test_filters_by_age_sex_and_district(people, clerk, state_admin, persona_other_district):
    both = do_search(state_admin, "Rajesh Thakur")
    assert names(both)[:2] == ["Rajesh Thakur", "Rajesh Thakur"]
    older = do_search(state_admin, "Rajesh Thakur", age=2026 - 1955)
    assert [h.person.year_of_birth for h in older.hits if h.person.name_roman == "Rajesh Thakur"] == [1955]
    kangra = do_search(state_admin, "Kamla Devi", district=persona_other_district.pk)
    assert [h.person.district_id for h in kangra.hits] == [persona_other_district.pk]
    assert do_search(state_admin, "Kamla Devi", sex="M").hits == []


def test_unrelated_names_are_not_returned(people, clerk):
    result = do_search(clerk, "Kamla Devi")
    assert set(names(result)) == {"Kamla Devi"}


def test_scope_other_districts_clerk_does_not_find_and_citizen_is_refused(
    people, other_facility_clerk, citizen
):
    shimla_rajesh = first(people, "Rajesh Thakur")
    result = do_search(other_facility_clerk, "Rajesh Thakur")
    assert shimla_rajesh.pk not in ids(result) and len(result.hits) == 1  # only Kangra's Rajesh
    assert do_search(other_facility_clerk, abha_for(1)).hits == []
    with pytest.raises(Forbidden):
        do_search(citizen, "Rajesh Thakur")


def test_family_context_comes_with_results(people, clerk):
    result = do_search(clerk, "HPM00000003")
    assert result.hits[0].family_id == ""  # no register family for this person: empty, not an error


def test_every_search_is_audited_without_the_query_text(people, clerk):
    do_search(clerk, abha_for(1))
    do_search(clerk, "Rajesh Thakur", age=45)
    entries = list(AuditEntry.objects.filter(action="person.search").order_by("id"))
    assert [e.detail["kind"] for e in entries] == ["abha_number", "name_roman"]
    assert entries[1].detail["filters"] == ["age"]
    text = repr([e.detail for e in entries])
    assert abha_for(1) not in text and "Rajesh" not in text
    assert all(e.actor_id == clerk.pk and e.purpose == "opd_registration" for e in entries)


def test_searches_are_rate_limited_per_user(people, clerk, doctor, settings, monkeypatch):
    from himswasthya.core import ratelimit

    monkeypatch.setattr(ratelimit, "current_minute", lambda: 12_345)  # no minute boundary mid-test
    settings.PEOPLE_SEARCH_PER_MINUTE = 3
    cache.delete_many([search_rate_key(clerk), search_rate_key(doctor)])
    for _ in range(3):
        do_search(clerk, "Kamla")
    with pytest.raises(RateLimited):
        do_search(clerk, "Kamla")
    assert do_search(doctor, "Kamla").hits  # another user has their own allowance
