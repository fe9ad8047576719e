"""The sync status page and POST /api/himparivar/sync, against the simulator over HTTP (live_server)."""

from __future__ import annotations

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.himparivar.importer import import_file
from himswasthya.himparivar.models import Member, SyncState
from himswasthya.himparivar.sync.simulator import add_change
from himswasthya.himparivar.tests.register_files import sample_families, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(settings, live_server, geography, tmp_path):
    settings.HIMPARIVAR_API_URL = f"{live_server.url}/himparivar-sim"
    settings.HIMPARIVAR_API_TOKEN = ""
    import_file(write_csv(tmp_path / "export.csv", sample_families()))
    add_change("member.deceased", member_id="HPM-T-0007", date_of_death="2026-02-01")
    add_change("member.deceased", member_id="HPM-T-0006")


def test_the_state_admin_syncs_from_the_page(register, login_as, state_admin):
    client = login_as(state_admin)
    response = client.post("/families/sync/")
    assert response.status_code == 302

    page = client.get("/families/sync/").content.decode()
    assert 'data-testid="applied">2<' in page
    assert Member.objects.filter(status="DECEASED").count() == 2
    entry = AuditEntry.objects.get(action="himparivar.sync")
    assert entry.actor == state_admin and entry.detail == {"pages": 1, "applied": 2, "rejected": 0}


def test_the_api_syncs_and_returns_counts(register, login_as, state_admin):
    response = login_as(state_admin).post("/api/himparivar/sync")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] == 2 and body["cursor"] == SyncState.objects.get().cursor


def test_an_unreachable_register_is_shown_as_an_error(settings, register, login_as, state_admin):
    settings.HIMPARIVAR_API_URL = "http://127.0.0.1:9"
    settings.HIMPARIVAR_RETRIES = 0
    response = login_as(state_admin).post("/families/sync/")
    assert response.status_code == 502 and "could not be reached" in response.content.decode()
    api = login_as(state_admin).post("/api/himparivar/sync")
    assert api.status_code == 502 and api.json()["code"] == "unreachable"
    assert SyncState.objects.get().last_error
