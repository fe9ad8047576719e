"""Issue #12 item 4: on Hindi pages a citizen is greeted, and named in the header, by the Devanagari name of
their own record (people/context_processors.py), found through the family register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.tests.factories import named_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(citizen, persona_district):
    """Asha Devi heads the family; the register holds her mobile, her patient record does not."""
    fam = Family.objects.create(family_id="HP-FAM-NAME-1", district=persona_district)
    asha = named_person(persona_district, "Asha Devi", name_deva="आशा देवी", sex="F", year_of_birth=1980)
    son = named_person(persona_district, "Ravi Kumar", name_deva="रवि कुमार", sex="M", year_of_birth=2005)
    member_of(fam, asha, "M-NAME-1", mobile=citizen.mobile)
    member_of(fam, son, "M-NAME-2", "SON")
    return {"asha": asha, "son": son}


def _home(login_as, user, language: str) -> str:
    client = login_as(user)
    client.cookies["django_language"] = language
    return client.get(reverse("accounts:home")).content.decode()


def test_hindi_pages_greet_the_citizen_by_their_devanagari_name(login_as, citizen, family):
    hindi = _home(login_as, citizen, "hi")
    assert "नमस्ते, आशा देवी" in hindi
    assert '<span class="name">आशा देवी</span>' in hindi
    english = _home(login_as, citizen, "en")
    assert "Namaste, Asha" in english and "आशा" not in english


def test_a_shared_phone_names_the_member_named_like_the_account(login_as, citizen, family):
    member = family["son"].himparivar_member
    member.mobile = citizen.mobile
    member.save(update_fields=["mobile"])
    # Two members on the phone and none named "Asha": the Roman name of the account stays.
    assert "नमस्ते, Asha<" in _home(login_as, citizen, "hi")
    citizen.last_name = "Devi"
    citizen.save(update_fields=["last_name"])
    assert "नमस्ते, आशा देवी" in _home(login_as, citizen, "hi")


def test_no_record_or_staff_keep_the_roman_name(login_as, citizen, clerk):
    assert "नमस्ते, Asha<" in _home(login_as, citizen, "hi")
    assert f'<span class="name">{clerk.display_name}</span>' in _home(login_as, clerk, "hi")
