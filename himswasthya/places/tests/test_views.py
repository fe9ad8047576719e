"""Geography browser pages and the admin's Hindi-name rule."""

from __future__ import annotations

import pytest

from himswasthya.places.models import GramPanchayat

pytestmark = pytest.mark.django_db


def test_the_state_page_lists_districts_with_counts(client, hp_places):
    response = client.get("/places/")
    assert response.status_code == 200
    assert "Kangra" in response.content.decode()


def test_the_state_page_shows_hindi_names_in_hindi(client, hp_places):
    client.cookies["django_language"] = "hi"
    content = client.get("/places/").content.decode()
    assert "कांगड़ा" in content


def test_the_browser_walks_down_to_the_panchayats(client, hp_places):
    assert "Ghumarwin" in client.get("/places/districts/15/").content.decode()
    gp = GramPanchayat.objects.filter(block__lgd_code=137).first()
    assert gp.name in client.get("/places/blocks/137/").content.decode()
    assert client.get("/places/districts/20/no-block/").status_code == 200
    assert client.get("/places/districts/99/").status_code == 404


def test_the_place_search_finds_a_block(client, hp_places):
    assert "Ghumarwin" in client.get("/places/", {"q": "ghumar"}).content.decode()


def test_editing_the_hindi_name_in_the_admin_marks_it_checked(admin_client, hp_places):
    gp = GramPanchayat.objects.get(source_id="100")
    assert gp.name_hi_machine
    url = f"/admin/places/grampanchayat/{gp.pk}/change/"
    data = {
        "name": gp.name,
        "name_hi": "सेऊ",
        "name_hi_machine": "on",
        "source_name": gp.source_name,
        "lgd_code": "",
        "source": gp.source,
        "source_id": gp.source_id,
        "district": gp.district_id,
        "block": gp.block_id,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    gp.refresh_from_db()
    assert (gp.name_hi, gp.name_hi_machine) == ("सेऊ", False)
