"""Issue #10 item 4 (SEC-27): a timezone-aware starts_at/ends_at ("09:30+05:30", "04:00Z") was a 500 on SQLite
(and compared badly with naive times everywhere). It is read as Indian Standard Time, the same on both
databases; quotas beyond any hall are refused with the field named."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from himswasthya.facilities.models import OpdSession
from himswasthya.registration.tests.opd_setup.test_opd_api import SESSION

pytestmark = pytest.mark.django_db


def _post(client, facility, payload):
    return client.post(
        f"/api/facilities/{facility.code}/opd/sessions", json.dumps(payload), content_type="application/json"
    )


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("09:30:00+05:30", "13:00:00+05:30"),  # IST written out
        ("04:00:00Z", "07:30:00Z"),  # the same in UTC
        ("04:00:00+00:00", "13:00"),  # aware and naive together
    ],
)
def test_aware_times_are_read_as_ist(login_as, facility_admin, opd_facility, medicine, starts_at, ends_at):
    response = _post(
        login_as(facility_admin), opd_facility, {**SESSION, "starts_at": starts_at, "ends_at": ends_at}
    )
    assert response.status_code == 201, response.content
    session = OpdSession.objects.get()
    assert session.starts_at == dt.time(9, 30) and session.ends_at == dt.time(13, 0)
    assert session.starts_at.tzinfo is None


def test_patch_with_an_aware_time(login_as, facility_admin, opd_facility, medicine):
    admin = login_as(facility_admin)
    created = _post(admin, opd_facility, SESSION).json()
    response = admin.patch(
        f"/api/facilities/{opd_facility.code}/opd/sessions/{created['id']}",
        json.dumps({"ends_at": "08:00:00Z"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert OpdSession.objects.get().ends_at == dt.time(13, 30)


@pytest.mark.parametrize("field", ["online_quota", "walk_in_quota"])
def test_a_huge_quota_is_refused(login_as, facility_admin, opd_facility, medicine, field):
    response = _post(login_as(facility_admin), opd_facility, {**SESSION, field: 10**20})
    assert response.status_code in (400, 422), response.content
    assert response.json()["field"] == field
