from __future__ import annotations

import pytest
from django.urls import reverse

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry

URL = "/audit/"


@pytest.fixture
def entries(districts, clerk, facility):
    shimla, kangra = districts
    services.record("person.read", object_type="people.Person", object_id="11", purpose="opd", actor=clerk)
    services.record("person.update", object_type="people.Person", object_id="12", purpose="opd", actor=clerk)
    services.record(
        "family.read",
        object_type="himparivar.Family",
        object_id="77",
        purpose="himcare",
        district_id=kangra.pk,
    )
    chain.seal_pending()


def test_the_url_is_audit():
    assert reverse("audit:entries") == URL


def test_anonymous_visitors_are_sent_to_login(client, entries):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=/audit/" in response["Location"]


def test_a_clerk_is_refused(client, clerk, entries):
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    assert not AuditEntry.objects.filter(action="audit.read").exists()


def test_the_state_admin_sees_every_entry(client, state_admin, entries):
    client.force_login(state_admin)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "person.read" in body and "person.update" in body and "family.read" in body
    assert "clerk_rampur" in body
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_a_district_officer_sees_only_their_district(client, shimla_officer, kangra_officer, entries):
    def actions(user) -> set[str]:
        client.force_login(user)
        return {e.action for e in client.get(URL).context["page"].object_list}

    assert actions(shimla_officer) == {"person.read", "person.update"}
    # Kangra's officer also sees their own audit.read entries, never Shimla's.
    assert actions(kangra_officer) == {"family.read"}
    assert actions(kangra_officer) == {"family.read", "audit.read"}


def test_filters_narrow_the_list(client, state_admin, entries):
    client.force_login(state_admin)
    page = client.get(URL, {"action": "person."}).context["page"]
    assert {e.action for e in page.object_list} == {"person.read", "person.update"}
    page = client.get(URL, {"object_type": "people.Person", "object_id": "12"}).context["page"]
    assert [e.action for e in page.object_list] == ["person.update"]
    page = client.get(URL, {"actor": "clerk_rampur"}).context["page"]
    assert page.paginator.count == 2
    page = client.get(URL, {"date_from": "2000-01-01", "date_to": "2000-01-02"}).context["page"]
    assert page.paginator.count == 0


def test_a_bad_date_range_is_reported_on_the_field(client, state_admin, entries):
    client.force_login(state_admin)
    response = client.get(URL, {"date_from": "2026-02-02", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


def test_reading_the_audit_log_is_audited(client, shimla_officer, districts, entries):
    client.force_login(shimla_officer)
    client.get(URL, {"action": "person.read", "object_id": "234567890123"})
    entry = AuditEntry.objects.get(action="audit.read")
    assert entry.actor == shimla_officer and entry.district_id == districts[0].pk
    # Which filters were used, never their values.
    assert entry.detail == {"filters": ["action", "object_id"], "page": 1}
    assert entry.ip == "127.0.0.1"


def test_the_list_is_paginated(client, state_admin, db):
    for i in range(60):
        services.record("person.read", object_type="people.Person", object_id=i)
    client.force_login(state_admin)
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 50 and "page=2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    # 60 entries plus the audit.read of the first page.
    assert len(second.context["page"].object_list) == 11


def test_the_page_speaks_hindi(client, state_admin, entries):
    client.force_login(state_admin)
    client.cookies["django_language"] = "hi"
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "ऑडिट लॉग" in body


def test_districts_are_shown_by_name(client, state_admin, shimla_officer, entries):
    """Names come from places through audit's hook (audit/hooks.py), filled in PlacesConfig.ready()."""
    client.force_login(shimla_officer)
    assert "Entries of Shimla district only." in client.get(URL).content.decode()
    client.force_login(state_admin)
    response = client.get(URL)
    assert "All entries in the state." in response.content.decode()
    labels = {e.action: e.district_label for e in response.context["page"].object_list}
    assert labels["family.read"] == "Kangra" and labels["person.read"] == "Shimla"


def test_actions_are_shown_by_label_in_the_page_language_with_the_code_beside(client, state_admin, entries):
    """Issue #12 item 4: a reader sees "Person record read" (Hindi on a Hindi page), the code kept small;
    an action no longer in the list ("person.update") is shown by its code."""
    client.force_login(state_admin)
    cells = {e.action: str(e.action_label) for e in client.get(URL).context["page"].object_list}
    assert cells["person.read"] == "Person record read" and cells["person.update"] == "person.update"
    client.cookies["django_language"] = "hi"
    body = client.get(URL).content.decode()
    assert "व्यक्ति का रिकॉर्ड देखा <small><code>person.read</code></small>" in body
    assert "परिवार का रिकॉर्ड देखा <small><code>family.read</code></small>" in body
