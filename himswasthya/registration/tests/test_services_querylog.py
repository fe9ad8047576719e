"""How many statements one booking issues (the figure bench/registration.py compares with pgbench), and the
one-statement booking of PostgreSQL: the same rows as the general path, all or nothing, audit sealable."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from himswasthya.audit import chain
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError
from himswasthya.facilities.opd_services import clear_opd_cache
from himswasthya.notify.models import SmsOutbox
from himswasthya.people.services import do_issue_uhid, state_uhid
from himswasthya.registration import services
from himswasthya.registration.models import Appointment, SessionDay
from himswasthya.registration.tests.booking_fixtures import THURSDAY, make_person

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement booking")


@pytest.mark.django_db
def test_a_booking_of_a_known_patient_is_a_handful_of_statements(
    clock, clerk, persona_district, thursday_session
):
    services.do_book_appointment(
        actor=clerk, person=make_person(persona_district), session=thursday_session, date=THURSDAY
    )
    person = make_person(persona_district, mobile="9811111111")
    do_issue_uhid(person, actor=clerk)
    with CaptureQueriesContext(connection) as queries:
        services.do_book_appointment(actor=clerk, person=person, session=thursday_session, date=THURSDAY)
    statements = [q["sql"] for q in queries]
    for sql in statements:
        print(sql[:300])
    if connection.vendor == "postgresql":
        # the policy (not cached inside the test's transaction), the SMS recipient's chosen language (one
        # indexed SELECT, accounts/languages.py), then the whole booking in one statement (in a savepoint
        # here, because the test runs in a transaction)
        writes = [s for s in statements if s.startswith("WITH")]
        assert len(writes) == 1 and "UPDATE" in writes[0] and writes[0].count("INSERT INTO") == 3
        assert len(statements) <= 5
    else:
        writes = [s for s in statements if s.split()[0] in {"UPDATE", "INSERT"}]
        # token UPDATE, appointment INSERT, audit INSERT, SMS outbox INSERT (+ the audit seal, after commit)
        assert [s.split()[0] for s in writes][:4] == ["UPDATE", "INSERT", "INSERT", "INSERT"]
        assert len(statements) <= 14


def _general_path_twin(clerk, persona_district, session, date):
    """A booking made by the general path (a patient without a UHID yet), to compare rows with."""
    person = make_person(persona_district, mobile="9822222222")
    return services.do_book_appointment(actor=clerk, person=person, session=session, date=date)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_booking_is_one_statement_with_the_same_rows(
    settings, clock, clerk, persona_district, thursday_session
):
    settings.SMS_SEND_IN_REQUEST = False
    clear_opd_cache()
    twin = _general_path_twin(clerk, persona_district, thursday_session, THURSDAY)  # also opens the day
    person = make_person(persona_district, mobile="9811111111")
    uhid = do_issue_uhid(person, actor=clerk)
    with CaptureQueriesContext(connection) as queries:
        appointment = services.do_book_appointment(
            actor=clerk, person=person, session=thursday_session, date=THURSDAY
        )
    statements = [q["sql"] for q in queries]
    # The policy is cached after the first booking; the SMS recipient's chosen language is one indexed read;
    # no BEGIN/COMMIT: the statement is its own transaction. What follows is the audit sealing after commit
    # (inline in tests, a background thread in production).
    assert statements[0].startswith('SELECT "accounts_user"."language"'), statements
    assert statements[1].startswith("WITH"), statements
    assert all("audit_" in sql or sql in {"BEGIN", "COMMIT"} for sql in statements[2:]), statements
    assert appointment.uhid == uhid and appointment.token_number == 2
    day = SessionDay.objects.get()
    assert appointment.number == services.appointment_number(THURSDAY, day.pk, 2)
    assert (day.online_booked, day.last_token) == (2, 2)

    def row(model, pk, *skip):
        values = model.objects.filter(pk=pk).values().get()
        return {k: v for k, v in values.items() if k not in {"id", *skip}}

    fast, general = row(Appointment, appointment.pk), row(Appointment, twin.pk)
    assert fast.pop("booked_at") - general.pop("booked_at") < datetime.timedelta(seconds=30)
    assert (fast.pop("number"), fast.pop("person_id"), fast.pop("token_number")) == (
        appointment.number,
        person.pk,
        2,
    )
    general.pop("number"), general.pop("person_id"), general.pop("token_number")
    assert fast == general

    entries = {e.object_id: e for e in AuditEntry.objects.filter(action="appointment.book")}
    fast_entry, general_entry = entries[str(appointment.pk)], entries[str(twin.pk)]
    assert fast_entry.detail == {"number": appointment.number, "person": person.pk, "channel": "online"}
    for name in ("actor_id", "actor_role", "purpose", "facility_id", "district_id", "ip", "object_type"):
        assert getattr(fast_entry, name) == getattr(general_entry, name), name
    chain.seal_pending()
    assert chain.verify_chain().ok

    sms = SmsOutbox.objects.about(appointment).get()
    assert (sms.template_key, sms.mobile, sms.status, sms.attempts) == (
        "appointment_booked",
        "9811111111",
        "pending",
        0,
    )
    assert sms.variables == {"number": appointment.number, "token": 2}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_one_statement_booking_that_fails_midway_leaves_nothing(
    clock, clerk, persona_district, thursday_session, monkeypatch
):
    _general_path_twin(clerk, persona_district, thursday_session, THURSDAY)
    person = make_person(persona_district, mobile="9811111111")
    do_issue_uhid(person, actor=clerk)
    before = AuditEntry.objects.count()
    # The last INSERT of the statement (the SMS outbox row) fails: the mobile column holds 10 characters.
    working_contact_mobile = services._contact_mobile
    monkeypatch.setattr(services, "_contact_mobile", lambda person, actor: "98111111119")
    with pytest.raises(Exception, match="too long"):
        services.do_book_appointment(actor=clerk, person=person, session=thursday_session, date=THURSDAY)
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (1, 1)
    assert Appointment.objects.count() == 1 and SmsOutbox.objects.count() == 1
    assert AuditEntry.objects.count() == before
    # Restore only the contact lookup: undo() would also drop the frozen clock (hour-dependent test).
    monkeypatch.setattr(services, "_contact_mobile", working_contact_mobile)
    again = services.do_book_appointment(actor=clerk, person=person, session=thursday_session, date=THURSDAY)
    assert again.token_number == 2  # no gap


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_second_booking_of_the_same_patient_is_refused_by_the_statement(
    clock, clerk, persona_district, thursday_session
):
    person = make_person(persona_district)
    do_issue_uhid(person, actor=clerk)
    services.do_book_appointment(actor=clerk, person=person, session=thursday_session, date=THURSDAY)
    with pytest.raises(DomainError) as err:
        services.do_book_appointment(actor=clerk, person=person, session=thursday_session, date=THURSDAY)
    assert err.value.code == "already_booked"
    day = SessionDay.objects.get()
    assert (day.online_booked, day.last_token) == (1, 1)
    assert state_uhid(person) and Appointment.objects.count() == 1


@pytest.mark.django_db
def test_the_scope_decided_from_loaded_fields_is_the_scoping_answer(
    clerk,
    doctor,
    other_facility_clerk,
    state_admin,
    citizen,
    family,
    persona_facility,
    persona_other_facility,
    persona_district,
    persona_other_district,
):
    from himswasthya.accounts.scoping import may_see

    people = [family["head"], make_person(persona_district), make_person(persona_other_district)]
    actors = [clerk, doctor, other_facility_clerk, state_admin, citizen]
    checked = 0
    for actor in actors:
        for facility in (persona_facility, persona_other_facility):
            for person in people:
                assert services._sees_person(actor, person, facility) == may_see(actor, person), (
                    actor.role,
                    facility.code,
                    person.district_id,
                )
                checked += 1
    assert checked == 30
    # the clerk sees the people of their facility's district only, without asking the database
    with CaptureQueriesContext(connection) as queries:
        assert services._sees_person(clerk, people[1], persona_facility)
        assert not services._sees_person(clerk, people[2], persona_facility)
    assert len(queries) == 0
