"""Finding people: what a search box query is, candidate retrieval per database engine, ranking in Python.

Candidates: when age and place are given (a registration desk's usual query) both engines take the people
within those filters that share the start of a word skeleton with the query (`name_blocks`): the same SQL,
so the same answers by construction. Without them, PostgreSQL asks a pg_trgm word-similarity query on the
GIN-indexed expression `name_key || ' ' || name_deva_key` (people/db_indexes.py) and SQLite blocks over the
table. Both are wide nets: the same rapidfuzz ranking and threshold then decide, so the two engines give
the same answers whenever both nets hold the right people (tested on a fixed data set).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from himswasthya.core.errors import DomainError
from himswasthya.core.validators import luhn_valid, normalise_mobile
from himswasthya.people.db_indexes import NAME_EXPR
from himswasthya.people.models import Person
from himswasthya.people.phonetic import has_devanagari, name_key, skeleton
from himswasthya.people.uhid import looks_like_uhid, normalise_uhid

MIN_SCORE = 70.0
PG_CANDIDATES = 20_000  # a cap for one-word queries of very common names
PG_THRESHOLD = "0.65"  # word similarity: one typo in a two-word name scores about 0.75
BLOCKED_CANDIDATES = 50_000
PRESELECT = 800
EXTRA_WORD_PENALTY = 8.0
WORD_FLOOR = 70.0
SHORT_WORD_FLOOR = 55.0
AGE_TOLERANCE = 2

_ABHA_ADDRESS = re.compile(r"^[a-z0-9][a-z0-9._]{2,31}@(abdm|sbx)$")
_MEMBER_ID = re.compile(r"^HPM[0-9A-Z]{8}$")
_FAMILY_ID = re.compile(r"^HPF[0-9A-Z]{8}$")
_DIGITS_AND_SEPARATORS = re.compile(r"^[+\d\s-]+$")


class QueryKind(StrEnum):
    ABHA_NUMBER = "abha_number"
    ABHA_ADDRESS = "abha_address"
    MOBILE = "mobile"
    UHID = "uhid"
    MEMBER_ID = "member_id"
    FAMILY_ID = "family_id"
    NAME_ROMAN = "name_roman"
    NAME_DEVANAGARI = "name_devanagari"


class InvalidQuery(DomainError):
    code = "query_invalid"


@dataclass(frozen=True)
class ParsedQuery:
    kind: QueryKind
    value: str  # normalised identifier, or the name's search key

    @property
    def is_name(self) -> bool:
        return self.kind in (QueryKind.NAME_ROMAN, QueryKind.NAME_DEVANAGARI)


def parse_query(text: str) -> ParsedQuery:
    """Tell an identifier from a name; a malformed identifier is an error, never a silent name search."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuery(_("Type a name, an ABHA number or address, a mobile number or a UHID."), field="q")
    if "@" in text:
        address = text.lower()
        if not _ABHA_ADDRESS.match(address):
            raise InvalidQuery(_("This is not a valid ABHA address (for example name.1990@abdm)."), field="q")
        return ParsedQuery(QueryKind.ABHA_ADDRESS, address)
    if looks_like_uhid(text):
        return ParsedQuery(QueryKind.UHID, normalise_uhid(text))
    compact = re.sub(r"[\s-]", "", text).upper()
    if _MEMBER_ID.match(compact):
        return ParsedQuery(QueryKind.MEMBER_ID, compact)
    if _FAMILY_ID.match(compact):
        return ParsedQuery(QueryKind.FAMILY_ID, compact)
    if _DIGITS_AND_SEPARATORS.match(text):
        return _parse_number(text)
    key = name_key(text)
    if len(key.replace(" ", "")) < 2:
        raise InvalidQuery(_("Type at least two letters of the name."), field="q")
    kind = QueryKind.NAME_DEVANAGARI if has_devanagari(text) else QueryKind.NAME_ROMAN
    return ParsedQuery(kind, key)


def _parse_number(text: str) -> ParsedQuery:
    return parse_number(
        text,
        aadhaar_refusal=_("Aadhaar numbers cannot be searched. Use ABHA, mobile or name."),
        not_a_number=_("Numbers are searched as a 14-digit ABHA number or a 10-digit mobile number."),
    )


