"""The booking engine's rules and errors (registration/services.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError, Forbidden, NotFound
from himswasthya.facilities.models import OpdClosure, OpdPolicy
from himswasthya.notify.models import SmsOutbox, SmsStatus
from himswasthya.notify.sms import outbox
from himswasthya.people.services import state_uhid
from himswasthya.registration import services
from himswasthya.registration.models import (
    Appointment,
    AppointmentStatus,
    Channel,
    FeeExemption,
    SessionDay,
)
from himswasthya.registration.qr import slip_qr_payload
from himswasthya.registration.tests.booking_fixtures import THURSDAY, WEDNESDAY, at, make_person, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    outbox.clear()
    yield
    outbox.clear()


def book(actor, person, session, date=THURSDAY, **kwargs):
    return services.do_book_appointment(actor=actor, person=person, session=session, date=date, **kwargs)


def _evening_session(facility, department, day):
    """A second session of the department on `day`'s weekday, 16:00-18:00."""
    return make_session(
        facility,
        department,
        day.weekday(),
        kind="evening",
        starts_at=datetime.time(16, 0),
        ends_at=datetime.time(18, 0),
    )


def test_it_books_with_token_number_uhid_audit_and_sms(
    clock, citizen, family, thursday_session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(citizen, family["child"], thursday_session)
    assert appointment.token_number == 1
    assert appointment.status == AppointmentStatus.BOOKED and appointment.channel == Channel.ONLINE
    assert appointment.number == f"OPD261126-{appointment.session_day_id}-1"
    day = SessionDay.objects.get(pk=appointment.session_day_id)
    assert (day.online_booked, day.walk_in_booked, day.last_token, day.online_quota) == (1, 0, 1, 3)
    assert state_uhid(family["child"]) is not None
    entry = AuditEntry.objects.get(action="appointment.book")
    assert entry.actor == citizen and entry.purpose == "opd_registration"
    assert entry.object_id == str(appointment.pk)
    # The child has no mobile: the booking citizen gets the SMS.
    sms = SmsOutbox.objects.about(appointment).get()
    assert sms.status == SmsStatus.SENT and sms.mobile == citizen.mobile
    assert len(outbox) == 1 and appointment.number in outbox[0].text


def test_it_hands_out_consecutive_tokens_and_stops_at_the_quota(
    clock, clerk, persona_district, thursday_session
):
    people = [make_person(persona_district) for _ in range(4)]
    tokens = [book(clerk, p, thursday_session).token_number for p in people[:3]]
    assert tokens == [1, 2, 3]
    with pytest.raises(DomainError) as err:
        book(clerk, people[3], thursday_session)
    assert err.value.code == "session_full" and err.value.field == "session"
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (3, 3)
    assert Appointment.objects.count() == 3


def test_it_refuses_a_second_active_appointment_in_the_department_that_day(
    clock, citizen, family, persona_facility, medicine, thursday_session
):
    evening = _evening_session(persona_facility, medicine, THURSDAY)
    book(citizen, family["head"], thursday_session)
    with pytest.raises(DomainError) as err:
        book(citizen, family["head"], evening)
    assert err.value.code == "already_booked" and err.value.field == "person"
    assert "already has an appointment" in str(err.value.message)
    # Nothing half-written: the evening session's counter is untouched.
    assert not SessionDay.objects.filter(session=evening, last_token__gt=0).exists()
    assert Appointment.objects.filter(person=family["head"]).count() == 1


@pytest.mark.parametrize(
    "date, code",
    [
        (WEDNESDAY + datetime.timedelta(days=2), "wrong_weekday"),
        (THURSDAY + datetime.timedelta(days=7), "outside_window"),
        (THURSDAY - datetime.timedelta(days=7), "date_past"),
    ],
)
def test_it_refuses_dates_the_session_cannot_be_booked(clock, clerk, stranger, thursday_session, date, code):
    with pytest.raises(DomainError) as err:
        book(clerk, stranger, thursday_session, date=date)
    assert err.value.code == code and err.value.field == "date"
    assert not SessionDay.objects.exists()


def test_it_follows_the_facility_policy_window(clock, clerk, stranger, persona_facility, thursday_session):
    OpdPolicy.objects.create(facility=persona_facility, booking_window_days=14)
    later = THURSDAY + datetime.timedelta(days=7)
    assert book(clerk, stranger, thursday_session, date=later).date == later


def test_it_refuses_a_session_that_is_over_today(clock, clerk, stranger, wednesday_session):
    clock.set(at(WEDNESDAY, 13, 30))
    with pytest.raises(DomainError) as err:
        book(clerk, stranger, wednesday_session, date=WEDNESDAY)
    assert err.value.code == "date_past"


@pytest.mark.parametrize("whole_facility", [True, False])
def test_it_refuses_a_closed_day(
    clock, clerk, stranger, persona_facility, medicine, thursday_session, whole_facility
):
    OpdClosure.objects.create(
        facility=persona_facility,
        department=None if whole_facility else medicine,
        date=THURSDAY,
        reason="Gazetted holiday",
    )
    with pytest.raises(DomainError) as err:
        book(clerk, stranger, thursday_session)
    assert err.value.code == "closed" and "Gazetted holiday" in str(err.value.message)


def test_it_refuses_an_inactive_session(clock, clerk, stranger, thursday_session):
    thursday_session.is_active = False
    thursday_session.save()
    with pytest.raises(DomainError) as err:
        book(clerk, stranger, thursday_session)
    assert err.value.code == "session_inactive"


def test_a_citizen_books_only_for_their_family(clock, citizen, stranger, thursday_session):
    with pytest.raises(NotFound):
        book(citizen, stranger, thursday_session)
    assert not Appointment.objects.exists()


def test_staff_book_only_at_their_own_facility(clock, other_facility_clerk, stranger, thursday_session):
    with pytest.raises(Forbidden):
        book(other_facility_clerk, stranger, thursday_session)


def test_an_unknown_fee_exemption_is_refused(clock, clerk, stranger, thursday_session):
    with pytest.raises(DomainError) as err:
        book(clerk, stranger, thursday_session, fee_exemption="free")
    assert err.value.field == "fee_exemption"


def test_the_fee_exemption_is_recorded(clock, clerk, stranger, thursday_session):
    appointment = book(clerk, stranger, thursday_session, fee_exemption=FeeExemption.HIMCARE)
    assert Appointment.objects.get(pk=appointment.pk).fee_exemption == "himcare"


def test_a_failure_midway_leaves_nothing_behind(clock, clerk, stranger, thursday_session, monkeypatch):
    book(clerk, make_person(stranger.district, mobile="9811111111"), thursday_session)  # token 1 taken

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit store lost")

    working_record = services.record
    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError):
        book(clerk, stranger, thursday_session)
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (1, 1)
    assert Appointment.objects.count() == 1
    assert SmsOutbox.objects.count() == 1
    assert state_uhid(stranger) is None
    # Restore only the audit store: undo() would also drop the frozen clock and make the test hour-dependent.
    monkeypatch.setattr(services, "record", working_record)
    assert book(clerk, stranger, thursday_session).token_number == 2  # no gap


