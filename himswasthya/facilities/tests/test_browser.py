"""Browser test of the public facility directory: filter by district, switch to Hindi, see Hindi names."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_filters_by_district_and_reads_hindi_names(page, hp_facilities):
    page.goto("/facilities/")
    page.get_by_label("District").select_option("23")
    page.get_by_label("Type of facility").select_option("MC")
    page.get_by_role("button", name="Show facilities").click()
    page.wait_for_url("**district=23**")
    assert page.get_by_role("link", name="IGMC").count() == 1
    assert page.get_by_text("1 facility found").is_visible()

    page.get_by_role("button", name="हिन्दी").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "hi"
    link = page.get_by_role("link", name="इंदिरा गांधी चिकित्सा महाविद्यालय", exact=False)
    assert link.count() == 1
    assert "शिमला" in page.locator(".facility-list").inner_text()  # the district, in Hindi
    assert page.get_by_label("ज़िला").input_value() == "23"  # the filter survived the switch
