from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from himswasthya.audit import chain, services
from himswasthya.audit.context import bind_request, clear_request
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError


@pytest.mark.django_db
def test_it_leaves_nothing_when_the_callers_transaction_rolls_back():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.record("person.read", object_type="people.Person", object_id=7, purpose="opd")
        raise Boom
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_it_writes_unsealed_and_seals_after_commit(django_capture_on_commit_callbacks, state_admin):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        services.record(
            "person.read", object_type="people.Person", object_id=7, purpose="opd", actor=state_admin
        )
        services.record("person.update", object_type="people.Person", object_id=7, purpose="opd")
        assert list(AuditEntry.objects.values_list("seq", flat=True)) == [None, None]
    # Two entries, one sealing after commit.
    assert callbacks == [chain.seal_pending_after_commit]
    callbacks[0]()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2]
    assert entries[0].prev_hash == chain.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    assert all(e.sealed_at is not None for e in entries)


@pytest.mark.django_db
def test_it_takes_actor_role_and_ip_from_the_current_request(clerk, persona_facility):
    request = RequestFactory().get("/people/7", REMOTE_ADDR="10.1.2.3")
    request.user = clerk
    token = bind_request(request)
    try:
        entry = services.record("person.read", object_type="people.Person", object_id=7, purpose="opd")
    finally:
        clear_request(token)
    assert entry.actor == clerk
    assert entry.actor_role == "clerk"
    assert entry.ip == "10.1.2.3"
    # The clerk's facility, and its district, become the entry's partition keys.
    assert entry.facility_id == persona_facility.pk
    assert entry.district_id == persona_facility.district_id


@pytest.mark.django_db
def test_the_district_of_a_facility_comes_from_the_hook_facilities_fills(monkeypatch):
    from himswasthya.audit.hooks import hooks

    monkeypatch.setattr(hooks, "district_of_facility", lambda facility_id: {5: 77}.get(facility_id))
    entry = services.record("person.read", object_type="people.Person", facility_id=5)
    assert (entry.facility_id, entry.district_id) == (5, 77)
    # An explicit district wins; an unknown facility leaves the district empty.
    explicit = services.record("person.read", object_type="people.Person", facility_id=5, district_id=3)
    unknown = services.record("person.read", object_type="people.Person", facility_id=6)
    assert (explicit.district_id, unknown.district_id) == (3, None)


@pytest.mark.django_db
def test_it_records_anonymous_and_system_actions_without_an_actor():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/login", REMOTE_ADDR="10.9.9.9")
    request.user = AnonymousUser()
    token = bind_request(request)
    try:
        entry = services.record("auth.login_failed", object_type="accounts.User", detail={"username": "ram"})
    finally:
        clear_request(token)
    system = services.record("people.import", object_type="people.Person", detail={"rows": 10})
    assert entry.actor is None and entry.actor_role == "" and entry.ip == "10.9.9.9"
    assert system.actor is None and system.ip is None


@pytest.mark.django_db
def test_it_takes_the_district_officers_district(district_officer, persona_district):
    entry = services.record("report.read", object_type="dashboards.Report", actor=district_officer)
    assert entry.district_id == persona_district.pk and entry.facility_id is None


@pytest.mark.django_db
def test_record_read_names_the_action_after_the_model(clerk):
    entry = services.record_read("people.Person", 42, purpose="opd", actor=clerk)
    assert (entry.action, entry.object_type, entry.object_id, entry.purpose) == (
        "person.read",
        "people.Person",
        "42",
        "opd",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "detail",
    [
        {"otp": "123456"},
        {"sent_otp_code": "1"},
        {"Token": "abc"},
        {"refresh_token": "abc"},
        {"password": "x"},
        {"aadhaar_last4": "1234"},
        {"note": "aadhaar 2345 6789 0123"},
        {"value": "234567890123"},
        {"value": 234567890123},
        {"nested": {"ids": ["ok", "2345-6789-0123"]}},
        {"auth": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"},
        {"diagnosis": "J18"},
        {"icd10_code": "J18"},
        {"ratio": 1.5},
        {"a": {"b": {"c": {"d": 1}}}},
        {"blob": "x " * 1500},
    ],
)
def test_it_rejects_detail_that_could_carry_secrets_or_health_data(detail):
    with pytest.raises(services.ForbiddenAuditDetail) as excinfo:
        services.record("person.read", object_type="people.Person", object_id=1, detail=detail)
    assert excinfo.value.code == "audit_detail_forbidden"
    assert excinfo.value.field.startswith("detail")
    # The refused value is never echoed back.
    assert "2345" not in str(excinfo.value.message) and "123456" not in str(excinfo.value.message)
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_it_accepts_small_plain_detail():
    detail = {
        "fields": ["name", "mobile"],
        "abha_number_masked": "91-XXXX-XXXX-1234",
        "count": 3,
        "ok": True,
        "opd_session": 12,
        "reason": None,
    }
    entry = services.record("person.update", object_type="people.Person", object_id=1, detail=detail)
    entry.refresh_from_db()
    assert entry.detail == detail


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "read", "Person.Read", "person.", "person read"])
def test_it_rejects_a_malformed_action(action):
    with pytest.raises(DomainError):
        services.record(action, object_type="people.Person")


@pytest.mark.django_db
def test_it_schedules_one_sealing_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for i in range(5):
            services.record("person.read", object_type="people.Person", object_id=i)
        assert connection.in_atomic_block
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_user_typed_values_can_be_redacted_instead_of_refused():
    entry = services.record(
        "auth.login_failed",
        object_type="accounts.User",
        redact_detail=True,
        detail={"username": "2345 6789 0123", "tries": ["ram", "234567890123"], "n": 2},
    )
    assert entry.detail == {"username": "[redacted]", "tries": ["ram", "[redacted]"], "n": 2}
    # A forbidden key is the caller's mistake and is refused even then.
    with pytest.raises(services.ForbiddenAuditDetail):
        services.record(
            "auth.login_failed", object_type="accounts.User", redact_detail=True, detail={"password": "x"}
        )


@pytest.mark.django_db
def test_it_refuses_overlong_fields_before_the_database_does():
    with pytest.raises(DomainError) as excinfo:
        services.record("person.read", object_type="people.Person", object_id="9" * 65)
    assert excinfo.value.field == "object_id"


@pytest.mark.django_db
def test_it_keeps_no_address_when_the_proxy_forwards_rubbish():
    request = RequestFactory().get("/", REMOTE_ADDR="unknown")
    request.user = None
    token = bind_request(request)
    try:
        entry = services.record("person.read", object_type="people.Person", object_id=1)
    finally:
        clear_request(token)
    entry.refresh_from_db()
    assert entry.ip is None