def parse_number(text: str, *, aadhaar_refusal: str, not_a_number: str) -> ParsedQuery:
    """A number typed into a search box: a 14-digit ABHA number (its check digit must match) or a mobile.
    SEC-16: a 12-digit number that is not a mobile with 91 in front is an Aadhaar number, never searched (or
    kept). The two refusals are the caller's words, since each search box names what it takes."""
    digits = re.sub(r"[\s+-]", "", text)
    if len(digits) == 14:
        if not luhn_valid(digits):
            raise InvalidQuery(
                _("This ABHA number is not valid: its check digit does not match. Please check each digit."),
                field="q",
                code="abha_checksum",
            )
        return ParsedQuery(QueryKind.ABHA_NUMBER, digits)
    if len(digits) == 12 and not digits.startswith("91"):
        raise InvalidQuery(aadhaar_refusal, field="q", code="aadhaar_not_searchable")
    try:
        return ParsedQuery(QueryKind.MOBILE, normalise_mobile(text))
    except ValidationError as exc:
        raise InvalidQuery(not_a_number, field="q") from exc


# --- names ----------------------------------------------------------------------------------------------
Candidate = tuple[int, str, str]  # (person id, name_key, name_deva_key)

_FILTER_COLUMNS = (
    ("sex", "sex", "="),
    ("district_id", "district_id", "="),
    ("gram_panchayat_id", "gram_panchayat_id", "="),
    ("born_from", "year_of_birth", ">="),
    ("born_to", "year_of_birth", "<="),
)


@dataclass(frozen=True)
class NameFilters:
    """Filters of a name search; the same conditions as ORM Q (SQLite) and as SQL (PostgreSQL step one)."""

    sex: str | None = None
    district_id: int | None = None
    gram_panchayat_id: int | None = None
    born_from: int | None = None
    born_to: int | None = None

    @classmethod
    def for_age(cls, age: int | None, today: datetime.date, **kwargs: Any) -> NameFilters:
        if age is None:
            return cls(**kwargs)
        born = today.year - age
        # Aged `age` today: born in `born` or the year before; then the tolerance either side.
        return cls(born_from=born - 1 - AGE_TOLERANCE, born_to=born + AGE_TOLERANCE, **kwargs)

    def _conditions(self) -> list[tuple[str, str, Any]]:
        found = []
        for name, column, op in _FILTER_COLUMNS:
            value = getattr(self, name)
            if value not in (None, ""):
                found.append((column, op, value))
        return found

    def q(self) -> Q:
        lookups = {"=": "exact", ">=": "gte", "<=": "lte"}
        condition = Q(merged_into__isnull=True)
        for column, op, value in self._conditions():
            condition &= Q(**{f"{column}__{lookups[op]}": value})
        return condition

    def sql(self) -> tuple[str, list[Any]]:
        # "+ 0" on integer columns keeps the planner on the trigram index: with a district index it would
        # compute word similarity for a whole district instead of a few thousand index hits.
        parts, params = ["merged_into_id IS NULL"], []
        for column, op, value in self._conditions():
            target = column if column == "sex" else f"({column} + 0)"
            parts.append(f"{target} {op} %s")
            params.append(value)
        return " AND ".join(parts), params

    @property
    def selective(self) -> bool:
        return self.born_from is not None and bool(self.district_id or self.gram_panchayat_id)

    def used(self) -> list[str]:
        names = {"born_from": "age", "born_to": "age"}
        used = {n for n, _column, _op in _FILTER_COLUMNS if getattr(self, n) not in (None, "")}
        return sorted({names.get(n, n) for n in used})


@lru_cache(maxsize=100_000)
def _skeleton(key: str) -> str:
    return skeleton(key)


def _word_similarity(query_word: str, word: str) -> float:
    """The skeleton part forgives vowel variants (takar/takur); the letters part keeps Kamal and Kamla apart.
    Below WORD_FLOOR it is another word (Kumar for Thakur), not a misspelling, and counts nothing."""
    letters = fuzz.ratio(query_word, word)
    similarity = max(letters, 0.5 * letters + 0.5 * fuzz.ratio(_skeleton(query_word), _skeleton(word)))
    # One slip in a three-letter word (Ram/Raj) leaves less in common than in a long one.
    floor = WORD_FLOOR if len(query_word) >= 5 else SHORT_WORD_FLOOR
    return similarity if similarity >= floor else 0.0


