"""The state UHID: format, check character (every single-character error caught), issuing once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from himswasthya.core.tests.race import errors, race
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.services import do_issue_uhid, lookup_uhid
from himswasthya.people.tests.conftest import first
from himswasthya.people.uhid import InvalidUhid, format_uhid, is_valid_uhid, normalise_uhid

ALPHABET = "0123456789X"


def test_the_documented_example_and_loose_typing():
    uhid = format_uhid(23, 1234)
    assert uhid.startswith("HP-023-00001234-")
    assert normalise_uhid(uhid.lower().replace("-", " ")) == uhid
    with pytest.raises(InvalidUhid) as exc:
        normalise_uhid("HP-023-00001234")
    assert "HP-023-00001234-6" in str(exc.value.message) or "looks like" in str(exc.value.message)


@given(district=st.integers(0, 999), number=st.integers(1, 99_999_999), data=st.data())
def test_every_single_character_error_is_caught(district, number, data):
    uhid = format_uhid(district, number)
    compact = uhid.replace("-", "")
    position = data.draw(st.integers(0, len(compact) - 1))
    alphabet = "HPABCDEFGHIJKLMNOPQRSTUVWXYZ" if position < 2 else ALPHABET
    wrong = data.draw(st.sampled_from([c for c in alphabet if c != compact[position]]))
    typo = compact[:position] + wrong + compact[position + 1 :]
    assert not is_valid_uhid(typo)


@given(district=st.integers(0, 999), number=st.integers(1, 99_999_999), data=st.data())
def test_adjacent_transpositions_are_caught(district, number, data):
    compact = format_uhid(district, number).replace("-", "")
    position = data.draw(st.integers(2, len(compact) - 2))
    a, b = compact[position], compact[position + 1]
    if a != b:
        swapped = compact[:position] + b + a + compact[position + 2 :]
        assert not is_valid_uhid(swapped)


@pytest.mark.django_db
def test_issuing_is_idempotent_and_numbers_run_per_district(people, clerk):
    rajesh, kamla = first(people, "Rajesh Thakur"), first(people, "Kamla Devi")
    one = do_issue_uhid(rajesh)
    assert do_issue_uhid(rajesh) == one
    two = do_issue_uhid(kamla)
    assert one == "HP-023-00000001-" + one[-1] and two.startswith("HP-023-00000002-")
    assert PersonIdentifier.objects.filter(person=rajesh, id_type=IdentifierType.UHID).count() == 1
    assert lookup_uhid(clerk, one.replace("-", "").lower()) == rajesh


@pytest.mark.django_db
def test_a_mistyped_uhid_is_refused_with_the_reason(people, clerk):
    uhid = do_issue_uhid(first(people, "Rajesh Thakur"))
    typo = uhid[:-3] + ("1" if uhid[-3] != "1" else "2") + uhid[-2:]
    with pytest.raises(InvalidUhid) as exc:
        lookup_uhid(clerk, typo)
    assert "check character" in str(exc.value.message)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_one_uhid_per_person_and_distinct_numbers(people):
    persons = [first(people, "Rajesh Thakur"), first(people, "Kamla Devi"), first(people, "Anil Verma")]
    results = race([lambda p=p: do_issue_uhid(p) for p in persons * 3])
    assert not errors(results), results
    assert len(set(results)) == 3  # three people, three UHIDs, each issued once
    assert PersonIdentifier.objects.filter(id_type=IdentifierType.UHID).count() == 3
