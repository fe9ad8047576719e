"""Searching the code lists as a doctor types: a code prefix or words of the title, limited, indexed.

The one search of each list: records and HIMCARE (API and pages) call these.
"""

from __future__ import annotations

import functools
import operator

from django.db.models import Q, QuerySet

from himswasthya.codelists.models import Icd10Code, Medicine

MIN_LENGTH = 2
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


def _words_in(field: str, q: str) -> Q:
    """Every word of `q` somewhere in `field` (any order, any case)."""
    return functools.reduce(operator.and_, (Q(**{f"{field}__icontains": w}) for w in q.split()))


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def icd10_matches(q: str, limit: int = DEFAULT_LIMIT) -> QuerySet[Icd10Code]:
    """Codable ICD-10 codes whose code starts with the search text or whose title holds all its words.
    The code prefix uses the code's unique index (its LIKE index on PostgreSQL); fewer than two characters
    find nothing."""
    q = " ".join((q or "").split())
    if len(q) < MIN_LENGTH:
        return Icd10Code.objects.none()
    return (
        Icd10Code.objects.filter(is_codable=True)
        .filter(Q(code__startswith=q.upper()) | _words_in("title", q))
        .order_by("code")[: _limit(limit)]
    )


def medicine_matches(q: str, limit: int = DEFAULT_LIMIT) -> QuerySet[Medicine]:
    """Essential medicines whose name holds all the words of the search text."""
    q = " ".join((q or "").split())
    if len(q) < MIN_LENGTH:
        return Medicine.objects.none()
    return Medicine.objects.filter(_words_in("name", q)).order_by("name", "dosage_form", "strength")[
        : _limit(limit)
    ]