def test_a_failed_insert_leaves_no_counter_consumed(clock, clerk, stranger, thursday_session, monkeypatch):
    def broken_insert(**fields):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "_insert_appointment", broken_insert)
    with pytest.raises(RuntimeError):
        book(clerk, stranger, thursday_session)
    assert not Appointment.objects.exists()
    assert SessionDay.objects.filter(online_booked__gt=0).count() == 0


def test_walk_ins_use_their_own_quota_and_are_checked_in(
    clock, clerk, persona_facility, medicine, persona_district, wednesday_session
):
    day = services.do_open_session_day(wednesday_session, WEDNESDAY)
    SessionDay.objects.filter(pk=day.pk).update(online_booked=3, last_token=3)  # online quota used up
    first = services.do_register_walk_in(
        actor=clerk,
        person=make_person(persona_district),
        facility=persona_facility,
        department=medicine,
        fee_exemption=FeeExemption.BPL,
    )
    assert first.status == AppointmentStatus.CHECKED_IN and first.checked_in_at is not None
    assert first.token_number == 4 and first.channel == Channel.WALK_IN and first.fee_exemption == "bpl"
    services.do_register_walk_in(
        actor=clerk, person=make_person(persona_district), facility=persona_facility, department=medicine
    )
    with pytest.raises(DomainError) as err:
        services.do_register_walk_in(
            actor=clerk, person=make_person(persona_district), facility=persona_facility, department=medicine
        )
    assert err.value.code == "session_full"
    day.refresh_from_db()
    assert (day.online_booked, day.walk_in_booked, day.last_token) == (3, 2, 5)
    assert AuditEntry.objects.filter(action="appointment.walk_in").count() == 2


