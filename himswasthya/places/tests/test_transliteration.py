import pytest

from himswasthya.places.transliteration import has_devanagari, to_devanagari

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def test_it_reads_common_place_names_plausibly():
    assert to_devanagari("Rampur") == "रम्पुर"
    assert to_devanagari("Shimla") == "शिम्ला"
    assert to_devanagari("Kullu") == "कुल्लू"
    assert to_devanagari("Jhandutta") == "झंदुत्ता"
    assert to_devanagari("Tadoun") == "तदौन"


def test_it_keeps_punctuation_and_devanagari_input():
    assert to_devanagari("Baijnath-Paprola").count("-") == 1
    assert to_devanagari("मंडी") == "मंडी"
    assert has_devanagari(to_devanagari("Ghumarwin"))
    assert not has_devanagari("Ghumarwin")
