"""Queue services: call order, transitions, refusals with clear messages, who may act, statistics, audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from himswasthya.accounts.models import User
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import Conflict, Forbidden
from himswasthya.registration import queue
from himswasthya.registration.models import AppointmentStatus as S
from himswasthya.registration.tests import queue_factories as make


@pytest.fixture
def day(persona_facility):
    return make.session_day(persona_facility)


@pytest.mark.django_db
def test_call_next_takes_the_lowest_checked_in_token(day, doctor):
    booked = make.appointment(day, status=S.BOOKED)  # token 1: not arrived yet
    second = make.appointment(day)  # token 2
    third = make.appointment(day)  # token 3

    called = queue.do_call_next(doctor, day)

    assert called.pk == second.pk and called.status == S.CALLED and called.called_at is not None
    assert queue.do_call_next(doctor, day).pk == third.pk
    assert queue.do_call_next(doctor, day) is None  # nobody waits (token 1 never checked in)
    booked.refresh_from_db()
    assert booked.status == S.BOOKED


@pytest.mark.django_db
def test_check_in_order_does_not_matter_tokens_do(day, doctor):
    late_low = make.appointment(day, checked_in_at=timezone.now())
    early_high = make.appointment(day, checked_in_at=timezone.now() - datetime.timedelta(hours=1))
    assert queue.do_call_next(doctor, day).pk == late_low.pk
    assert queue.do_call_next(doctor, day).pk == early_high.pk


@pytest.mark.django_db
def test_complete_no_show_and_send_back(day, doctor):
    first, second, third = make.appointment(day), make.appointment(day), make.appointment(day)

    queue.do_call_next(doctor, day)
    done = queue.do_complete(doctor, first)
    assert done.status == S.COMPLETED and done.completed_at is not None

    queue.do_call_next(doctor, day)
    back = queue.do_send_back(doctor, second)
    assert back.status == S.CHECKED_IN and back.called_at is None and back.token_number == 2

    # Sent back keeps its token, so it is again the lowest in line.
    assert queue.do_call_next(doctor, day).pk == second.pk
    assert queue.do_mark_no_show(doctor, second).status == S.NO_SHOW
    assert queue.do_call_next(doctor, day).pk == third.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "service", "words"),
    [
        (S.CHECKED_IN, queue.do_complete, "Only a called patient can be marked as seen"),
        (S.BOOKED, queue.do_send_back, "Only a called patient can be sent back"),
        (S.COMPLETED, queue.do_mark_no_show, "Only a called or waiting patient"),
        (S.CANCELLED, queue.do_complete, "this appointment is Cancelled"),
    ],
)
def test_invalid_transitions_are_refused_clearly(day, doctor, status, service, words):
    appointment = make.appointment(day, status=status)
    with pytest.raises(Conflict) as refused:
        service(doctor, appointment)
    assert words in str(refused.value.message)
    assert refused.value.field == "status"
    appointment.refresh_from_db()
    assert appointment.status == status
    assert not AuditEntry.objects.filter(object_id=appointment.number).exists()


@pytest.mark.django_db
def test_only_doctors_and_admins_of_the_facility_act(
    day, doctor, facility_admin, clerk, persona_other_facility
):
    make.appointment(day)
    make.appointment(day)
    other_doctor = User.objects.create(username="kgr-doctor", role="doctor", facility=persona_other_facility)

    for outsider in (clerk, other_doctor):
        with pytest.raises(Forbidden):
            queue.do_call_next(outsider, day)
    assert queue.do_call_next(facility_admin, day).token_number == 1
    called = queue.do_call_next(doctor, day)
    with pytest.raises(Forbidden):
        queue.do_complete(other_doctor, called)
    called.refresh_from_db()
    assert called.status == S.CALLED


@pytest.mark.django_db
def test_every_action_is_audited_without_the_token_in_detail(day, doctor):
    appointment = make.appointment(day)
    queue.do_call_next(doctor, day)
    queue.do_complete(doctor, appointment)

    entries = AuditEntry.objects.filter(object_id=appointment.number).order_by("id")
    assert [e.action for e in entries] == ["appointment.call", "appointment.complete"]
    assert entries[1].detail == {"from": "called", "to": "completed"}
    assert all(e.actor == doctor and e.facility_id == day.facility_id for e in entries)


@pytest.mark.django_db
def test_queue_state_shows_serving_next_and_counts(day, doctor):
    tokens = [make.appointment(day) for _ in range(8)]
    make.appointment(day, status=S.BOOKED)
    queue.do_call_next(doctor, day)
    queue.do_call_next(doctor, day)

    state = queue.queue_state(day, next_count=3)

    assert [a.token_number for a in state.now_serving] == [2, 1]  # most recent call first
    assert [a.token_number for a in state.waiting] == [3, 4, 5]
    assert state.waiting_count == 6
    assert state.counts == {S.CALLED: 2, S.CHECKED_IN: 6, S.BOOKED: 1}
    assert tokens[0].number in {a.number for a in state.now_serving}


@pytest.mark.django_db
def test_waiting_stats_median_and_p90(day):
    start = timezone.now() - datetime.timedelta(hours=3)
    # Waits of 10, 20, ..., 100 minutes; each seen for 5 minutes.
    for i in range(1, 11):
        make.appointment(
            day,
            status=S.COMPLETED,
            checked_in_at=start,
            called_at=start + datetime.timedelta(minutes=10 * i),
            completed_at=start + datetime.timedelta(minutes=10 * i + 5),
        )
    make.appointment(day, checked_in_at=start)  # still waiting: no wait time yet

    stats = queue.waiting_stats(day)

    assert stats.served == 10 and stats.waited == 10
    assert stats.median_wait_minutes == 55.0
    assert stats.p90_wait_minutes == 90.0
    assert stats.median_consultation_minutes == 5.0


@pytest.mark.django_db
def test_waiting_stats_of_an_empty_day(day):
    stats = queue.waiting_stats(day)
    assert (stats.served, stats.median_wait_minutes, stats.p90_wait_minutes) == (0, None, None)
