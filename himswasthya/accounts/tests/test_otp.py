"""Citizen OTP lifecycle (SEC-23/24): hashed, expiring, single use, attempt-limited, rate-limited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from himswasthya.accounts import services
from himswasthya.accounts.models import OtpChallenge, Role, User
from himswasthya.core.errors import DomainError, RateLimited
from himswasthya.notify import sms

MOBILE = "9812345678"
IP = "10.1.2.3"


def _last_otp() -> str:
    return sms.outbox[-1].text[:6]


def _send(mobile: str = MOBILE, ip: str = IP) -> OtpChallenge:
    return services.do_request_otp(mobile, ip=ip).challenge


@pytest.mark.django_db
def test_it_sends_a_dlt_sms_and_stores_only_a_hash():
    challenge = _send("+91 98123 45678")
    otp = _last_otp()
    assert otp.isdigit() and len(otp) == 6
    assert challenge.mobile == MOBILE
    assert sms.outbox[-1].template_id and sms.outbox[-1].entity_id
    stored = OtpChallenge.objects.get(pk=challenge.pk)
    assert otp not in stored.code_hash
    assert stored.code_hash == services.hash_otp(stored.pk, otp)
    # Salted by the challenge: the same code under another challenge hashes differently.
    assert services.hash_otp("00000000-0000-0000-0000-000000000000", otp) != stored.code_hash
    assert stored.expires_at - stored.created_at == timedelta(seconds=300)
    assert stored.ip == IP


@pytest.mark.django_db
def test_it_logs_in_and_creates_the_citizen_on_first_login():
    challenge = _send()
    user = services.do_verify_otp(_last_otp(), challenge_id=challenge.pk, ip=IP)
    assert user.role == Role.CITIZEN and user.mobile == MOBILE
    assert not user.has_usable_password()
    assert MOBILE not in user.username
    assert User.objects.filter(mobile=MOBILE).count() == 1


@pytest.mark.django_db
def test_it_reuses_the_existing_citizen(citizen):
    challenge = _send(citizen.mobile)
    assert services.do_verify_otp(_last_otp(), challenge_id=challenge.pk, ip=IP) == citizen


@pytest.mark.django_db
def test_replay_of_a_used_otp_fails():
    challenge = _send()
    otp = _last_otp()
    services.do_verify_otp(otp, challenge_id=challenge.pk, ip=IP)
    with pytest.raises(DomainError) as exc:
        services.do_verify_otp(otp, challenge_id=challenge.pk, ip=IP)
    assert exc.value.code == "otp_used"


@pytest.mark.django_db
def test_an_expired_otp_fails(settings):
    challenge = _send()
    OtpChallenge.objects.filter(pk=challenge.pk).update(
        created_at=timezone.now() - timedelta(minutes=20), expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(DomainError) as exc:
        services.do_verify_otp(_last_otp(), challenge_id=challenge.pk, ip=IP)
    assert exc.value.code == "otp_expired"
    assert "expired" in str(exc.value.message)


@pytest.mark.django_db
def test_wrong_otp_counts_attempts_then_the_challenge_is_dead(settings):
    settings.OTP_MAX_ATTEMPTS = 3
    challenge = _send()
    right = _last_otp()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    messages = []
    for _ in range(3):
        with pytest.raises(DomainError) as exc:
            services.do_verify_otp(wrong, challenge_id=challenge.pk, ip=IP)
        messages.append((exc.value.code, str(exc.value.message)))
    assert messages[0] == ("otp_wrong", "Wrong OTP. 2 attempts left.")
    assert messages[1] == ("otp_wrong", "Wrong OTP. 1 attempt left.")
    assert messages[2][0] == "otp_too_many_attempts"
    # Even the right code no longer works on this challenge.
    with pytest.raises(DomainError) as exc:
        services.do_verify_otp(right, challenge_id=challenge.pk, ip=IP)
    assert exc.value.code == "otp_too_many_attempts"
    assert OtpChallenge.objects.get(pk=challenge.pk).attempts == 3
    assert not User.objects.filter(mobile=MOBILE).exists()


@pytest.mark.django_db
def test_the_otp_is_tied_to_its_challenge(settings):
    settings.OTP_RESEND_INTERVAL_SECONDS = 0
    first = _send()
    first_otp = _last_otp()
    _send("9812345679")  # someone else's challenge
    second = _send()  # a new OTP for the same mobile supersedes the first
    second_otp = _last_otp()
    with pytest.raises(DomainError) as exc:
        services.do_verify_otp(first_otp, challenge_id=first.pk, ip=IP)
    assert exc.value.code == "otp_expired"
    if first_otp != second_otp:
        with pytest.raises(DomainError):
            services.do_verify_otp(first_otp, challenge_id=second.pk, ip=IP)
    assert services.do_verify_otp(second_otp, mobile=MOBILE, ip=IP).mobile == MOBILE


@pytest.mark.django_db
def test_resend_is_refused_inside_the_interval_without_sending(settings):
    settings.OTP_RESEND_INTERVAL_SECONDS = 60
    _send()
    with pytest.raises(RateLimited) as exc:
        _send()
    assert exc.value.code == "otp_resend_too_soon"
    assert "seconds before asking for a new OTP" in str(exc.value.message)
    assert len(sms.outbox) == 1 and OtpChallenge.objects.count() == 1


@pytest.mark.django_db
def test_per_mobile_hourly_limit(settings):
    settings.OTP_RESEND_INTERVAL_SECONDS = 0
    settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = 3
    for _ in range(3):
        _send()
    with pytest.raises(RateLimited) as exc:
        _send()
    assert exc.value.code == "otp_too_many_requests" and "this mobile number" in str(exc.value.message)
    assert len(sms.outbox) == 3
    _send("9812345670")  # another mobile is not affected


@pytest.mark.django_db
def test_per_ip_hourly_limit(settings):
    settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 2
    _send("9812345671")
    _send("9812345672")
    with pytest.raises(RateLimited) as exc:
        _send("9812345673")
    assert "this network" in str(exc.value.message)
    _send("9812345673", ip="10.9.9.9")  # another IP is not affected
    assert len(sms.outbox) == 3


@pytest.mark.django_db
def test_a_refused_request_changes_no_counter(settings):
    settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = 2
    settings.OTP_RESEND_INTERVAL_SECONDS = 60
    _send()
    for _ in range(5):  # refused for "too soon": must not use up the hourly allowance
        with pytest.raises(RateLimited):
            _send()
    settings.OTP_RESEND_INTERVAL_SECONDS = 0
    from django.core.cache import cache

    cache.delete(f"accounts:otp-resend:{MOBILE}:login")
    _send()  # the second of two allowed sends still works


@pytest.mark.django_db
def test_invalid_mobile_is_a_field_error():
    with pytest.raises(DomainError) as exc:
        _send("12345")
    assert exc.value.field == "mobile" and exc.value.code == "mobile_invalid"
    assert not sms.outbox


@pytest.mark.django_db
def test_a_staff_mobile_cannot_open_a_citizen_session(clerk):
    clerk.mobile = MOBILE
    clerk.save()
    challenge = _send()
    with pytest.raises(DomainError) as exc:
        services.do_verify_otp(_last_otp(), challenge_id=challenge.pk, ip=IP)
    assert exc.value.code == "otp_account_unavailable"


@pytest.mark.django_db
def test_sms_failure_keeps_no_challenge(settings):
    settings.SMS_DLT_TEMPLATE_IDS = {}
    with pytest.raises(DomainError) as exc:
        _send()
    assert exc.value.code == "sms_failed"
    assert not OtpChallenge.objects.exists()
    settings.SMS_DLT_TEMPLATE_IDS = {"otp_login": "1107000000000000001"}
    _send()  # the failed attempt did not start the resend clock


@pytest.mark.django_db
def test_otps_come_from_the_whole_range():
    codes = {services.generate_otp() for _ in range(200)}
    assert len(codes) > 190 and all(len(c) == 6 and c.isdigit() for c in codes)


@pytest.mark.django_db
def test_demo_mode_shows_the_last_otp_only_in_demo(settings):
    settings.OTP_RESEND_INTERVAL_SECONDS = 0
    settings.DEMO_MODE = False
    _send()
    assert services.demo_otp_for(MOBILE) is None
    settings.DEMO_MODE = True
    _send()
    assert services.demo_otp_for(MOBILE) == _last_otp()