def test_a_walk_in_goes_to_the_next_session_when_the_current_one_is_over(
    clock, clerk, persona_facility, medicine, stranger, wednesday_session
):
    evening = _evening_session(persona_facility, medicine, WEDNESDAY)
    clock.set(at(WEDNESDAY, 14))
    appointment = services.do_register_walk_in(
        actor=clerk, person=stranger, facility=persona_facility, department=medicine
    )
    assert appointment.session_day.session == evening
    clock.set(at(WEDNESDAY, 19))
    with pytest.raises(DomainError) as err:
        services.do_register_walk_in(
            actor=clerk, person=make_person(stranger.district), facility=persona_facility, department=medicine
        )
    assert err.value.code == "no_session_today"


def test_a_citizen_cannot_register_a_walk_in(
    clock, citizen, family, persona_facility, medicine, wednesday_session
):
    with pytest.raises(Forbidden):
        services.do_register_walk_in(
            actor=citizen, person=family["head"], facility=persona_facility, department=medicine
        )


def test_check_in_by_number_or_slip_qr(clock, clerk, stranger, wednesday_session):
    appointment = book(clerk, stranger, wednesday_session, date=WEDNESDAY)
    found = services.find_appointment_for_counter(clerk, slip_qr_payload(appointment.number))
    assert found.pk == appointment.pk
    assert services.find_appointment_for_counter(clerk, appointment.number.lower()).pk == appointment.pk
    checked = services.do_check_in(actor=clerk, appointment=found)
    assert checked.status == AppointmentStatus.CHECKED_IN
    assert Appointment.objects.get(pk=appointment.pk).checked_in_at is not None
    with pytest.raises(DomainError) as err:
        services.do_check_in(actor=clerk, appointment=found)
    assert err.value.code == "not_booked"


def test_check_in_refuses_another_day_and_another_facility(
    clock, clerk, other_facility_clerk, stranger, thursday_session
):
    appointment = book(clerk, stranger, thursday_session)
    with pytest.raises(DomainError) as err:
        services.do_check_in(actor=clerk, appointment=appointment)
    assert err.value.code == "not_today"
    with pytest.raises(NotFound):
        services.find_appointment_for_counter(other_facility_clerk, appointment.number)


def test_cancel_frees_the_place_but_keeps_the_token(
    clock, citizen, family, persona_district, clerk, thursday_session, django_capture_on_commit_callbacks
):
    appointment = book(citizen, family["head"], thursday_session)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.do_cancel_appointment(actor=citizen, appointment=appointment)
    assert cancelled.status == AppointmentStatus.CANCELLED
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (0, 1)
    assert book(clerk, make_person(persona_district), thursday_session).token_number == 2
    assert "is cancelled" in outbox[-1].text
    # The person may book again after cancelling.
    assert book(citizen, family["head"], thursday_session).token_number == 3


def test_a_citizen_cannot_cancel_after_the_cutoff_but_staff_can(
    clock, citizen, clerk, family, wednesday_session
):
    appointment = book(citizen, family["head"], wednesday_session, date=WEDNESDAY)
    clock.set(at(WEDNESDAY, 7, 45))  # session at 09:30, cut-off two hours before
    with pytest.raises(DomainError) as err:
        services.do_cancel_appointment(actor=citizen, appointment=appointment)
    assert err.value.code == "after_cutoff"
    assert services.do_cancel_appointment(actor=clerk, appointment=appointment).status == "cancelled"
    assert SessionDay.objects.get().online_booked == 0


