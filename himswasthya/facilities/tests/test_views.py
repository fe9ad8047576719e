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


def _dd(content: str, label: str) -> str:
    """The text of the <dd> after the <dt> labelled `label`."""
    return content.split(f"<dt>{label}</dt><dd>", 1)[1].split("</dd>", 1)[0]


@pytest.mark.parametrize("town", ["Shimla", "Una", "Chamba", "Kullu"])
def test_a_facility_page_in_hindi_spells_its_town_as_its_district(client, hp_facilities, town):
    """Issue #12 item 3: "नगर: शिम्ला" stood next to "ज़िला: शिमला"."""
    facility = Facility.objects.filter(urban_local_body__name=town, district__name=town).first()
    client.cookies["django_language"] = "hi"
    content = client.get(f"/facilities/{facility.code}/").content.decode()
    assert _dd(content, "नगर") == _dd(content, "ज़िला") == facility.district.name_hi
    assert facility.district.name_hi in facility.name_hi  # and so does the facility's own name


def test_a_gp_level_facility_takes_its_panchayats_spelling_and_stays_machine_made(hp_facilities):
    facility = Facility.objects.filter(gram_panchayat__source_id="2387").first()  # Bara Gaon, Narkanda
    assert facility.name_hi.endswith("बड़ा गांव") and facility.name_hi_machine  # was "बरा गओन"
