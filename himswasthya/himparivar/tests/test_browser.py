"""A clerk finds a family by its id in a real browser and sees its members in both scripts."""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.himparivar.models import Family


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_searches_a_family_id_and_sees_the_members(
    page, live_server, clerk, register_families, persona_district
):
    family = Family.objects.filter(district=persona_district).order_by("family_id").first()
    members = list(family.members.order_by("id"))
    sign_in_page(page, live_server, clerk)

    page.goto("/families/")
    page.get_by_label("Family id, member id or mobile number").fill(family.family_id)
    page.get_by_label("Purpose").select_option("opd_registration")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=family.family_id).click()

    page.get_by_role("heading", name=f"Family {family.family_id}").wait_for()
    rows = page.get_by_test_id("member")
    assert rows.count() == len(members)
    table = page.get_by_test_id("members").inner_text()
    for member in members:
        assert member.name_roman in table
        assert member.name_deva in table
        if member.mobile:
            assert member.mobile not in table
