"""The staff pages: search, profile, register with the duplicate step, merge with confirmation and undo."""

from __future__ import annotations

import pytest

from himswasthya.people.models import Person, PersonMerge
from himswasthya.people.tests.conftest import first

pytestmark = pytest.mark.django_db


def test_search_page_finds_and_links_to_the_profile(login_as, clerk, people):
    page = login_as(clerk)
    response = page.get("/people/search/", {"q": "Rajesh Thakkar", "purpose": "opd_registration"})
    assert response.status_code == 200
    rajesh = first(people, "Rajesh Thakur")
    assert f"/people/{rajesh.pk}/?purpose=opd_registration" in response.content.decode()
    profile = page.get(f"/people/{rajesh.pk}/", {"purpose": "opd_registration"})
    assert profile.status_code == 200 and "राजेश ठाकुर" in profile.content.decode()


def test_pages_refuse_citizens_and_hide_other_districts(
    client, login_as, citizen, other_facility_clerk, people
):
    assert client.get("/people/search/").status_code == 302  # to the login page
    assert login_as(citizen).get("/people/search/").status_code == 403
    kamla = first(people, "Kamla Devi")
    assert login_as(other_facility_clerk).get(f"/people/{kamla.pk}/").status_code == 404


def test_search_page_in_hindi(login_as, clerk, people):
    page = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    response = page.get("/people/search/")
    assert "मरीज़ खोजें" in response.content.decode()


def test_register_page_shows_duplicates_then_registers_on_confirmation(login_as, clerk, people):
    page = login_as(clerk)
    data = {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": "1950"}
    response = page.post("/people/new/", data)
    assert response.status_code == 200 and 'data-testid="duplicates"' in response.content.decode()
    count = Person.objects.count()
    response = page.post("/people/new/", {**data, "confirm_new": "on"})
    assert response.status_code == 302 and Person.objects.count() == count + 1


def test_merge_page_confirms_then_merges_and_undoes(login_as, facility_admin, clerk, people):
    a, b = first(people, "Anil Verma"), first(people, "Pooja Sharma")
    assert login_as(clerk).get("/people/merge/").status_code == 403
    page = login_as(facility_admin)
    data = {"survivor_id": a.pk, "duplicate_id": b.pk, "reason": "same person"}
    response = page.post("/people/merge/", data)
    assert 'data-testid="merge-preview"' in response.content.decode()
    assert not PersonMerge.objects.exists()
    response = page.post("/people/merge/", {**data, "confirm": "on"})
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    response = page.post(f"/people/merge/{merge.pk}/undo/")
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_the_forms_render_in_both_languages(login_as, facility_admin, people):
    for language, text in (("en", "Register a new patient"), ("hi", "नए मरीज़ का पंजीकरण")):
        page = login_as(facility_admin, HTTP_ACCEPT_LANGUAGE=language)
        assert text in page.get("/people/new/").content.decode()
        merge = page.get(f"/people/merge/?survivor_id={first(people, 'Anil Verma').pk}").content.decode()
        assert f'value="{first(people, "Anil Verma").pk}"' in merge


def test_issue_uhid_button_issues_once_and_shows_it(login_as, clerk, people):
    page = login_as(clerk)
    kamla = first(people, "Kamla Devi")
    assert "Issue a UHID" in page.get(f"/people/{kamla.pk}/").content.decode()
    response = page.post(f"/people/{kamla.pk}/uhid/", follow=True)
    body = response.content.decode()
    assert "HP-023-00000001-" in body and "Issue a UHID" not in body
