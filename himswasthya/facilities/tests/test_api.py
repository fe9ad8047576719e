"""Facility directory API: anonymous GET, filters, pagination, detail and 404."""

from __future__ import annotations

import pytest

from himswasthya.facilities.models import Facility

pytestmark = pytest.mark.django_db


def test_it_lists_facilities_with_pagination_anonymously(client, hp_facilities):
    body = client.get("/api/facilities/").json()
    assert body["count"] == 2918
    assert len(body["items"]) == 50
    page2 = client.get("/api/facilities/?page=2").json()
    assert page2["items"][0]["code"] != body["items"][0]["code"]


def test_it_filters_by_district_block_type_department_and_name(client, hp_facilities):
    shimla_phc = client.get("/api/facilities/", {"district": 23, "type": "PHC"}).json()
    assert (
        shimla_phc["count"] == Facility.objects.filter(district__lgd_code=23, facility_type="PHC").count() > 0
    )
    assert all(f["district_lgd_code"] == 23 and f["facility_type"] == "PHC" for f in shimla_phc["items"])
    block = client.get("/api/facilities/", {"block": 137}).json()
    assert block["count"] and all(f["block_lgd_code"] == 137 for f in block["items"])
    psychiatry = client.get("/api/facilities/", {"department": "psychiatry"}).json()
    assert psychiatry["count"] == Facility.objects.filter(facility_type__in=["MC", "ZH", "RH"]).count()
    igmc = client.get("/api/facilities/", {"q": "IGMC"}).json()
    assert igmc["count"] == 1 and igmc["items"][0]["facility_type"] == "MC"
    hindi = client.get("/api/facilities/", {"q": "आईजीएमसी"}).json()
    assert hindi["count"] == 1


def test_the_detail_lists_departments(client, hp_facilities):
    code = Facility.objects.get(name__contains="IGMC").code
    body = client.get(f"/api/facilities/{code}").json()
    assert body["district_lgd_code"] == 23
    assert {"general-medicine", "psychiatry"} <= {d["code"] for d in body["departments"]}
    assert all(d["name_hi"] for d in body["departments"])


def test_bad_input_is_a_clear_error(client, hp_facilities):
    unknown_district = client.get("/api/facilities/", {"district": 99})
    assert unknown_district.status_code == 404 and "99" in unknown_district.json()["message"]
    assert client.get("/api/facilities/", {"block": 99999}).status_code == 404
    assert client.get("/api/facilities/", {"department": "astrology"}).status_code == 404
    assert client.get("/api/facilities/", {"type": "XX"}).status_code == 400
    assert client.get("/api/facilities/NO-SUCH-CODE").status_code == 404


def test_departments_are_listed(client, hp_facilities):
    body = client.get("/api/facilities/departments").json()
    assert any(d["code"] == "general-opd" for d in body)
