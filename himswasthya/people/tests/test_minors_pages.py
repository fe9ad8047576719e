"""SEC-5 on the register page and the API: the guardian fields, and the refusal in the user's language."""

from __future__ import annotations

import pytest
from django.utils import timezone

from himswasthya.people.models import IdentifierType, Person, PersonGuardian
from himswasthya.people.tests.conftest import first

pytestmark = pytest.mark.django_db

CHILD = {"name_roman": "Aarav Negi", "sex": "M", "year_of_birth": str(timezone.localdate().year - 6)}


def test_register_page_refuses_a_child_without_guardian_then_accepts_one(login_as, clerk, people):
    page = login_as(clerk)
    before = Person.objects.count()
    response = page.post("/people/new/", CHILD)
    html = response.content.decode()
    assert response.status_code == 200 and "only through a verified parent or guardian" in html
    assert 'name="guardian"' in html and 'name="guardian_relation"' in html
    assert Person.objects.count() == before

    mother = first(people, "Sunita Chauhan")
    mother.identifiers.filter(id_type=IdentifierType.HIM_PARIVAR_MEMBER).update(verified=True)
    response = page.post("/people/new/", {**CHILD, "guardian": mother.pk, "guardian_relation": "MOTHER"})
    assert response.status_code == 302
    assert PersonGuardian.objects.get(guardian=mother).child.name_roman == "Aarav Negi"


def test_register_page_speaks_hindi_to_the_clerk(login_as, clerk, people):
    page = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    html = page.post("/people/new/", CHILD).content.decode()
    assert "18 वर्ष से कम" in html


def test_api_refuses_a_child_without_guardian_and_accepts_the_treatment_exemption(
    login_as, clerk, doctor, people
):
    payload = {**CHILD, "year_of_birth": int(CHILD["year_of_birth"]), "confirm_new": True}
    response = login_as(clerk).post("/api/people/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "guardian" and response.json()["code"] == "guardian_required"
    response = login_as(doctor).post(
        "/api/people/", {**payload, "purpose": "treatment"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert PersonGuardian.objects.get(child_id=response.json()["id"]).basis == "HEALTH_SERVICES"
