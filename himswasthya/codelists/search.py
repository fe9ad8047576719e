"""Searching the code lists as a doctor types: a code prefix or words of the title, limited, indexed.

The one search of each list: records and HIMCARE (API and pages) call these. ICD-10 is also found by common
Hindi names of conditions (data/icd10_hindi_terms.csv: "बुखार" finds R50.9), typed in Devanagari.
"""

from __future__ import annotations

import csv
import functools
import operator
import re
from pathlib import Path

from django.db.models import Q, QuerySet

from himswasthya.codelists.models import Icd10Code, Medicine

MIN_LENGTH = 2
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
HINDI_TERMS_PATH = Path(__file__).resolve().parent / "data" / "icd10_hindi_terms.csv"
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _words_in(field: str, q: str) -> Q:
    """Every word of `q` somewhere in `field` (any order, any case)."""
    return functools.reduce(operator.and_, (Q(**{f"{field}__icontains": w}) for w in q.split()))


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


@functools.cache
def hindi_terms() -> tuple[tuple[str, str], ...]:
    """(Hindi term, ICD-10 code) pairs of data/icd10_hindi_terms.csv, read once per process."""
    with HINDI_TERMS_PATH.open(encoding="utf-8", newline="") as f:
        return tuple((row["term"].strip(), row["code"].strip().upper()) for row in csv.DictReader(f))


def _hindi_codes(q: str) -> list[str]:
    """The codes of the Hindi terms holding every word of `q`, in the file's order (most common first)."""
    words = q.split()
    codes: list[str] = []
    for term, code in hindi_terms():
        if all(w in term for w in words) and code not in codes:
            codes.append(code)
    return codes


def icd10_matches(q: str, limit: int = DEFAULT_LIMIT) -> QuerySet[Icd10Code]:
    """Codable ICD-10 codes whose code starts with the search text or whose title holds all its words; text in
    Devanagari is looked up in the common Hindi terms instead. The code prefix uses the code's unique index
    (its LIKE index on PostgreSQL); fewer than two characters find nothing."""
    q = " ".join((q or "").split())
    if len(q) < MIN_LENGTH:
        return Icd10Code.objects.none()
    codable = Icd10Code.objects.filter(is_codable=True)
    if _DEVANAGARI.search(q):
        return codable.filter(code__in=_hindi_codes(q)[: _limit(limit)]).order_by("code")
    return codable.filter(Q(code__startswith=q.upper()) | _words_in("title", q)).order_by("code")[
        : _limit(limit)
    ]


def medicine_matches(q: str, limit: int = DEFAULT_LIMIT) -> QuerySet[Medicine]:
    """Essential medicines whose name, dosage form or strength holds each word of the search text, so that
    "paracetamol tab 500" finds Paracetamol Tablet 500 mg."""
    q = " ".join((q or "").split())
    if len(q) < MIN_LENGTH:
        return Medicine.objects.none()
    each_word = (
        Q(name__icontains=w) | Q(dosage_form__icontains=w) | Q(strength__icontains=w) for w in q.split()
    )
    return Medicine.objects.filter(functools.reduce(operator.and_, each_word)).order_by(
        "name", "dosage_form", "strength"
    )[: _limit(limit)]
