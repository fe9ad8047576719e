"""The booking's cache of OPD sessions and policies (facilities/opd_services.py; in Redis with REDIS_URL,
else per process): edits take effect at once, a closure stops bookings at once, and nothing read inside a
transaction is cached.

Transactional tests: the cache is used only outside a transaction, as in a request."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from himswasthya.core.errors import DomainError
from himswasthya.facilities import opd_services
from himswasthya.facilities.models import OpdClosure, OpdSession
from himswasthya.people.services import do_issue_uhid
from himswasthya.registration import opd_setup, services
from himswasthya.registration.models import Appointment
from himswasthya.registration.tests.booking_fixtures import THURSDAY, WEDNESDAY, make_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    opd_services.clear_opd_cache()
    yield
    opd_services.clear_opd_cache()


def _book(clerk, district, session_id, date=THURSDAY, *, uhid=True):
    """As the API does: the session through the cache, then the service."""
    person = make_person(district)
    if uhid:
        do_issue_uhid(person, actor=clerk)  # a returning patient: the one-statement path on PostgreSQL
    session = services.session_for_booking(session_id)
    return services.do_book_appointment(actor=clerk, person=person, session=session, date=date)


@pytest.mark.parametrize("uhid", [True, False])
def test_a_closure_added_stops_bookings_at_once(
    clock, clerk, facility_admin, persona_district, persona_facility, thursday_session, uhid
):
    thursday_session.online_quota = 10
    thursday_session.save()
    _book(clerk, persona_district, thursday_session.pk, uhid=uhid)  # the cache is warm now
    with CaptureQueriesContext(connection) as queries:
        services.session_for_booking(thursday_session.pk)
    assert len(queries) == 0
    closure = opd_setup.do_add_opd_closure(
        actor=facility_admin,
        facility=persona_facility,
        date=THURSDAY,
        reason="Gazetted holiday",
        today=WEDNESDAY,
    )
    with pytest.raises(DomainError) as err:
        _book(clerk, persona_district, thursday_session.pk, uhid=uhid)
    assert err.value.code == "closed" and "Gazetted holiday" in str(err.value.message)
    opd_setup.do_remove_opd_closure(
        actor=facility_admin, facility=persona_facility, closure=closure, today=WEDNESDAY
    )
    # A department closure written by anyone (admin site, a command, another process) counts at once too:
    # closures are never cached.
    OpdClosure.objects.create(
        facility=persona_facility,
        department=thursday_session.department,
        date=THURSDAY,
        reason="Doctor on leave",
    )
    with pytest.raises(DomainError) as err:
        _book(clerk, persona_district, thursday_session.pk, uhid=uhid)
    assert err.value.code == "closed"
    OpdClosure.objects.all().delete()
    assert _book(clerk, persona_district, thursday_session.pk, uhid=uhid).token_number == 2  # no gap
    assert Appointment.objects.count() == 2


def test_session_and_policy_edits_take_effect_at_once(
    clock, clerk, facility_admin, persona_district, persona_facility, thursday_session
):
    later = THURSDAY + datetime.timedelta(days=7)
    _book(clerk, persona_district, thursday_session.pk)
    with pytest.raises(DomainError) as err:
        _book(clerk, persona_district, thursday_session.pk, date=later)
    assert err.value.code == "outside_window"
    opd_setup.do_set_opd_policy(
        actor=facility_admin,
        facility=persona_facility,
        booking_window_days=14,
        cancellation_cutoff_minutes=60,
    )
    assert services.policy_for(persona_facility.pk).booking_window_days == 14
    assert _book(clerk, persona_district, thursday_session.pk, date=later).date == later
    opd_setup.do_deactivate_opd_session(
        actor=facility_admin, facility=persona_facility, session=thursday_session
    )
    with pytest.raises(DomainError) as err:
        _book(clerk, persona_district, thursday_session.pk)
    assert err.value.code == "session_inactive"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement booking checks it")
def test_a_session_deactivated_elsewhere_is_refused_despite_a_stale_cache(
    clock, clerk, persona_district, thursday_session
):
    _book(clerk, persona_district, thursday_session.pk)
    OpdSession.objects.filter(pk=thursday_session.pk).update(is_active=False)  # no signal: as another process
    assert services.session_for_booking(thursday_session.pk).is_active  # stale for up to OPD_CACHE_SECONDS
    with pytest.raises(DomainError) as err:
        _book(clerk, persona_district, thursday_session.pk)
    assert err.value.code == "session_inactive" and Appointment.objects.count() == 1


def test_nothing_read_inside_a_transaction_is_cached(clerk, thursday_session):
    with transaction.atomic():
        OpdSession.objects.filter(pk=thursday_session.pk).update(online_quota=99)
        assert services.session_for_booking(thursday_session.pk).online_quota == 99
        transaction.set_rollback(True)
    assert services.session_for_booking(thursday_session.pk).online_quota == 3
    with pytest.raises(DomainError):
        services.session_for_booking(thursday_session.pk + 1000)


@pytest.mark.parametrize("redis", [True, False], ids=["shared", "per-process"])
def test_with_redis_the_cache_is_shared_and_a_change_anywhere_counts_everywhere(
    settings, monkeypatch, facility_admin, persona_facility, thursday_session, redis
):
    """With REDIS_URL the entries live in Django's cache (Redis; in a SQLite run without Redis the local
    memory cache stands in), none in the process; a save made through another cache client, as by another
    process, is seen at once. Without it the process keeps its own entries."""
    if redis and not settings.REDIS_URL:
        settings.REDIS_URL = "redis://stand-in"  # CACHES stays the local memory cache of this run
    elif not redis:
        settings.REDIS_URL = ""
    opd_services.clear_opd_cache()
    assert services.session_for_booking(thursday_session.pk).online_quota == 3
    assert bool(opd_services._cache) is not redis  # per process only without Redis
    with CaptureQueriesContext(connection) as queries:
        assert services.session_for_booking(thursday_session.pk).online_quota == 3
    assert len(queries) == 0  # served from the cache either way

    if not redis:
        # Another process's save clears its own cache only: this one keeps its entry for OPD_CACHE_SECONDS.
        OpdSession.objects.filter(pk=thursday_session.pk).update(online_quota=7)  # no signal here
        assert services.session_for_booking(thursday_session.pk).online_quota == 3
        return
    other_process = caches.create_connection("default")  # its own client, as another process has
    monkeypatch.setattr(opd_services, "cache", other_process)
    opd_setup.do_save_opd_session(
        actor=facility_admin,
        facility=persona_facility,
        department=thursday_session.department,
        weekday=thursday_session.weekday,
        kind=thursday_session.kind,
        starts_at=thursday_session.starts_at,
        ends_at=thursday_session.ends_at,
        online_quota=7,
        walk_in_quota=2,
        session=OpdSession.objects.get(pk=thursday_session.pk),
    )
    monkeypatch.undo()
    # The other process's change reached this one at once, through the shared generation.
    assert services.session_for_booking(thursday_session.pk).online_quota == 7
