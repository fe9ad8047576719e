"""Rules of the OPD set-up services (registration/opd_setup.py; moved from facilities with them): each one
refused with its field, each change audited; and the schedule they leave (facilities/opd_services.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, DomainError, NotFound
from himswasthya.facilities import opd_services as schedule
from himswasthya.facilities.models import OpdClosure, OpdPolicy, OpdSession, SessionKind, Weekday
from himswasthya.registration import opd_setup as s

pytestmark = pytest.mark.django_db
T = dt.time
TODAY = dt.date(2026, 11, 25)


def _session(actor, facility, department, **overrides):
    values = dict(
        weekday=Weekday.MONDAY,
        kind=SessionKind.MORNING,
        starts_at=T(9, 30),
        ends_at=T(13, 0),
        online_quota=40,
        walk_in_quota=60,
    )
    values.update(overrides)
    return s.do_save_opd_session(actor=actor, facility=facility, department=department, **values)


def _error(call) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    return info.value


def test_it_sets_the_policy_and_audits_it(facility_admin, opd_facility):
    policy = s.do_set_opd_policy(
        actor=facility_admin, facility=opd_facility, booking_window_days=14, cancellation_cutoff_minutes=60
    )
    assert (policy.booking_window_days, policy.cancellation_cutoff_minutes) == (14, 60)
    s.do_set_opd_policy(
        actor=facility_admin, facility=opd_facility, booking_window_days=3, cancellation_cutoff_minutes=0
    )
    assert OpdPolicy.objects.get(facility=opd_facility).booking_window_days == 3
    entry = AuditEntry.objects.filter(action="opd.configure").latest("pk")
    assert entry.detail["what"] == "policy.set" and entry.facility_id == opd_facility.pk


@pytest.mark.parametrize(
    ("window", "cutoff", "field"),
    [
        (0, 120, "booking_window_days"),
        (91, 120, "booking_window_days"),
        (7, -1, "cancellation_cutoff_minutes"),
    ],
)
def test_it_refuses_a_policy_out_of_range(facility_admin, opd_facility, window, cutoff, field):
    error = _error(
        lambda: s.do_set_opd_policy(
            actor=facility_admin,
            facility=opd_facility,
            booking_window_days=window,
            cancellation_cutoff_minutes=cutoff,
        )
    )
    assert error.field == field
    assert not OpdPolicy.objects.exists()


def test_policy_defaults_when_none_is_set(opd_facility):
    policy = schedule.policy_of(opd_facility)
    assert policy.pk is None and policy.booking_window_days == 7 and policy.cancellation_cutoff_minutes == 120


def test_it_creates_and_updates_a_session(facility_admin, opd_facility, medicine):
    session = _session(facility_admin, opd_facility, medicine)
    assert session.pk and session.is_active
    updated = _session(
        facility_admin, opd_facility, medicine, session=session, online_quota=10, ends_at=T(14, 0)
    )
    assert updated.pk == session.pk
    session.refresh_from_db()
    assert (session.online_quota, session.ends_at) == (10, T(14, 0))
    whats = list(
        AuditEntry.objects.filter(action="opd.configure")
        .order_by("pk")
        .values_list("detail__what", flat=True)
    )
    assert whats == ["session.create", "session.update"]


def test_it_refuses_a_department_the_facility_does_not_offer(facility_admin, opd_facility, not_offered):
    assert _error(lambda: _session(facility_admin, opd_facility, not_offered)).field == "department"


def test_it_refuses_a_session_that_ends_before_it_starts(facility_admin, opd_facility, medicine):
    error = _error(lambda: _session(facility_admin, opd_facility, medicine, starts_at=T(13), ends_at=T(9)))
    assert error.field == "ends_at"
    error = _error(lambda: _session(facility_admin, opd_facility, medicine, starts_at=T(9), ends_at=T(9)))
    assert error.field == "ends_at"


@pytest.mark.parametrize(("online", "walk_in", "field"), [(-1, 10, "online_quota"), (0, 0, "walk_in_quota")])
def test_it_refuses_negative_or_zero_quotas(facility_admin, opd_facility, medicine, online, walk_in, field):
    error = _error(
        lambda: _session(facility_admin, opd_facility, medicine, online_quota=online, walk_in_quota=walk_in)
    )
    assert error.field == field
    assert not OpdSession.objects.exists()


def test_it_refuses_overlapping_sessions_of_one_department_and_weekday(
    facility_admin, opd_facility, medicine
):
    _session(facility_admin, opd_facility, medicine)
    error = _error(
        lambda: _session(
            facility_admin,
            opd_facility,
            medicine,
            kind=SessionKind.EVENING,
            starts_at=T(12, 30),
            ends_at=T(16),
        )
    )
    assert isinstance(error, Conflict) and error.field == "starts_at"
    # back to back is fine, and so is the same time on another weekday
    _session(facility_admin, opd_facility, medicine, kind=SessionKind.EVENING, starts_at=T(13), ends_at=T(16))
    _session(facility_admin, opd_facility, medicine, weekday=Weekday.TUESDAY)
    assert OpdSession.objects.count() == 3


def test_it_refuses_a_second_session_of_the_same_kind(facility_admin, opd_facility, medicine):
    _session(facility_admin, opd_facility, medicine)
    error = _error(lambda: _session(facility_admin, opd_facility, medicine, starts_at=T(14), ends_at=T(16)))
    assert error.field == "kind"


def test_a_deactivated_session_leaves_the_grid_and_can_be_added_again(facility_admin, opd_facility, medicine):
    session = _session(facility_admin, opd_facility, medicine)
    s.do_deactivate_opd_session(actor=facility_admin, facility=opd_facility, session=session)
    assert schedule.weekly_grid(opd_facility) == []
    again = _session(facility_admin, opd_facility, medicine, online_quota=5)
    assert again.pk == session.pk and again.is_active and again.online_quota == 5


def test_it_refuses_a_session_of_another_facility(
    facility_admin, opd_facility, medicine, persona_other_facility
):
    session = _session(facility_admin, opd_facility, medicine)
    with pytest.raises(NotFound):
        s.do_deactivate_opd_session(actor=facility_admin, facility=persona_other_facility, session=session)


def test_it_copies_a_weekday_to_other_weekdays(facility_admin, opd_facility, medicine):
    _session(facility_admin, opd_facility, medicine)
    _session(facility_admin, opd_facility, medicine, kind=SessionKind.EVENING, starts_at=T(15), ends_at=T(17))
    copied = s.do_copy_weekday_sessions(
        actor=facility_admin, facility=opd_facility, from_weekday=Weekday.MONDAY, to_weekdays=[1, 2, 0]
    )
    assert len(copied) == 4
    assert sorted(set(OpdSession.objects.values_list("weekday", flat=True))) == [0, 1, 2]
    # copying again updates instead of duplicating
    s.do_copy_weekday_sessions(actor=facility_admin, facility=opd_facility, from_weekday=0, to_weekdays=[1])
    assert OpdSession.objects.count() == 6


def test_copying_needs_sessions_and_a_target(facility_admin, opd_facility, medicine):
    error = _error(
        lambda: s.do_copy_weekday_sessions(
            actor=facility_admin, facility=opd_facility, from_weekday=0, to_weekdays=[1]
        )
    )
    assert error.field == "from_weekday"
    _session(facility_admin, opd_facility, medicine)
    error = _error(
        lambda: s.do_copy_weekday_sessions(
            actor=facility_admin, facility=opd_facility, from_weekday=0, to_weekdays=[0]
        )
    )
    assert error.field == "to_weekdays"


def test_it_adds_and_removes_closures(facility_admin, opd_facility, medicine):
    day = TODAY + dt.timedelta(days=3)
    whole = s.do_add_opd_closure(
        actor=facility_admin, facility=opd_facility, date=day, reason="Local fair", today=TODAY
    )
    one = s.do_add_opd_closure(
        actor=facility_admin,
        facility=opd_facility,
        date=day,
        reason="Doctor on leave",
        department=medicine,
        today=TODAY,
    )
    assert set(schedule.upcoming_closures(opd_facility, today=TODAY)) == {whole, one}
    assert not schedule.upcoming_closures(opd_facility, today=day + dt.timedelta(days=1)).exists()
    s.do_remove_opd_closure(actor=facility_admin, facility=opd_facility, closure=whole, today=TODAY)
    assert list(OpdClosure.objects.all()) == [one]
    whats = list(
        AuditEntry.objects.filter(action="opd.configure")
        .order_by("pk")
        .values_list("detail__what", flat=True)
    )
    assert whats == ["closure.add", "closure.add", "closure.remove"]


def test_closure_rules(facility_admin, opd_facility, not_offered):
    closure_today = {"actor": facility_admin, "facility": opd_facility, "date": TODAY, "today": TODAY}

    def refused(**change) -> DomainError:
        return _error(lambda: s.do_add_opd_closure(**{**closure_today, "reason": "x", **change}))

    assert refused(date=TODAY - dt.timedelta(days=1)).field == "date"
    assert refused(reason=" ").field == "reason"
    assert refused(department=not_offered).field == "department"
    s.do_add_opd_closure(**closure_today, reason="Holiday")
    assert isinstance(refused(reason="Again"), Conflict)
    closure = OpdClosure.objects.get()
    later = TODAY + dt.timedelta(days=1)
    error = _error(
        lambda: s.do_remove_opd_closure(
            actor=facility_admin, facility=opd_facility, closure=closure, today=later
        )
    )
    assert error.field == "date"


def test_the_weekly_grid_puts_sessions_in_their_cells(facility_admin, opd_facility, medicine):
    _session(facility_admin, opd_facility, medicine, weekday=Weekday.WEDNESDAY)
    [row] = schedule.weekly_grid(opd_facility)
    assert row.department == medicine
    assert [len(cell) for cell in row.days] == [0, 0, 1, 0, 0, 0, 0]


def test_only_the_facilitys_admin_or_a_state_admin_administers_it(
    facility_admin, state_admin, clerk, other_facility_clerk, opd_facility, persona_other_facility
):
    assert s.get_administered_facility(facility_admin, opd_facility.code) == opd_facility
    assert s.get_administered_facility(state_admin, persona_other_facility.code) == persona_other_facility
    with pytest.raises(NotFound):
        s.get_administered_facility(facility_admin, persona_other_facility.code)
    with pytest.raises(DomainError) as info:
        s.get_administered_facility(clerk, opd_facility.code)
    assert info.value.status == 403


def test_the_database_refuses_a_session_without_capacity(opd_facility, medicine):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OpdSession.objects.create(
            facility=opd_facility,
            department=medicine,
            weekday=0,
            starts_at=T(9),
            ends_at=T(13),
            online_quota=0,
            walk_in_quota=0,
        )


def test_a_twin_created_meanwhile_is_a_conflict_not_a_crash(
    facility_admin, opd_facility, medicine, monkeypatch
):
    _session(facility_admin, opd_facility, medicine)
    # as if a concurrent request won the race:
    monkeypatch.setattr(s, "_check_session", lambda *args, **kwargs: None)
    error = _error(lambda: _session(facility_admin, opd_facility, medicine, starts_at=T(14), ends_at=T(16)))
    assert isinstance(error, Conflict) and error.field == "kind"
    assert OpdSession.objects.count() == 1
