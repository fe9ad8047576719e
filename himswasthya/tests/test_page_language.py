"""Issue #12, "checks that keep it fixed": every page speaks the visitor's language.

Every page of the access-policy walk (tests/test_access_policy.py: its world, its URLs, new pages join by
being declared there) is asked with GET by every persona of side A that may open it, in Hindi and in English.
The visible text (text nodes, placeholders, labels given as attributes; not scripts, styles or URLs) must not
hold Latin-script words on a Hindi page outside the reviewed ALLOWED list (codes, units, names of things that
have no Hindi form), nor Devanagari on an English page outside the world's own Hindi names. Codes (CODE)
never count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from himswasthya.accounts import access_policy as policy
from himswasthya.accounts.access_policy import ALLOW, SCOPED
from himswasthya.tests.test_access_policy import (  # noqa: F401 - fixtures used by name
    BODIES,
    PAGES,
    PERSONAS,
    QUERIES,
    World,
    _own_counters,
    _params,
    _soon_after_signing_in,
    world,
)

pytestmark = [pytest.mark.whole_site, pytest.mark.long, pytest.mark.django_db]

# Latin words a Hindi page may show besides codes (CODE): names with no Hindi form, units, a key's name
# (reviewed; keep it short).
ALLOWED = {"HIMCARE", "HimSwasthya", "PMJAY", "mmHg", "mg/dL", "kg", "cm", "km", "am", "pm", "Y/N", "Enter"}
# Codes, never words: with a digit (OPD261209-3-1, K80.2), capitals joined by hyphens (HP-FAM-1, PM-JAY),
# abbreviations in capitals (ABHA, UHID, SG, HBP), Roman numerals (category III), identifiers with an
# underscore or an inner dot (column names, person.read), literals in quotes ('person.').
CODE = re.compile(r"\d|^[A-Z]+(?:-[A-Z0-9]+)+$|^[A-Z]{2,4}$|^[IVX]+$|_|^[a-z]+\.[a-z]+|^'.+'$")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’/-]*[A-Za-z]|[A-Za-z]")
DEVANAGARI_WORD = re.compile(r"[\u0900-\u097F]+")
SKIPPED_TAGS = {"script", "style", "noscript", "code", "pre"}
SHOWN_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _VisibleText(HTMLParser):
    """The text a reader sees in the page's language: text inside an element marked with another `lang` (the
    language switch "हिन्दी में देखें", a name shown in both scripts) is in that language on purpose."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = []  # (tag, lang, skipped)
        self.language = language
        self.parts: list[str] = []

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else self.language

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or self._lang()).split("-")[0]
        skipped = self._skipping() or tag in SKIPPED_TAGS or lang != self.language
        if not skipped:
            self.parts.extend(values[name] for name in SHOWN_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(values["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, lang, skipped))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, language: str) -> str:
    parser = _VisibleText(language)
    parser.feed(html)
    return " ".join(parser.parts)


def foreign_words(text: str, language: str, names: set[str]) -> set[str]:
    """Latin words on a Hindi page (outside ALLOWED, codes and the world's Roman data), Devanagari words on an
    English page (outside the world's Hindi names)."""
    if language == "hi":
        found = set()
        for token in text.split():
            token = token.strip(",;:()[]!?·")
            if CODE.search(token) or "@" in token or token.startswith(("http", "/")):
                continue
            for word in LATIN_WORD.findall(token):
                if word not in ALLOWED and word.lower() not in names:
                    found.add(word)
        return found
    return {word for word in DEVANAGARI_WORD.findall(text) if word not in names}


def _get(world: World, persona_name: str, path: str, language: str):  # noqa: F811
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if persona_name != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona_name]
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    return response


def _pages(world: World) -> list[tuple[str, str]]:  # noqa: F811
    found = []
    for name in sorted(PAGES):
        page = PAGES[name]
        if name.startswith(("admin:", "?")) or name in BODIES or policy.page_rule(name) is None:
            continue
        if name.startswith(policy.SIMULATOR_PREFIXES):
            continue
        path = reverse(name, kwargs=_params(world, name, page.kwargs))
        found.append((name, path + (QUERIES[name](world.params) if name in QUERIES else "")))
    return found


def _names() -> set[str]:
    """The world's names of people and staff-typed text (Roman, lower-cased) and its Hindi names of things:
    data, not page text."""
    from himswasthya.accounts.models import User
    from himswasthya.facilities.models import Department, Facility, OpdClosure
    from himswasthya.himparivar.models import Member
    from himswasthya.people.models import Person, PersonMerge
    from himswasthya.places.models import Block, District, GramPanchayat, State
    from himswasthya.records.models import DischargeSummary, Encounter, Procedure

    roman = [
        *OpdClosure.objects.values_list("reason", flat=True),  # typed by staff
        *PersonMerge.objects.values_list("reason", flat=True),
        *Person.objects.values_list("name_roman", flat=True),
        *Member.objects.values_list("name_roman", flat=True),
        *User.objects.values_list("first_name", flat=True),
        *User.objects.values_list("last_name", flat=True),
        # health records: typed by staff
        *Encounter.objects.values_list("chief_complaints", flat=True),
        *Procedure.objects.values_list("name", flat=True),
        *DischargeSummary.objects.values_list("course_in_hospital", flat=True),
        *DischargeSummary.objects.values_list("discharge_advice", flat=True),
    ]
    hindi = [
        *Person.objects.values_list("name_deva", flat=True),
        *Member.objects.values_list("name_deva", flat=True),
        *(
            name
            for model in (State, District, Block, GramPanchayat, Facility, Department)
            for name in model.objects.values_list("name_hi", flat=True)
        ),
    ]
    words = {w.lower() for text in roman for w in LATIN_WORD.findall(text or "")}
    return words | {w for text in hindi for w in DEVANAGARI_WORD.findall(text or "")}


def test_every_page_speaks_the_visitors_language(world: World) -> None:  # noqa: F811
    names = _names()
    findings: dict[str, set[str]] = defaultdict(set)
    asked = 0
    for name, path in _pages(world):
        rule = policy.page_rule(name)
        for persona in PERSONAS:
            if persona.other_side or rule[persona.role] not in (ALLOW, SCOPED):
                continue
            for language in ("hi", "en"):
                response = _get(world, persona.name, path, language)
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    continue
                asked += 1
                words = foreign_words(visible_text(response.content.decode(), language), language, names)
                if words:
                    findings[f"{language} {name} ({persona.name})"].update(words)
    assert asked > 100, asked  # the walk reached the pages
    report = "\n".join(f"  {page}: {' '.join(sorted(words))}" for page, words in sorted(findings.items()))
    assert not findings, f"words in the other language on {len(findings)} pages:\n{report}"
