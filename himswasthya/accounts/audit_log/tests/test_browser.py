from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import sign_in_page
from himswasthya.audit import chain, services


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_state_admin_opens_the_audit_log_and_sees_entries(page, live_server, state_admin, clerk):
    services.record("person.read", object_type="people.Person", object_id="4242", purpose="opd", actor=clerk)
    chain.seal_pending()
    # Persona login pages are being built in parallel: reuse a test-client session in the browser.
    sign_in_page(page, live_server, state_admin)
    page.goto("/audit/")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    row = page.get_by_role("row").filter(has_text="4242")
    assert row.count() == 1
    assert "person.read" in row.inner_text() and "clerk_rampur" in row.inner_text()
    page.get_by_label("Action").fill("audit.")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit/?*action=audit.*")
    assert page.get_by_role("row").filter(has_text="4242").count() == 0
