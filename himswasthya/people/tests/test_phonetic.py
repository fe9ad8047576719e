"""Search keys: spelling variants and the two scripts fall together; different names stay apart."""

from __future__ import annotations

import pytest

from himswasthya.people.phonetic import (
    devanagari_to_roman,
    name_key,
    roman_to_devanagari,
    search_keys,
    skeleton,
)
from himswasthya.people.search import name_score

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


@pytest.mark.parametrize(
    "one, other",
    [
        ("Thakur", "Thakkar"),
        ("Chauhan", "Chouhan"),
        ("Sharma", "Sharmaa"),
        ("Verma", "Varma"),
        ("Kanwar", "Kanwer"),
        ("Mohammad", "Mohd."),
        ("Mohammad", "Muhammad"),
        ("Chhering", "Tsering"),
        ("Tshering", "Chhering"),
        ("Jagdish", "Jagdeesh"),
        ("Sood", "Sud"),
        ("Pawan", "Pavan"),
        ("Phuntsog", "Funtsog"),
        ("Guleria", "Guleriya"),
        ("Sheikh", "Shaikh"),
        ("Qureshi", "Kureshi"),
    ],
)
def test_spelling_variants_share_a_skeleton_and_score_high(one, other):
    assert skeleton(name_key(one)) == skeleton(name_key(other))
    assert name_score(name_key(one), name_key(other), "") >= 85


@pytest.mark.parametrize(
    "roman, deva",
    [
        ("Thakur", "ठाकुर"),
        ("Rajesh Kumar", "राजेश कुमार"),
        ("Kamla Devi", "कमला देवी"),
        ("Chauhan", "चौहान"),
        ("Chhering", "छेरिंग"),
        ("Sharma", "शर्मा"),
        ("Mohammad", "मोहम्मद"),
        ("Singh", "सिंह"),
        ("Jagdish", "जगदीश"),
        ("Bhardwaj", "भारद्वाज"),
        ("Angmo", "आंगमो"),
        ("Kanwar", "कंवर"),
        ("Qureshi", "क़ुरैशी"),
    ],
)
def test_devanagari_lands_in_the_roman_key_space(roman, deva):
    assert name_key(deva) == name_key(roman)


def test_different_names_stay_apart():
    assert name_score(name_key("Rajesh Thakur"), name_key("Suresh Katoch"), "") < 70
    assert name_score(name_key("Kamla Devi"), name_key("Anil Verma"), "") < 70


def test_transliteration_both_ways_reads_naturally():
    assert devanagari_to_roman("राजेश ठाकुर") == "rajesh thakur"
    assert devanagari_to_roman("कमला") == "kamla"  # schwa deletion
    assert roman_to_devanagari("Devi") == "देवी"


def test_search_keys_give_the_columns_a_writer_fills():
    keys = search_keys("Rajesh Thakkar", "राजेश ठाकुर")
    assert keys == {"name_key": "rajes takar", "name_deva_key": "rajes takur", "name_blocks": " rjs tkr"}
    assert search_keys("Rajesh", "")["name_deva_key"] == ""
