from __future__ import annotations

import pytest

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry
from himswasthya.audit.tests.conftest import as_attacker, raw

ENTRIES, VERIFY = "/api/audit/entries", "/api/audit/verify"


@pytest.fixture
def entries(districts, clerk):
    services.record("person.read", object_type="people.Person", object_id="11", purpose="opd", actor=clerk)
    services.record(
        "family.read", object_type="himparivar.Family", object_id="77", district_id=districts[1].pk
    )
    chain.seal_pending()


def test_anonymous_callers_get_401(client, entries):
    assert client.get(ENTRIES).status_code == 401
    assert client.get(VERIFY).status_code == 401


def test_a_clerk_gets_403(client, clerk, entries):
    client.force_login(clerk)
    response = client.get(ENTRIES)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get(VERIFY).status_code == 403


def test_the_state_admin_lists_all_entries(client, state_admin, entries):
    client.force_login(state_admin)
    data = client.get(ENTRIES).json()
    assert data["count"] == 2 and data["page"] == 1
    item = next(i for i in data["items"] if i["action"] == "person.read")
    assert item["actor_username"] == "clerk_rampur" and item["actor_role"] == "clerk"
    assert item["sealed"] is True and len(item["entry_hash"]) == 64 and item["seq"] is not None


def test_a_district_officer_lists_only_their_district(client, kangra_officer, shimla_officer, entries):
    client.force_login(kangra_officer)
    assert [i["action"] for i in client.get(ENTRIES).json()["items"]] == ["family.read"]
    client.force_login(shimla_officer)
    assert [i["action"] for i in client.get(ENTRIES).json()["items"]] == ["person.read"]


def test_the_api_filters_pages_and_is_audited(client, state_admin, entries):
    client.force_login(state_admin)
    data = client.get(ENTRIES, {"object_type": "himparivar.Family", "page_size": 1}).json()
    assert [i["object_id"] for i in data["items"]] == ["77"]
    assert client.get(ENTRIES, {"page_size": 1000}).status_code == 422
    assert AuditEntry.objects.filter(action="audit.read", actor=state_admin).count() == 1


def test_verify_reports_a_sound_chain_to_the_state_admin(client, state_admin, entries):
    client.force_login(state_admin)
    data = client.get(VERIFY).json()
    assert data["ok"] is True and data["checked"] >= 2 and data["problem"] == ""


def test_verify_names_the_tampered_entry(client, state_admin, entries):
    victim = AuditEntry.objects.get(action="family.read")
    with as_attacker():
        raw(f"UPDATE {AuditEntry._meta.db_table} SET purpose = 'x' WHERE id = %s", [victim.id])
    client.force_login(state_admin)
    data = client.get(VERIFY).json()
    assert (data["ok"], data["problem"], data["first_bad_id"]) == (False, "tampered", victim.id)


def test_a_district_officer_may_not_verify(client, shimla_officer, entries):
    client.force_login(shimla_officer)
    assert client.get(VERIFY).status_code == 403
