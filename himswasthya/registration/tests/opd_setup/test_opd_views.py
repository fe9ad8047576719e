"""OPD configuration pages: only the facility's own administrator (or a state admin) gets in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from himswasthya.facilities.models import OpdClosure, OpdPolicy, OpdSession, SessionKind

pytestmark = pytest.mark.django_db


def _url(facility, suffix=""):
    return f"/facilities/{facility.code}/opd/{suffix}"


def _add_session(client, facility, department, **overrides):
    data = {
        "department": department.pk,
        "weekday": 0,
        "kind": SessionKind.MORNING,
        "starts_at": "09:30",
        "ends_at": "13:00",
        "online_quota": 40,
        "walk_in_quota": 60,
    }
    data.update(overrides)
    return client.post(_url(facility, "sessions/add/"), data)


def test_anonymous_visitors_are_sent_to_login(client, opd_facility):
    response = client.get(_url(opd_facility))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_clerk_is_refused(login_as, clerk, opd_facility):
    assert login_as(clerk).get(_url(opd_facility)).status_code == 403


def test_an_admin_of_another_facility_gets_404(login_as, opd_facility, persona_other_facility):
    from himswasthya.accounts.tests.fixtures import _user

    other_admin = _user("other_admin", "facility_admin", facility=persona_other_facility)
    client = login_as(other_admin)
    assert client.get(_url(opd_facility)).status_code == 404
    assert _add_session(client, opd_facility, opd_facility.departments.first()).status_code == 404
    assert client.post(_url(opd_facility, "policy/"), {"booking_window_days": 3}).status_code == 404
    assert not OpdSession.objects.exists() and not OpdPolicy.objects.exists()


def test_the_facility_admin_adds_a_session_and_sees_it_in_the_grid(
    login_as, facility_admin, opd_facility, medicine
):
    client = login_as(facility_admin)
    response = _add_session(client, opd_facility, medicine)
    assert response.status_code == 302 and response["Location"] == _url(opd_facility)
    page = client.get(_url(opd_facility)).content.decode()
    assert "General medicine" in page and "09:30–13:00" in page and "40 online · 60 walk-in" in page
    assert "keep the quotas they were opened with" in page


def test_a_refused_session_shows_the_message_on_the_form(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    response = _add_session(client, opd_facility, medicine, starts_at="13:00", ends_at="09:00")
    assert response.status_code == 200
    assert "The session must end after it starts." in response.content.decode()
    assert not OpdSession.objects.exists()


def test_the_department_list_only_offers_the_facilitys_departments(
    login_as, facility_admin, opd_facility, not_offered
):
    client = login_as(facility_admin)
    response = _add_session(client, opd_facility, not_offered)
    assert response.status_code == 200 and not OpdSession.objects.exists()


def test_editing_and_removing_a_session(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    _add_session(client, opd_facility, medicine)
    session = OpdSession.objects.get()
    assert client.get(_url(opd_facility, f"sessions/{session.pk}/")).status_code == 200
    _add_session(client, opd_facility, medicine)  # same kind again: refused
    assert OpdSession.objects.count() == 1
    data = {
        "department": medicine.pk,
        "weekday": 0,
        "kind": "morning",
        "starts_at": "10:00",
        "ends_at": "12:00",
    }
    client.post(
        _url(opd_facility, f"sessions/{session.pk}/"), {**data, "online_quota": 5, "walk_in_quota": 5}
    )
    session.refresh_from_db()
    assert (session.starts_at, session.online_quota) == (dt.time(10), 5)
    client.post(_url(opd_facility, f"sessions/{session.pk}/remove/"))
    session.refresh_from_db()
    assert not session.is_active


def test_setting_the_policy(login_as, facility_admin, opd_facility):
    client = login_as(facility_admin)
    response = client.post(
        _url(opd_facility, "policy/"), {"booking_window_days": 91, "cancellation_cutoff_minutes": 60}
    )
    assert response.status_code == 200 and not OpdPolicy.objects.exists()
    client.post(_url(opd_facility, "policy/"), {"booking_window_days": 14, "cancellation_cutoff_minutes": 60})
    assert OpdPolicy.objects.get().booking_window_days == 14


def test_adding_and_removing_a_closure(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        _url(opd_facility, "closures/add/"), {"date": yesterday.isoformat(), "reason": "Fair"}
    )
    assert "A closure cannot be in the past." in response.content.decode()
    client.post(_url(opd_facility, "closures/add/"), {"date": tomorrow.isoformat(), "reason": "Local fair"})
    closure = OpdClosure.objects.get()
    assert closure.department is None
    assert "Local fair" in client.get(_url(opd_facility)).content.decode()
    client.post(_url(opd_facility, f"closures/{closure.pk}/remove/"))
    assert not OpdClosure.objects.exists()


def test_copying_a_weekday(login_as, facility_admin, opd_facility, medicine):
    client = login_as(facility_admin)
    _add_session(client, opd_facility, medicine)
    client.post(_url(opd_facility, "sessions/copy/"), {"from_weekday": 0, "to_weekdays": [1, 2, 3]})
    assert sorted(OpdSession.objects.values_list("weekday", flat=True)) == [0, 1, 2, 3]


def test_a_state_admin_may_configure_any_facility(login_as, state_admin, persona_other_facility):
    assert login_as(state_admin).get(_url(persona_other_facility)).status_code == 200


def test_the_public_timetable_shows_days_and_times_but_not_quotas(
    client, login_as, facility_admin, opd_facility, medicine
):
    _add_session(login_as(facility_admin), opd_facility, medicine)
    page = client.get(f"/facilities/{opd_facility.code}/timetable/").content.decode()
    assert "General medicine" in page and "09:30–13:00" in page and "walk-in" not in page
