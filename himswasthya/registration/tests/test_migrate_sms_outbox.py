"""The SMS outbox moved to `notify` keeping its rows: migrating back to registration 0003 and forward again
carries a message and its appointment link both ways (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from himswasthya.notify.models import SmsOutbox
from himswasthya.registration.tests import queue_factories as make

BEFORE = ("registration", "0003_scan_share")


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_outbox_keeps_its_rows_and_links_across_the_move(persona_facility):
    appointment = make.appointment(make.session_day(persona_facility), status="booked")
    latest = _latest()
    try:
        old_apps = _migrate([BEFORE]).loader.project_state([BEFORE]).apps
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "registration_smsoutbox" in tables and "notify_smsoutbox" not in tables
        OldOutbox = old_apps.get_model("registration", "SmsOutbox")
        linked = OldOutbox.objects.create(
            template_key="appointment_booked",
            variables={"number": appointment.number, "token": appointment.token_number},
            mobile="9876543210",
            appointment_id=appointment.pk,
            status="sent",
            attempts=1,
            next_attempt_at=timezone.now(),
        )
        unlinked = OldOutbox.objects.create(
            template_key="himcare_card_issued",
            variables={"card": "HC0000000000001", "date": "31-03-2027"},
            mobile="9876543211",
            next_attempt_at=timezone.now(),
        )
    finally:
        _migrate(latest)

    rows = {row.pk: row for row in SmsOutbox.objects.all()}
    assert set(rows) == {linked.pk, unlinked.pk}
    assert (rows[linked.pk].subject_type, rows[linked.pk].subject_id) == (
        "registration.appointment",
        appointment.pk,
    )
    assert rows[linked.pk].status == "sent" and rows[linked.pk].variables["number"] == appointment.number
    assert (rows[unlinked.pk].subject_type, rows[unlinked.pk].subject_id) == ("", None)
    assert list(SmsOutbox.objects.about(appointment)) == [rows[linked.pk]]
    # New rows get fresh ids after the kept ones (the sequence came along with the table).
    fresh = SmsOutbox.objects.create(template_key="x", mobile="9876543212", next_attempt_at=timezone.now())
    assert fresh.pk > max(rows)


@pytest.mark.django_db(transaction=True)
def test_going_back_restores_the_foreign_key(persona_facility):
    appointment = make.appointment(make.session_day(persona_facility), status="booked")
    SmsOutbox.objects.create(
        template_key="appointment_booked",
        mobile="9876543210",
        next_attempt_at=timezone.now(),
        subject_type="registration.appointment",
        subject_id=appointment.pk,
    )
    latest = _latest()
    try:
        old_apps = _migrate([BEFORE]).loader.project_state([BEFORE]).apps
        row = old_apps.get_model("registration", "SmsOutbox").objects.get()
        assert row.appointment_id == appointment.pk
    finally:
        _migrate(latest)
    assert SmsOutbox.objects.about(appointment).count() == 1
