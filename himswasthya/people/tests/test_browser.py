"""A clerk searches a name typed in Devanagari in a real browser and opens the patient's profile."""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.audit.models import AuditEntry
from himswasthya.people.tests.conftest import first


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_searches_a_devanagari_name_and_opens_the_profile(page, live_server, clerk, people):
    rajesh = first(people, "Rajesh Thakur")
    sign_in_page(page, live_server, clerk)

    page.goto("/people/search/")
    page.get_by_label("Name (Roman or Devanagari)", exact=False).fill("राजेश ठाकुर")
    page.get_by_label("Purpose").select_option("treatment")
    page.get_by_role("button", name="Search").click()

    links = page.get_by_test_id("person-link")
    links.first.wait_for()
    assert links.count() == 1  # the Kangra namesake is outside the clerk's district
    assert "Rajesh Thakur" in page.get_by_test_id("results").inner_text()
    links.first.click()

    page.get_by_test_id("person-name").wait_for()
    assert "राजेश ठाकुर" in page.get_by_test_id("person-name").inner_text()
    identifiers = page.get_by_test_id("identifiers").inner_text()
    assert "HPM00000001" in identifiers
    assert page.url.endswith(f"/people/{rajesh.pk}/?purpose=treatment")
    assert AuditEntry.objects.filter(
        action="person.read", object_id=str(rajesh.pk), purpose="treatment"
    ).exists()
