"""Issue #10 item 4 (SEC-27): page numbers, offsets and limits far beyond any int the database takes
(page=12925277351764529152), negative or not numbers, are a clean answer - never a 500."""

from __future__ import annotations

import pytest

HUGE = "12925277351764529152"  # > 2**63: SQLite and PostgreSQL refuse it as an OFFSET/LIMIT
ODD = [HUGE, "-" + HUGE, "-1", "0", "abc", "1e9", "NaN", "१", "2.5"]


@pytest.mark.parametrize("page", ODD)
def test_html_lists_clamp_the_page(login_as, state_admin, himcare_officer, page):
    for client, url in (
        (login_as(state_admin), "/audit/"),
        (login_as(state_admin), "/facilities/"),
        (login_as(himcare_officer), "/himcare/enrolments/"),
    ):
        response = client.get(url, {"page": page})
        assert response.status_code == 200, (url, page, response.status_code)


@pytest.mark.parametrize("page", [HUGE, "-1", "0", "abc"])
def test_audit_api_page_is_422_or_clamped(login_as, state_admin, page):
    response = login_as(state_admin).get("/api/audit/entries", {"page": page})
    assert response.status_code in (200, 422), response.status_code
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1", "0"])
def test_api_offsets_and_limits(login_as, himcare_officer, value):
    api = login_as(himcare_officer)
    for url, params in (
        ("/api/himcare/packages", {"offset": value}),
        ("/api/himcare/packages", {"limit": value}),
        ("/api/himcare/cases", {"limit": value}),
        ("/api/himcare/monitoring/flags", {"limit": value}),
    ):
        response = api.get(url, params)
        assert response.status_code in (200, 422), (url, params, response.status_code)
        assert response["Content-Type"].startswith("application/json")
