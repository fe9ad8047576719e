"""GET /api/himparivar/families/{family_id}: same scoping and audit as the page."""

from __future__ import annotations

from unittest import mock

import pytest

from himswasthya.himparivar.models import Family

pytestmark = pytest.mark.django_db


@pytest.fixture
def shimla_family(register_families, persona_district):
    return Family.objects.filter(district=persona_district).order_by("family_id").first()


def _url(family_id: str) -> str:
    return f"/api/himparivar/families/{family_id}"


def test_it_returns_the_family_with_masked_identifiers(login_as, clerk, shimla_family):
    response = login_as(clerk).get(_url(shimla_family.family_id))
    assert response.status_code == 200
    body = response.json()
    assert body["family_id"] == shimla_family.family_id
    assert len(body["members"]) == shimla_family.members.count()
    assert body["head_member_id"] == body["members"][0]["member_id"]
    assert body["members"][0]["relation"] == "SELF"
    for member in body["members"]:
        assert member["name_deva"] and member["name_roman"]
        assert member["mobile_masked"] == "" or member["mobile_masked"].startswith("XXXXXX")
        assert member["aadhaar_masked"] == "" or member["aadhaar_masked"].startswith("XXXX-XXXX-")
        assert member["abha_number"] == "" or len(member["abha_number"]) == 17
    assert "mobile" not in body["members"][0]


def test_it_audits_the_read(login_as, clerk, shimla_family):
    with mock.patch("himswasthya.himparivar.services.record") as record:
        login_as(clerk).get(_url(shimla_family.family_id), {"purpose": "himcare_enrolment"})
    assert record.call_args.args == ("family.read",)
    assert record.call_args.kwargs["purpose"] == "himcare_enrolment"


def test_other_district_gets_404_citizen_403_anonymous_401(
    client, login_as, other_district_officer, citizen, shimla_family
):
    response = login_as(other_district_officer).get(_url(shimla_family.family_id))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert login_as(citizen).get(_url(shimla_family.family_id)).status_code == 403
    assert client.get(_url(shimla_family.family_id)).status_code == 401


def test_a_himcare_officer_sees_any_family(login_as, himcare_officer, shimla_family):
    assert login_as(himcare_officer).get(_url(shimla_family.family_id)).status_code == 200


def test_a_bad_purpose_is_a_400_with_the_field(login_as, clerk, shimla_family):
    response = login_as(clerk).get(_url(shimla_family.family_id), {"purpose": "curiosity"})
    assert response.status_code == 400
    assert response.json()["field"] == "purpose"
