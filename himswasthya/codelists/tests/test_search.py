"""The code-list searches: ICD-10 by code, English words or a common Hindi term; medicines by words of name,
dosage form and strength."""

from __future__ import annotations

import csv

import pytest

from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.codelists.search import HINDI_TERMS_PATH, hindi_terms, icd10_matches, medicine_matches


def test_every_hindi_term_points_at_a_codable_code_of_the_real_list():
    with (HINDI_TERMS_PATH.parent / "icd10_who_2019.csv").open(encoding="utf-8") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    parents = {r["parent_code"] for r in rows.values()}
    terms = hindi_terms()
    assert len(terms) == 70 and len({t for t, _ in terms}) == len(terms)
    for term, code in terms:
        assert code in rows, term
        assert rows[code]["type"] in ("category", "subcategory") and code not in parents, (term, code)


@pytest.fixture
def some_codes(db):
    for code, title, codable in (
        ("E11", "Type 2 diabetes mellitus", False),
        ("E11.9", "Type 2 diabetes mellitus without complications", True),
        ("I10", "Essential (primary) hypertension", True),
    ):
        Icd10Code.objects.create(code=code, title=title, kind="category", chapter="IV", is_codable=codable)


def test_icd10_by_code_english_words_and_hindi_terms(some_codes):
    assert [c.code for c in icd10_matches("e11")] == ["E11.9"]  # the group itself is not codable
    assert [c.code for c in icd10_matches("primary hypertension")] == ["I10"]
    assert [c.code for c in icd10_matches("उच्च रक्तचाप")] == ["I10"]
    assert [c.code for c in icd10_matches("मधुमेह")] == ["E11.9"]
    assert list(icd10_matches("अज्ञात")) == [] and list(icd10_matches("I")) == []


@pytest.mark.django_db
def test_medicines_by_name_form_and_strength():
    for form, strength in (("Injection", "150 mg/ mL"), ("Tablet", "500 mg"), ("Tablet", "650 mg")):
        Medicine.objects.create(
            name="Paracetamol", dosage_form=form, strength=strength, section_number=2, section_name="x"
        )
    assert [str(m) for m in medicine_matches("paracetamol tab 500")] == ["Paracetamol Tablet 500 mg"]
    assert len(medicine_matches("paracetamol")) == 3
    assert list(medicine_matches("paracetamol syrup")) == []