def _aligned_score(query_words: list[str], words: list[str]) -> float:
    """Each query word against its best still-unused word of the name (longest query word first), averaged
    by length: word order does not matter and a typo costs only within its word. A name with words the query
    did not mention ("Rajesh" for "Rajesh Kumar Thakur") loses a little."""
    if not query_words or not words:
        return 0.0
    free = list(range(len(words)))
    total = weight = 0.0
    for query_word in sorted(query_words, key=len, reverse=True):
        best, best_index = 0.0, None
        for index in free:
            similarity = _word_similarity(query_word, words[index])
            if similarity > best:
                best, best_index = similarity, index
        if best_index is not None:
            free.remove(best_index)
        total += best * len(query_word)
        weight += len(query_word)
    return total / weight - (EXTRA_WORD_PENALTY if free else 0.0)


def name_score(query_key: str, key: str, deva_key: str) -> float:
    """0-100: the better of the Roman and the Devanagari key of a person against the query key."""
    query_words = query_key.split()
    best = max(_aligned_score(query_words, key.split()), _aligned_score(query_words, deva_key.split()))
    return round(max(best, 0.0), 1)


def _postgres_candidates(people: QuerySet[Person], key: str, filters: NameFilters) -> list[Candidate]:
    """Step one in SQL on the GIN trigram index with the filters; step two the user's scope, by id."""
    where, params = filters.sql()
    table = connection.ops.quote_name(Person._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [PG_THRESHOLD])
        cursor.execute(
            f"SELECT id, name_key, name_deva_key FROM {table} WHERE %s <%% {NAME_EXPR} AND {where} LIMIT %s",
            [key, *params, PG_CANDIDATES],
        )
        rows = cursor.fetchall()
    if rows and people.query.has_filters():
        allowed = set(people.filter(pk__in=[row[0] for row in rows]).values_list("pk", flat=True))
        rows = [row for row in rows if row[0] in allowed]
    return rows


def _blocked_candidates(people: QuerySet[Person], key: str, filters: NameFilters) -> list[Candidate]:
    """People (within the filters) sharing the start of at least one word skeleton with the query: one typo
    leaves the other words intact, and a typo is rarely in the first two consonants of a word."""
    blocks = Q()
    for word in skeleton(key).split():
        blocks |= Q(name_blocks__contains=" " + word[:2])
    found = people.filter(filters.q()).filter(blocks)
    return list(found.values_list("pk", "name_key", "name_deva_key")[:BLOCKED_CANDIDATES])


def name_candidates(people: QuerySet[Person], key: str, filters: NameFilters) -> list[Candidate]:
    """With age and place given, the filters are selective: both engines take the blocked candidates (same
    answers by construction). Otherwise PostgreSQL asks its trigram index; SQLite blocks over the table."""
    if connection.vendor == "postgresql" and not filters.selective:
        return _postgres_candidates(people, key, filters)
    return _blocked_candidates(people, key, filters)


def _preselect(key: str, candidates: list[Candidate]) -> list[Candidate]:
    """Thousands of candidates (a common name in a big district): keep the best few hundred by a C-speed
    score on each key and each skeleton, then score those fully."""
    if len(candidates) <= PRESELECT:
        return candidates
    keep: set[int] = set()
    for column in (1, 2):
        keys = [c[column] for c in candidates]
        # Typed order (a typo can move a word in sorted order) and sorted order (names typed family first).
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for _choice, _score, index in process.extract(key, keys, scorer=scorer, limit=PRESELECT // 4):
                keep.add(index)
    return [candidates[i] for i in sorted(keep)]


def rank_names(
    people: QuerySet[Person], key: str, limit: int, filters: NameFilters | None = None
) -> list[tuple[int, float]]:
    """(person id, score) best first, ties by id; only scores of MIN_SCORE and above. Merged-away people are
    left out. `people` is the user's scoped queryset."""
    candidates = _preselect(key, name_candidates(people, key, filters or NameFilters()))
    scored = [(pk, name_score(key, k, d)) for pk, k, d in candidates]
    scored = [(pk, score) for pk, score in scored if score >= MIN_SCORE]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
