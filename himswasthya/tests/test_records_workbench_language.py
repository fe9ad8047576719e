# ruff: noqa: F401, F811 - the records fixtures are imported from its conftest and used by name
"""The consultation workbench under the page-language check (test_page_language.py): that walk sees a signed,
empty record; here the form of a draft with every part filled, a refusal with its error, and the search
fragments, on a Hindi page."""

from __future__ import annotations

import pytest
from django.conf import settings

from himswasthya.records import coding, services
from himswasthya.records.tests.conftest import codes, draft, family, good_draft, paracetamol, patient
from himswasthya.tests.test_page_language import LATIN_WORD, foreign_words, visible_text

pytestmark = pytest.mark.django_db


def _url(encounter) -> str:
    return f"/records/encounters/{encounter.pk}/"


def test_the_draft_form_with_every_part_speaks_hindi(login_as, doctor, draft, good_draft):
    """The page-language walk (tests/test_page_language.py) sees a signed, empty record; this is the form of a
    draft with every part filled, errors and all, under the same check."""
    services.save_draft(doctor, draft, good_draft)
    coding.toggle_favourite(doctor, "I10")
    typed = " ".join(
        [
            *(str(v) for k, v in good_draft.items() if isinstance(v, str)),
            "Betadine gargle TDS BD Penicillin Rash known case",
            doctor.first_name,
            doctor.last_name,
            draft.person.name_roman,
            draft.facility.name,
        ]
    )
    names = {w.lower() for w in LATIN_WORD.findall(typed)}
    client = login_as(doctor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    for response in (
        client.get(_url(draft)),
        client.post(
            _url(draft), {"vitals.spo2": "120", "prescriptions[0].name": "x", "prescriptions[0].dose": "1"}
        ),
        client.get("/records/codes/medicines/?q=पेरासिटामोल"),
        client.get("/records/codes/icd10/?q=अज्ञात"),
    ):
        html = response.content.decode()
        assert not foreign_words(visible_text(html, "hi"), "hi", names), response.request["PATH_INFO"]
