"""Issue #10 item 6: a scheme desk opens a case (page) or raises a pre-authorisation (API) only for a member
of a family that the same user verified (identifier and second fact) in the same session within
HIMCARE_VERIFIED_FAMILY_HOURS. Regression: `/himcare/cases/new/?enrolled_member=<id>` showed any district's
member (name, card number, family balance) to any desk, and `POST /api/himcare/preauths` took any id,
skipping the verification, its second fact and its rate limit."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from himswasthya.himcare.enrolment.verification import VERIFIED_FAMILIES_SESSION_KEY
from himswasthya.himcare.models import Case
from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_family,
    needed_papers,
    paper_uploads,
    verify_at_desk,
)

NEW = "/himcare/cases/new/"
PREAUTHS = "/api/himcare/preauths"


@pytest.fixture
def world(active_enrolment, surgery_package, empanelment, gallstone_icd10):
    member = active_enrolment.members.select_related("member", "enrolment").order_by("id")[1]
    return {"enrolment": active_enrolment, "member": member, "package": surgery_package}


def _page(client, world):
    return client.get(f"{NEW}?enrolled_member={world['member'].pk}")


def _preauth(client, world, member_id=None):
    return client.post(
        PREAUTHS,
        {
            "enrolled_member_id": member_id or world["member"].pk,
            "package_ids": [world["package"].pk],
            "provisional_icd10_codes": ["K80.2"],
            "documents": needed_papers([world["package"]]),
        },
        content_type="application/json",
    )


def _shows_nothing(response, world) -> None:
    body = response.content.decode()
    assert world["member"].member.name_roman not in body
    assert world["enrolment"].card_number not in body and "₹" not in body


def test_page_refuses_a_member_the_desk_has_not_verified(login_as, scheme_desk, world):
    desk = login_as(scheme_desk)
    response = _page(desk, world)
    assert response.status_code == 403
    assert "Verify this beneficiary first" in response.content.decode()
    _shows_nothing(response, world)
    posted = desk.post(
        NEW,
        {"enrolled_member": world["member"].pk, "packages": [world["package"].pk], "icd10_codes": "K80.2"},
    )
    assert posted.status_code == 403 and not Case.objects.exists()
    # An id that does not exist gets the same refusal (no probing which ids exist).
    missing = desk.get(f"{NEW}?enrolled_member=99999999")
    assert missing.status_code == 403 and "Verify this beneficiary first" in missing.content.decode()


def test_page_refusal_in_hindi(login_as, scheme_desk, world):
    with translation.override("hi"):
        response = login_as(scheme_desk, HTTP_ACCEPT_LANGUAGE="hi").get(
            f"{NEW}?enrolled_member={world['member'].pk}"
        )
    assert response.status_code == 403 and "पहले इस लाभार्थी का सत्यापन करें" in response.content.decode()


def test_page_refuses_a_family_another_user_verified(login_as, scheme_desk, facility_admin, world):
    verify_at_desk(login_as(facility_admin), world["enrolment"], via="page")
    desk = login_as(scheme_desk)
    response = _page(desk, world)
    assert response.status_code == 403
    _shows_nothing(response, world)
    # Nor does an entry another user left in this session count (a session that outlived its user).
    session = desk.session
    session[VERIFIED_FAMILIES_SESSION_KEY] = {
        str(world["enrolment"].family_id): [facility_admin.pk, timezone.now().timestamp()]
    }
    session.save()
    assert _page(desk, world).status_code == 403


def test_page_opens_for_a_family_the_desk_verified_until_it_lapses(login_as, scheme_desk, world, settings):
    desk = login_as(scheme_desk)
    verify_at_desk(desk, world["enrolment"], via="page")
    response = _page(desk, world)
    assert response.status_code == 200 and world["member"].member.name_roman in response.content.decode()
    created = desk.post(
        NEW,
        {
            "enrolled_member": world["member"].pk,
            "packages": [world["package"].pk],
            "icd10_codes": "K80.2",
            **paper_uploads([world["package"]]),
        },
    )
    assert created.status_code == 302 and Case.objects.count() == 1
    # Another family (not verified) stays closed to this desk.
    other_family, _ = make_family(world["enrolment"].family.district)
    other = make_active_enrolment(other_family, world["enrolment"].scheme_year).members.order_by("pk")[0]
    assert desk.get(f"{NEW}?enrolled_member={other.pk}").status_code == 403
    # After HIMCARE_VERIFIED_FAMILY_HOURS the verification has lapsed.
    session = desk.session
    entry = session[VERIFIED_FAMILIES_SESSION_KEY][str(world["enrolment"].family_id)]
    entry[1] -= settings.HIMCARE_VERIFIED_FAMILY_HOURS * 3600 + 1
    session.save()
    assert _page(desk, world).status_code == 403


def test_api_refuses_a_member_the_desk_has_not_verified(login_as, scheme_desk, world):
    desk = login_as(scheme_desk)
    response = _preauth(desk, world)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "verification_required" and body["field"] == "enrolled_member_id"
    assert "Verify this beneficiary first" in body["message"]
    missing = _preauth(desk, world, member_id=99999999)
    assert missing.status_code == 403 and missing.json() == body
    assert not Case.objects.exists()


def test_api_refuses_a_family_another_user_verified(login_as, scheme_desk, facility_admin, world):
    verify_at_desk(login_as(facility_admin), world["enrolment"])
    response = _preauth(login_as(scheme_desk), world)
    assert response.status_code == 403 and response.json()["code"] == "verification_required"
    assert not Case.objects.exists()


def test_api_raises_for_a_family_the_desk_verified(login_as, scheme_desk, world):
    desk = login_as(scheme_desk)
    verify_at_desk(desk, world["enrolment"])
    response = _preauth(desk, world)
    assert response.status_code == 201, response.content
    assert Case.objects.get().enrolled_member_id == world["member"].pk


def test_verifying_on_the_page_opens_the_api_too(login_as, scheme_desk, world):
    """One session, one record: a verification on the page counts for the API and the other way round."""
    desk = login_as(scheme_desk)
    verify_at_desk(desk, world["enrolment"], via="page")
    assert _preauth(desk, world).status_code == 201


def test_a_choice_of_families_verifies_none(login_as, scheme_desk, world, citizen):
    """A mobile shared by two families answers with a choice: neither family counts as verified."""
    make_family(
        world["enrolment"].family.district,
        [{"name_roman": "Kusum Lata", "sex": "F", "year_of_birth": 1980, "mobile": citizen.mobile}],
    )
    desk = login_as(scheme_desk)
    choice = desk.post(
        "/api/himcare/verify", {"q": citizen.mobile, "second_fact": "1980"}, content_type="application/json"
    )
    assert choice.status_code == 200 and choice.json()["needs_choice"]
    assert _page(desk, world).status_code == 403