def test_a_citizen_cannot_cancel_someone_elses_appointment(clock, citizen, clerk, stranger, thursday_session):
    appointment = book(clerk, stranger, thursday_session)
    with pytest.raises(NotFound):
        services.do_cancel_appointment(actor=citizen, appointment=appointment)
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_reschedule_moves_the_booking_atomically(clock, citizen, family, wednesday_session, thursday_session):
    clock.set(at(WEDNESDAY - datetime.timedelta(days=1), 10))
    old = book(citizen, family["head"], wednesday_session, date=WEDNESDAY)
    new = services.do_reschedule_appointment(
        actor=citizen, appointment=old, session=thursday_session, date=THURSDAY
    )
    assert new.date == THURSDAY and new.token_number == 1 and new.number != old.number
    assert Appointment.objects.get(pk=old.pk).status == AppointmentStatus.CANCELLED
    counters = dict(SessionDay.objects.values_list("date", "online_booked"))
    assert counters == {WEDNESDAY: 0, THURSDAY: 1}
    assert AuditEntry.objects.filter(action="appointment.reschedule").count() == 1


def test_a_failed_reschedule_keeps_the_old_booking(
    clock, citizen, clerk, family, persona_district, wednesday_session, thursday_session
):
    clock.set(at(WEDNESDAY - datetime.timedelta(days=1), 10))
    old = book(citizen, family["head"], wednesday_session, date=WEDNESDAY)
    for _ in range(3):
        book(clerk, make_person(persona_district), thursday_session)
    with pytest.raises(DomainError) as err:
        services.do_reschedule_appointment(
            actor=citizen, appointment=old, session=thursday_session, date=THURSDAY
        )
    assert err.value.code == "session_full"
    assert Appointment.objects.get(pk=old.pk).status == AppointmentStatus.BOOKED
    assert SessionDay.objects.get(date=WEDNESDAY).online_booked == 1


def test_availability_shows_places_left_and_closures(
    clock, clerk, stranger, persona_facility, medicine, wednesday_session, thursday_session
):
    book(clerk, stranger, thursday_session)
    OpdClosure.objects.create(
        facility=persona_facility, date=WEDNESDAY + datetime.timedelta(days=7), reason="Holiday"
    )
    rows = services.available_session_days(
        persona_facility, medicine, WEDNESDAY, WEDNESDAY + datetime.timedelta(days=30)
    )
    by_date = {r.date: r for r in rows}
    assert sorted(by_date) == [WEDNESDAY, THURSDAY, WEDNESDAY + datetime.timedelta(days=7)]
    assert by_date[THURSDAY].online_left == 2 and by_date[THURSDAY].walk_in_left == 2
    assert by_date[WEDNESDAY].session_day is None and by_date[WEDNESDAY].online_left == 3
    assert by_date[WEDNESDAY + datetime.timedelta(days=7)].closed_reason == "Holiday"


def test_open_session_day_copies_the_quotas_once(clock, thursday_session):
    day = services.do_open_session_day(thursday_session, THURSDAY)
    thursday_session.online_quota = 99
    thursday_session.save()
    again = services.do_open_session_day(thursday_session, THURSDAY)
    assert again.pk == day.pk and again.online_quota == 3


def test_a_booking_takes_few_queries(clock, clerk, persona_district, thursday_session):
    book(clerk, make_person(persona_district), thursday_session)
    person = make_person(persona_district)
    services.do_issue_uhid(person, actor=clerk)
    with CaptureQueriesContext(connection) as queries:
        book(clerk, person, thursday_session)
    # policy, closure, scope check, token UPDATE, INSERT, UHID check, audit, outbox (+ transaction/sealing)
    assert len(queries) <= 14, [q["sql"][:80] for q in queries]
