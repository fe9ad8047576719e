"""Places API: anonymous GET, lists, filters and 404 for unknown LGD codes."""

from __future__ import annotations

import pytest
from django.utils import translation

from himswasthya.places.models import Block, GramPanchayat

pytestmark = pytest.mark.django_db


def test_it_lists_the_districts_with_counts_anonymously(client, hp_places):
    response = client.get("/api/places/districts")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 12
    kangra = next(d for d in body if d["lgd_code"] == 18)
    assert kangra["name_hi"] == "कांगड़ा" and kangra["block_count"] == 16
    assert sum(d["gp_count"] for d in body) == GramPanchayat.objects.count()


def test_it_lists_the_blocks_of_a_district(client, hp_places):
    body = client.get("/api/places/districts/22/blocks").json()
    assert len(body) == Block.objects.filter(district__lgd_code=22).count() == 14


def test_it_lists_the_gram_panchayats_of_a_block(client, hp_places):
    body = client.get("/api/places/blocks/137/gram-panchayats").json()
    assert body and all(gp["block_lgd_code"] == 137 for gp in body)
    assert len(body) == GramPanchayat.objects.filter(block__lgd_code=137).count()


def test_it_lists_a_districts_panchayats_without_block(client, hp_places):
    body = client.get("/api/places/districts/20/gram-panchayats?no_block=1").json()
    assert len(body) == 49  # Bhunter
    assert all(gp["block_lgd_code"] is None for gp in body)
    everything = client.get("/api/places/districts/20/gram-panchayats").json()
    assert len(everything) > len(body)


def test_it_lists_tehsils_and_urban_bodies(client, hp_places):
    assert len(client.get("/api/places/tehsils").json()) == 177
    assert len(client.get("/api/places/districts/15/tehsils").json()) > 0
    ulbs = client.get("/api/places/urban-local-bodies").json()
    assert len(ulbs) == 68 and {u["kind"] for u in ulbs} == {"MC", "COUNCIL", "NP"}


def test_it_searches_places_in_either_script(client, hp_places):
    latin = client.get("/api/places/search", {"q": "kangra"}).json()
    assert any(h["level"] == "district" and h["lgd_code"] == 18 for h in latin)
    hindi = client.get("/api/places/search", {"q": "कांगड़ा"}).json()
    assert any(h["level"] == "district" and h["lgd_code"] == 18 for h in hindi)


def test_an_unknown_lgd_code_is_a_404_with_a_translated_message(client, hp_places):
    response = client.get("/api/places/districts/99/blocks")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "99" in response.json()["message"]
    assert client.get("/api/places/blocks/99999/gram-panchayats").status_code == 404
    with translation.override("hi"):
        hindi = client.get("/api/places/districts/99/blocks", HTTP_ACCEPT_LANGUAGE="hi")
    assert hindi.status_code == 404
    assert any("\u0900" <= c <= "\u097f" for c in hindi.json()["message"])
