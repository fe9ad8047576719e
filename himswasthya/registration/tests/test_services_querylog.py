"""How many statements one booking issues (the figure bench/registration.py compares with pgbench)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from himswasthya.people.services import do_issue_uhid
from himswasthya.registration import services
from himswasthya.registration.tests.booking_fixtures import *  # noqa: F403 - the fixtures
from himswasthya.registration.tests.booking_fixtures import THURSDAY, make_person

pytestmark = pytest.mark.django_db


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
    writes = [s for s in statements if s.split()[0] in {"UPDATE", "INSERT"}]
    # token UPDATE, appointment INSERT, audit INSERT, SMS outbox INSERT (+ the audit seal, after commit)
    assert [s.split()[0] for s in writes][:4] == ["UPDATE", "INSERT", "INSERT", "INSERT"]
    assert len(statements) <= 14
