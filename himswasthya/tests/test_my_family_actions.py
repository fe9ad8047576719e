"""The actions on each member's row of the citizen's "My family" page (issue #12 item 6): book an OPD
appointment for the member, the family's HIMCARE card (or how to enrol), link an ABHA. They cross apps
(himparivar's page, registration's booking, himcare's card, abdm's linking), so the tests live above them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from himswasthya.himcare.models import Enrolment, EnrolmentStatus
from himswasthya.himcare.tests.factories import make_active_enrolment, make_family, make_scheme_year

pytestmark = pytest.mark.django_db
MINE = "/families/mine/"


@pytest.fixture
def family(citizen, persona_district):
    """The citizen persona (Asha), her husband, their daughter and her late mother-in-law."""
    family, _members = make_family(
        persona_district,
        [
            {"name_roman": "Asha Devi", "sex": "F", "year_of_birth": 1980, "mobile": citizen.mobile},
            {"name_roman": "Ramesh Thakur", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND"},
            {"name_roman": "Anu Thakur", "sex": "F", "year_of_birth": 2012, "relation": "DAUGHTER"},
            {
                "name_roman": "Kaushalya Thakur",
                "sex": "F",
                "year_of_birth": 1940,
                "relation": "MOTHER",
                "status": "DECEASED",
            },
        ],
        family_id="HP-FAM-ACT-1",
    )
    return family


@pytest.fixture
def stranger(persona_district):
    _family, (member,) = make_family(
        persona_district, [{"name_roman": "Mohan Negi", "mobile": "9816111111"}], family_id="HP-FAM-ACT-2"
    )
    return member


def _member(family, name: str):
    return family.members.get(name_roman=name)


def _rows(html: str) -> dict[str, str]:
    """{member's Roman name: the HTML of their row}."""
    rows = re.findall(r'<tr data-testid="member">(.*?)</tr>', html, flags=re.S)
    return {re.search(r'<span lang="en">(.*?)</span>', row).group(1): row for row in rows}


def _page(client) -> dict[str, str]:
    response = client.get(MINE)
    assert response.status_code == 200
    return _rows(response.content.decode())


def _book_url(member) -> str:
    return f"{reverse('registration:book')}?person={member.person_id}"


def test_a_living_member_can_be_booked_for_and_get_an_abha(login_as, citizen, family):
    rows = _page(login_as(citizen))
    for name in ("Asha Devi", "Ramesh Thakur", "Anu Thakur"):
        member = _member(family, name)
        assert f'data-testid="book" href="{_book_url(member)}"' in rows[name]
        assert ">Book an OPD appointment</a>" in rows[name]
    ramesh = _member(family, "Ramesh Thakur")
    link = reverse("abdm:link_person", args=[ramesh.person_id])
    assert f'data-testid="link-abha" href="{link}"' in rows["Ramesh Thakur"]


def test_a_deceased_member_gets_no_actions(login_as, citizen, family, scheme_year_in_force):
    rows = _page(login_as(citizen))
    late = rows["Kaushalya Thakur"]
    assert "member-actions" not in late and "href=" not in late
    assert all("member-actions" in rows[n] for n in ("Asha Devi", "Ramesh Thakur", "Anu Thakur"))


def test_a_member_with_an_abha_is_not_offered_to_link_one(login_as, citizen, family):
    ramesh = _member(family, "Ramesh Thakur")
    ramesh.person.identifiers.create(id_type="ABHA_NUMBER", value="91760487647595", verified=True)
    rows = _page(login_as(citizen))
    assert "link-abha" not in rows["Ramesh Thakur"] and "91-XXXX-XXXX-7595" in rows["Ramesh Thakur"]
    assert "link-abha" in rows["Asha Devi"]


@pytest.fixture
def scheme_year_in_force(db):
    return make_scheme_year()


def test_the_card_is_offered_only_with_an_enrolment_in_force(login_as, citizen, family, scheme_year_in_force):
    enrolment = make_active_enrolment(
        family, scheme_year_in_force, members=list(family.members.exclude(status="DECEASED"))
    )
    client = login_as(citizen)
    rows = _page(client)
    card = reverse("himcare:card", kwargs={"enrolment_id": enrolment.pk})
    for name in ("Asha Devi", "Ramesh Thakur", "Anu Thakur"):
        assert f'data-testid="himcare-card" href="{card}"' in rows[name]
        assert ">HIMCARE card</a>" in rows[name]
    assert "himcare" not in rows["Kaushalya Thakur"]
    assert client.get(card)["Content-Type"] == "application/pdf"

    # Once the card has lapsed the row offers to enrol again, not the old card.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    rows = _page(client)
    assert "himcare-card" not in rows["Ramesh Thakur"]
    assert f'data-testid="himcare-enrol" href="{reverse("himcare:my_card")}"' in rows["Ramesh Thakur"]


def test_a_member_left_out_of_the_card_gets_no_card(login_as, citizen, family, scheme_year_in_force):
    asha = _member(family, "Asha Devi")
    make_active_enrolment(family, scheme_year_in_force, members=[asha])
    rows = _page(login_as(citizen))
    assert "himcare-card" in rows["Asha Devi"]
    assert "himcare" not in rows["Ramesh Thakur"]  # nor an offer to enrol: the family holds a card


def test_without_a_card_the_row_offers_to_enrol_or_to_pay(login_as, citizen, family, scheme_year_in_force):
    client = login_as(citizen)
    my_card = reverse("himcare:my_card")
    assert f'data-testid="himcare-enrol" href="{my_card}">Enrol in HIMCARE</a>' in _page(client)["Anu Thakur"]
    hindi = _page(login_as(citizen, HTTP_ACCEPT_LANGUAGE="hi"))["Anu Thakur"]
    assert ">हिमकेयर में नामांकन करें</a>" in hindi

    enrolment = make_active_enrolment(family, scheme_year_in_force)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.PENDING_PAYMENT, card_number=None)
    row = _page(client)["Anu Thakur"]
    assert f'data-testid="himcare-pay" href="{my_card}">Pay the HIMCARE premium</a>' in row


