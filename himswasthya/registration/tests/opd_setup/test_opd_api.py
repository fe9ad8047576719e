"""OPD configuration API: public schedule; changes only by the facility's administrator."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from himswasthya.facilities.models import OpdClosure, OpdPolicy, OpdSession

pytestmark = pytest.mark.django_db
SESSION = {
    "department": "general-medicine",
    "weekday": 0,
    "kind": "morning",
    "starts_at": "09:30",
    "ends_at": "13:00",
    "online_quota": 40,
    "walk_in_quota": 60,
}


def _send(client, method, url, payload=None):
    return getattr(client, method)(url, data=json.dumps(payload or {}), content_type="application/json")


def _base(facility):
    return f"/api/facilities/{facility.code}/opd"


def test_the_schedule_is_public(client, login_as, facility_admin, opd_facility, medicine):
    admin = login_as(facility_admin)
    assert _send(admin, "post", f"{_base(opd_facility)}/sessions", SESSION).status_code == 201
    body = client.get(f"{_base(opd_facility)}/").json()
    assert body["policy"] == {"booking_window_days": 7, "cancellation_cutoff_minutes": 120}
    [session] = body["sessions"]
    assert session["department"] == "general-medicine" and session["starts_at"].startswith("09:30")
    assert client.get("/api/facilities/NO-SUCH/opd/").status_code == 404


def test_put_policy(login_as, facility_admin, opd_facility):
    client = login_as(facility_admin)
    response = _send(
        client,
        "put",
        f"{_base(opd_facility)}/policy",
        {"booking_window_days": 30, "cancellation_cutoff_minutes": 30},
    )
    assert response.status_code == 200 and OpdPolicy.objects.get().booking_window_days == 30
    response = _send(
        client,
        "put",
        f"{_base(opd_facility)}/policy",
        {"booking_window_days": 0, "cancellation_cutoff_minutes": 30},
    )
    assert response.status_code == 400 and response.json()["field"] == "booking_window_days"


def test_post_and_patch_sessions(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    created = _send(client, "post", f"{_base(opd_facility)}/sessions", SESSION).json()
    url = f"{_base(opd_facility)}/sessions/{created['id']}"
    response = _send(client, "patch", url, {"online_quota": 10})
    assert response.status_code == 200 and response.json()["online_quota"] == 10
    response = _send(client, "patch", url, {"ends_at": "09:00"})
    assert response.status_code == 400 and response.json()["field"] == "ends_at"
    assert _send(client, "patch", url, {"is_active": False}).json()["is_active"] is False
    assert not OpdSession.objects.get().is_active
    response = _send(
        client, "post", f"{_base(opd_facility)}/sessions", {**SESSION, "department": "cardiology"}
    )
    assert response.status_code == 400 and response.json()["field"] == "department"
    response = _send(client, "post", f"{_base(opd_facility)}/sessions", {**SESSION, "department": "nope"})
    assert response.status_code == 404


def test_overlap_is_a_conflict(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    _send(client, "post", f"{_base(opd_facility)}/sessions", SESSION)
    response = _send(client, "post", f"{_base(opd_facility)}/sessions", {**SESSION, "kind": "evening"})
    assert response.status_code == 409


def test_post_and_delete_closures(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = _send(
        client,
        "post",
        f"{_base(opd_facility)}/closures",
        {"date": day, "reason": "Fair", "department": "general-medicine"},
    )
    assert response.status_code == 201 and response.json()["department"] == "general-medicine"
    closure_id = response.json()["id"]
    assert client.delete(f"{_base(opd_facility)}/closures/{closure_id}").status_code == 204
    assert not OpdClosure.objects.exists()


def test_changes_need_the_facilitys_own_admin(
    client, login_as, clerk, opd_facility, persona_other_facility, medicine
):
    from himswasthya.accounts.tests.fixtures import _user

    assert _send(client, "post", f"{_base(opd_facility)}/sessions", SESSION).status_code == 401
    assert _send(login_as(clerk), "post", f"{_base(opd_facility)}/sessions", SESSION).status_code == 403
    other_admin = _user("other_admin", "facility_admin", facility=persona_other_facility)
    response = _send(login_as(other_admin), "post", f"{_base(opd_facility)}/sessions", SESSION)
    assert response.status_code == 404
    assert not OpdSession.objects.exists()


def test_the_opd_endpoints_are_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/facilities/{code}/opd/" in paths
    assert {"put"} <= set(paths["/api/facilities/{code}/opd/policy"])
    assert {"post"} <= set(paths["/api/facilities/{code}/opd/sessions"])
    assert {"delete"} <= set(paths["/api/facilities/{code}/opd/closures/{closure_id}"])
