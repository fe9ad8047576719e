"""SEC-29: authentication events are audited, and the OTP itself never reaches the audit log."""

import pytest

from himswasthya.accounts import services
from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD
from himswasthya.notify import sms

MOBILE = "9844455566"


@pytest.fixture
def audited(monkeypatch):
    calls: list[tuple[str, dict]] = []
    monkeypatch.setattr(services, "record", lambda action, **kw: calls.append((action, kw)))
    return calls


@pytest.mark.django_db
def test_otp_events_are_audited_without_the_otp(client, audited):
    client.post("/login/mobile/", {"mobile": MOBILE})
    otp = sms.outbox[-1].text[:6]
    wrong = f"{(int(otp) + 1) % 1_000_000:06d}"
    client.post("/login/otp/", {"otp": wrong})
    client.post("/login/otp/", {"otp": otp})
    client.post("/logout/")
    actions = [a for a, _ in audited]
    assert actions == ["auth.otp_sent", "auth.login_failed", "auth.login", "auth.logout"]
    assert audited[1][1]["detail"]["reason"] == "otp_wrong"
    everything = repr(audited)
    assert otp not in everything and wrong not in everything
    assert MOBILE not in everything  # only the masked mobile


@pytest.mark.django_db
def test_staff_login_events_are_audited(client, clerk, audited):
    client.post("/login/", {"username": "clerk", "password": "Wrong#Password1"})
    client.post("/login/", {"username": "clerk", "password": PERSONA_PASSWORD})
    assert [a for a, _ in audited] == ["auth.login_failed", "auth.login"]
    assert "Wrong#Password1" not in repr(audited)
    assert audited[1][1]["actor"] == clerk and audited[1][1]["facility_id"] == clerk.facility_id


@pytest.mark.django_db
def test_failed_logins_reach_the_real_audit_log_with_typed_secrets_masked(client):
    from django.apps import apps

    AuditEntry = apps.get_model("audit", "AuditEntry")
    response = client.post("/login/", {"username": "1234 5678 9012", "password": "Wrong#Password1"})
    assert response.status_code == 200  # a pasted Aadhaar number is masked, not an error
    entry = AuditEntry.objects.filter(action="auth.login_failed").latest("pk")
    assert "1234 5678 9012" not in repr(entry.detail) and entry.detail["reason"] == "bad_credentials"


@pytest.mark.django_db
def test_otp_login_reaches_the_real_audit_log(client):
    from django.apps import apps

    AuditEntry = apps.get_model("audit", "AuditEntry")
    client.post("/login/mobile/", {"mobile": MOBILE})
    otp = sms.outbox[-1].text[:6]
    client.post("/login/otp/", {"otp": otp})
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["auth.otp_sent", "auth.login"]
    assert otp not in repr(list(AuditEntry.objects.values_list("detail", "object_id")))