def test_no_himcare_link_outside_a_scheme_year(login_as, citizen, family):
    assert all("himcare" not in row for row in _page(login_as(citizen)).values())


def test_the_actions_speak_hindi(login_as, citizen, family, scheme_year_in_force):
    make_active_enrolment(family, scheme_year_in_force)
    hindi = _page(login_as(citizen, HTTP_ACCEPT_LANGUAGE="hi"))["Ramesh Thakur"]
    assert ">ओपीडी अपॉइंटमेंट बुक करें</a>" in hindi and ">हिमकेयर कार्ड</a>" in hindi
    with translation.override("hi"):
        link_abha = gettext("Link ABHA")  # the ABHA pages' own wording, whichever catalogue holds it
    assert re.search("[\u0900-\u097f]", link_abha) and f">{link_abha}</a>" in hindi
    english = _page(login_as(citizen))["Ramesh Thakur"]
    assert ">Link ABHA</a>" in english and not re.search("[\u0900-\u097f]", english)


def test_the_booking_link_starts_with_the_member_chosen(login_as, citizen, family, stranger):
    client = login_as(citizen)
    ramesh = _member(family, "Ramesh Thakur")
    step_two = client.get(_book_url(ramesh)).content.decode()
    assert 'data-testid="booking-for"' in step_two and "Ramesh Thakur" in step_two
    assert f'name="person" value="{ramesh.person_id}"' in step_two

    # Someone else's person id in the address is ignored: back to choosing among the family.
    step_one = client.get(_book_url(stranger)).content.decode()
    assert 'data-testid="booking-for"' not in step_one and "Mohan Negi" not in step_one
    assert f'value="{ramesh.person_id}"' in step_one
