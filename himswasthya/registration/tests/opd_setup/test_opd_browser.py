"""The facility administrator sets up the OPD timetable on a phone-sized screen, then reads it in Hindi."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from himswasthya.accounts.tests.fixtures import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_facility_admin_adds_a_session_and_a_closure(
    facility_admin, opd_facility, medicine, page, live_server
):
    sign_in_page(page, live_server, facility_admin)
    page.goto(f"/facilities/{opd_facility.code}/opd/")
    assert page.get_by_text("No OPD sessions set up yet.").is_visible()

    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Department").select_option(label="General medicine")
    page.get_by_label("Weekday").select_option(label="Wednesday")
    page.get_by_label("Session").select_option(label="Morning")
    page.get_by_label("Starts at").fill("09:30")
    page.get_by_label("Ends at").fill("13:00")
    page.get_by_label("Online quota").fill("40")
    page.get_by_label("Walk-in quota").fill("60")
    page.get_by_role("button", name="Save session").click()
    assert page.get_by_text("The session was saved.").is_visible()
    grid = page.get_by_test_id("opd-grid")
    row = grid.get_by_role("row").filter(has_text="General medicine")
    wednesday = row.get_by_role("cell").nth(2)  # Monday, Tuesday, Wednesday after the row header
    assert "09:30–13:00" in wednesday.inner_text() and "40 online · 60 walk-in" in wednesday.inner_text()

    day = timezone.localdate() + dt.timedelta(days=5)
    page.get_by_role("link", name="Add a closure").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Reason").fill("Local fair")
    page.get_by_role("button", name="Add closure").click()
    assert page.get_by_role("cell", name="Local fair").is_visible()
    assert page.get_by_role("cell", name="Whole facility").is_visible()

    page.get_by_role("button", name="हिन्दी").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "hi"
    assert page.get_by_role("heading", name="ओपीडी समय-सारणी").is_visible()
    assert page.get_by_role("columnheader", name="बुधवार").is_visible()
    assert "सामान्य चिकित्सा" in page.get_by_test_id("opd-grid").inner_text()
    assert page.get_by_role("cell", name="पूरी संस्था").is_visible()
