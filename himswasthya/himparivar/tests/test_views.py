"""/families/: staff search and family page, scoped by district, audited; citizens refused."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from himswasthya.himparivar.models import Family, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def shimla_family(register_families, persona_district):
    return Family.objects.filter(district=persona_district).order_by("family_id").first()


@pytest.fixture
def kangra_family(register_families, persona_other_district):
    return Family.objects.filter(district=persona_other_district).order_by("family_id").first()


def _family_url(family, purpose="opd_registration"):
    return reverse("himparivar:family", args=[family.family_id]) + f"?purpose={purpose}"


def test_it_sends_anonymous_visitors_to_the_login_page(client, shimla_family):
    response = client.get(_family_url(shimla_family))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_refuses_citizens(login_as, citizen, shimla_family):
    client = login_as(citizen)
    assert client.get(reverse("himparivar:search")).status_code == 403
    assert client.get(_family_url(shimla_family)).status_code == 403


def test_a_clerk_sees_a_family_of_their_district_with_masked_identifiers(login_as, clerk, shimla_family):
    response = login_as(clerk).get(_family_url(shimla_family))
    assert response.status_code == 200
    html = response.content.decode()
    for member in shimla_family.members.all():
        assert member.name_roman in html and member.name_deva in html
        if member.mobile:
            assert f"XXXXXX{member.mobile[-4:]}" in html
            assert member.mobile not in html
        if member.aadhaar_last4:
            assert f"XXXX-XXXX-{member.aadhaar_last4}" in html


def test_abha_numbers_are_shown_grouped(login_as, state_admin, register_families):
    member = Member.objects.filter(person__identifiers__id_type="ABHA_NUMBER").first()
    abha = member.person.identifiers.get(id_type="ABHA_NUMBER").value
    html = login_as(state_admin).get(_family_url(member.family)).content.decode()
    assert f"{abha[:2]}-{abha[2:6]}-{abha[6:10]}-{abha[10:]}" in html


def test_staff_of_another_district_get_not_found(
    login_as, other_facility_clerk, other_district_officer, shimla_family, kangra_family
):
    for user in (other_facility_clerk, other_district_officer):
        client = login_as(user)
        assert client.get(_family_url(shimla_family)).status_code == 404
        assert client.get(_family_url(kangra_family)).status_code == 200


def test_a_district_officer_and_the_state_admin_see_families(
    login_as, district_officer, state_admin, shimla_family, kangra_family
):
    assert login_as(district_officer).get(_family_url(shimla_family)).status_code == 200
    assert login_as(district_officer).get(_family_url(kangra_family)).status_code == 404
    assert login_as(state_admin).get(_family_url(kangra_family)).status_code == 200


def test_viewing_a_family_is_audited_with_its_purpose(login_as, doctor, shimla_family):
    with mock.patch("himswasthya.himparivar.services.record") as record:
        response = login_as(doctor).get(_family_url(shimla_family, purpose="treatment"))
    assert response.status_code == 200
    record.assert_called_once()
    args, kwargs = record.call_args
    assert args == ("family.read",)
    assert kwargs["object_type"] == "himparivar.Family"
    assert kwargs["object_id"] == shimla_family.family_id
    assert kwargs["purpose"] == "treatment"


def test_a_refused_look_up_is_not_audited_as_a_read(login_as, other_district_officer, shimla_family):
    with mock.patch("himswasthya.himparivar.services.record") as record:
        login_as(other_district_officer).get(_family_url(shimla_family))
    record.assert_not_called()


def test_an_unknown_purpose_is_refused(login_as, clerk, shimla_family):
    assert login_as(clerk).get(_family_url(shimla_family, purpose="curiosity")).status_code == 400


def test_search_by_family_id_member_id_and_mobile_stays_in_scope(
    login_as, clerk, shimla_family, kangra_family
):
    client = login_as(clerk)
    search = reverse("himparivar:search")
    page = client.get(search, {"q": shimla_family.family_id.lower(), "purpose": "opd_registration"})
    assert page.status_code == 200 and shimla_family.family_id in page.content.decode()
    member = shimla_family.members.order_by("id").last()
    assert shimla_family.family_id in client.get(search, {"q": member.member_id}).content.decode()
    mobile = shimla_family.members.exclude(mobile=None).first().mobile
    assert shimla_family.family_id in client.get(search, {"q": f"+91 {mobile}"}).content.decode()
    other = client.get(search, {"q": kangra_family.family_id}).content.decode()
    assert f">{kangra_family.family_id}</a>" not in other
    assert 'data-testid="no-results"' in other


def test_search_is_audited_without_the_query(login_as, clerk, shimla_family):
    mobile = shimla_family.members.exclude(mobile=None).first().mobile
    with mock.patch("himswasthya.himparivar.services.record") as record:
        login_as(clerk).get(reverse("himparivar:search"), {"q": mobile, "purpose": "opd_registration"})
    record.assert_called_once()
    assert record.call_args.args == ("family.search",)
    assert mobile not in repr(record.call_args)


def test_the_search_page_reports_nonsense_input(login_as, clerk, geography):
    page = login_as(clerk).get(reverse("himparivar:search"), {"q": "<script>", "purpose": "opd_registration"})
    assert page.status_code == 200
    assert "Enter a family id, a member id or a mobile number." in page.content.decode()


def test_the_pages_speak_hindi(login_as, clerk, shimla_family):
    client = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    assert "परिवार खोजें" in client.get(reverse("himparivar:search")).content.decode()
    html = client.get(_family_url(shimla_family)).content.decode()
    assert f"परिवार {shimla_family.family_id}" in html
    assert "मुखिया से संबंध" in html and "ओपीडी पंजीकरण" in html
