"""Facility directory and detail pages (server side)."""

from __future__ import annotations

import pytest

from himswasthya.facilities.models import Facility

pytestmark = pytest.mark.django_db


def test_the_directory_filters_by_district_and_type(client, hp_facilities):
    response = client.get("/facilities/", {"district": 23, "type": "MC"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "IGMC" in content and "Tanda" not in content
    assert 'id="id_block"' in content and 'for="id_block"' in content


def test_the_directory_offers_the_blocks_of_the_chosen_district(client, hp_facilities):
    content = client.get("/facilities/", {"district": 15}).content.decode()
    assert "Ghumarwin" in content
    assert "Mashobra" not in content  # a Shimla block


def test_the_directory_shows_hindi_names_in_hindi(client, hp_facilities):
    client.cookies["django_language"] = "hi"
    content = client.get("/facilities/", {"district": 23, "type": "MC"}).content.decode()
    assert "इंदिरा गांधी चिकित्सा महाविद्यालय" in content


def test_an_unknown_district_is_a_form_error_not_a_crash(client, hp_facilities):
    response = client.get("/facilities/", {"district": 99})
    assert response.status_code == 200


def test_the_detail_page_lists_departments(client, hp_facilities):
    igmc = Facility.objects.get(name__contains="IGMC")
    content = client.get(f"/facilities/{igmc.code}/").content.decode()
    assert "Psychiatry" in content and "Shimla" in content
    assert client.get("/facilities/NO-SUCH/").status_code == 404
