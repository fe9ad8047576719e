# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""Citizen self-service: "My family" and linking an ABHA for one's own family only; SEC-5 for children."""

from __future__ import annotations

import datetime

import pytest

from himswasthya.abdm import linking
from himswasthya.abdm.models import AbhaLinkConsent, AbhaLinkRequest
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Forbidden, NotFound
from himswasthya.himparivar.models import Member
from himswasthya.people.models import PersonIdentifier

from .link_fixtures import DEMO_PROFILE, _english_by_default, asha_family, make_family, other_family  # noqa: F401

MINE = "/families/mine/"


def url(person) -> str:
    return f"/abdm/link/person/{person.pk}/"


@pytest.mark.django_db
def test_my_family_lists_members_masked_and_is_audited(asha_family, other_family, citizen, clerk, login_as):
    linking.do_link_abha(asha_family["ramesh"], DEMO_PROFILE, clerk, "registration")
    page = login_as(citizen).get(MINE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "HP-SML-0001" in html and "HP-SML-0002" not in html and "Mohan" not in html
    assert html.count('data-testid="member"') == 3
    assert "91-XXXX-XXXX-7595" in html and "91760487647595" not in html and "9816000001" not in html
    assert "XXXXXX0001" in html
    assert html.count(">Link ABHA</a>") == 2  # Asha and her daughter; Ramesh already has one
    entry = AuditEntry.objects.get(action="family.read", actor=citizen)
    assert (entry.object_id, entry.purpose) == ("HP-SML-0001", "citizen_self_service")


@pytest.mark.django_db
def test_my_family_is_for_citizens_only(clerk, login_as, client):
    assert login_as(clerk).get(MINE).status_code == 403
    assert client.get(MINE).status_code == 302


@pytest.mark.django_db
def test_a_citizen_without_a_family_sees_how_to_get_one(citizen, login_as):
    page = login_as(citizen).get(MINE)
    assert b'data-testid="no-family"' in page.content and not AuditEntry.objects.filter(action="family.read")


@pytest.mark.django_db
def test_a_citizen_may_act_for_their_own_family_only(asha_family, other_family, citizen):
    for person in asha_family.values():
        assert linking.person_for_linking(citizen, person.pk) == person
    with pytest.raises(NotFound):
        linking.person_for_linking(citizen, other_family["head"].pk)


@pytest.mark.django_db
def test_a_minor_acting_for_a_child_is_refused(persona_district, login_as):
    from himswasthya.accounts.tests.fixtures import _user

    teen_mobile = "9876500000"
    teen, little = make_family(
        persona_district,
        "HP-SML-0003",
        [
            {
                "given_name": "Aman",
                "name_roman": "Aman Rana",
                "date_of_birth": datetime.date(2012, 5, 5),
                "year_of_birth": 2012,
                "mobile": teen_mobile,
            },
            {
                "relation": "BROTHER",
                "given_name": "Ravi",
                "name_roman": "Ravi Rana",
                "date_of_birth": datetime.date(2018, 5, 5),
                "year_of_birth": 2018,
                "mobile": None,
            },
        ],
    )
    teen_user = _user("citizen-aman", "citizen", password=False, mobile=teen_mobile)
    with pytest.raises(Forbidden):
        linking.person_for_linking(teen_user, little.pk)
    assert login_as(teen_user).get(url(little)).status_code == 403
    page = login_as(teen_user).get(MINE).content.decode()
    assert "An adult of the family links a child's ABHA." in page


@pytest.mark.django_db
def test_a_deceased_members_mobile_opens_nothing(persona_district, citizen):

    (person,) = make_family(persona_district, "HP-SML-0004", [{"mobile": citizen.mobile}])
    Member.objects.filter(person=person).update(status="DECEASED")
    with pytest.raises(NotFound):
        linking.person_for_linking(citizen, person.pk)


@pytest.mark.django_db(transaction=True)
def test_a_citizen_links_her_husbands_abha_after_consent_and_otp(
    abdm_sim, demo_account, asha_family, citizen, login_as
):
    client = login_as(citizen)
    husband = asha_family["ramesh"]
    page = client.get(url(husband))
    assert page.status_code == 200 and linking.consent_text()[:40] in page.content.decode()
    sent = client.post(
        url(husband),
        {"step": "start", "abha_number": "91760487647595", "otp_system": "aadhaar", "consent": "on"},
    )
    consent = AbhaLinkConsent.objects.get()
    assert (consent.channel, consent.given_by, consent.person) == ("citizen", citizen, husband)
    txn_id = sent.context["otp_form"].initial["txn_id"]
    verified = client.post(url(husband), {"step": "otp", "txn_id": txn_id, "otp": "123456"})
    verification_id = verified.context["confirm_form"].initial["verification_id"]
    done = client.post(url(husband), {"step": "link", "verification_id": verification_id})
    assert done.context["outcome"].status == "linked"
    assert PersonIdentifier.objects.get(person=husband, id_type="ABHA_NUMBER").source == "ABDM"
    assert "91-XXXX-XXXX-7595" in done.content.decode()  # citizens see it masked
    entry = AuditEntry.objects.get(action="abha.link")
    assert (entry.actor, entry.purpose) == (citizen, "citizen_self_service")


@pytest.mark.django_db
def test_a_citizens_grey_zone_link_goes_to_a_supervisor(asha_family, citizen, facility_admin):
    from .link_fixtures import GREY

    outcome = linking.do_link_abha(asha_family["ramesh"], GREY, citizen, "anything")
    assert outcome.status == "queued" and outcome.request.channel == "citizen"
    assert outcome.request.purpose == "citizen_self_service"
    assert list(linking.review_queue(facility_admin)) == [AbhaLinkRequest.objects.get()]


@pytest.mark.django_db
def test_my_family_speaks_hindi(asha_family, citizen, login_as):
    page = login_as(citizen, HTTP_ACCEPT_LANGUAGE="hi").get(MINE).content.decode()
    assert "मेरा परिवार" in page and "आशा ठाकुर" in page
