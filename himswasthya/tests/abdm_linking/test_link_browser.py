# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""Link-ABHA in headless Chromium: a clerk opens a person, verifies the simulator's ABHA by OTP, sees the
match score and links it; the person's page then shows the ABHA as XX-XXXX-XXXX-XXXX."""

from __future__ import annotations

import pytest

from himswasthya.abdm.tests.conftest import DEMO_ABHA
from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.people.models import PersonIdentifier

from .link_fixtures import _english_by_default, asha_family, ramesh  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_the_demo_abha(page) -> None:
    """On a person's Link-ABHA page: the simulator's demo ABHA, consent, its OTP, and Link."""
    page.get_by_role("textbox", name="ABHA Number").fill(DEMO_ABHA)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send OTP").click()
    page.get_by_role("textbox", name="OTP").fill("123456")
    page.get_by_role("button", name="Verify OTP").click()
    page.get_by_role("button", name="Link ABHA").click()


def test_a_clerk_links_an_abha_to_a_person(abdm_sim, demo_account, ramesh, clerk, page, live_server):
    sign_in_page(page, live_server, clerk)
    page.goto(f"/abdm/link/person/{ramesh.pk}/")
    assert page.get_by_test_id("linked-abha").inner_text() == "Not linked"
    page.get_by_role("textbox", name="ABHA Number").fill(DEMO_ABHA)
    assert page.get_by_test_id("consent-text").is_visible()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send OTP").click()
    page.get_by_role("textbox", name="OTP").fill("123456")
    page.get_by_role("button", name="Verify OTP").click()
    assert page.get_by_test_id("match-score").inner_text() == "100"
    assert page.get_by_test_id("match-breakdown").is_visible()
    page.get_by_role("button", name="Link ABHA").click()
    assert page.get_by_test_id("outcome").get_attribute("data-status") == "linked"
    page.goto(f"/abdm/link/person/{ramesh.pk}/")
    assert page.get_by_test_id("linked-abha").inner_text() == "91-7604-8764-7595"
    page.get_by_test_id("person-record").click()  # the patient index's own page of the person
    assert "91-7604-8764-7595" in page.get_by_test_id("identifiers").inner_text()
    assert PersonIdentifier.objects.filter(person=ramesh, id_type="ABHA_NUMBER", verified=True).exists()


def test_a_poor_match_is_refused_with_reasons_in_the_browser(
    abdm_sim, demo_account, persona_district, clerk, page, live_server
):
    from .link_fixtures import make_person

    sister = make_person(
        persona_district,
        given_name="Sunita",
        name_roman="Sunita Thakur",
        name_deva="",
        sex="F",
        mobile="9816000077",
    )
    sign_in_page(page, live_server, clerk)
    page.goto(f"/abdm/link/person/{sister.pk}/")
    _link_the_demo_abha(page)
    outcome = page.get_by_test_id("outcome")
    assert outcome.get_attribute("data-status") == "refused"
    assert "Sex differs." in outcome.inner_text()
    assert not PersonIdentifier.objects.exists()


def test_a_citizen_links_her_husbands_abha_from_my_family(
    abdm_sim, demo_account, asha_family, citizen, page, live_server
):
    sign_in_page(page, live_server, citizen)
    page.goto("/families/mine/")
    husband = page.get_by_test_id("member").filter(has_text="Ramesh Thakur")
    husband.get_by_role("link", name="Link ABHA").click()
    _link_the_demo_abha(page)
    assert page.get_by_test_id("outcome").get_attribute("data-status") == "linked"
    page.get_by_role("link", name="Back to my family").click()
    row = page.get_by_test_id("member").filter(has_text="Ramesh Thakur")
    assert row.get_by_test_id("has-abha").inner_text() == "91-XXXX-XXXX-7595"
