"""Parallel guesses cannot exceed the attempt limit, and an OTP signs in exactly once (PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from himswasthya.accounts import services
from himswasthya.accounts.models import OtpChallenge
from himswasthya.core.errors import DomainError
from himswasthya.notify import sms

MOBILE = "9855566677"


def _outcome(call, ok: str) -> str:
    """`ok`, or the code of the DomainError `call()` raised; the thread's database connection is closed."""
    try:
        call()
        return ok
    except DomainError as exc:
        return exc.code
    finally:
        connection.close()


def _verify(otp: str, challenge_id) -> str:
    return _outcome(lambda: services.do_verify_otp(otp, challenge_id=challenge_id, ip="10.0.0.1"), "ok")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_guesses_stop_at_the_limit(settings):
    settings.OTP_MAX_ATTEMPTS = 3
    challenge = services.do_request_otp(MOBILE, ip="10.0.0.1").challenge
    right = sms.outbox[-1].text[:6]
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _verify(wrong, challenge.pk), range(16)))
    assert results.count("otp_wrong") + results.count("otp_too_many_attempts") == 16
    assert OtpChallenge.objects.get(pk=challenge.pk).attempts == 3
    assert _verify(right, challenge.pk) == "otp_too_many_attempts"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_use_of_the_right_otp_signs_in_once():
    challenge = services.do_request_otp(MOBILE, ip="10.0.0.1").challenge
    right = sms.outbox[-1].text[:6]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _verify(right, challenge.pk), range(4)))
    assert results.count("ok") == 1
    assert set(results) <= {"ok", "otp_used"}


def _send(mobile: str) -> str:
    return _outcome(lambda: services.do_request_otp(mobile, ip="10.0.0.2"), "sent")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_per_ip_limit_holds_under_parallel_requests(settings):
    # Each thread has its own cache connection, as separate worker processes would (Redis on this run).
    settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 5
    mobiles = [f"98000{n:05d}" for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(_send, mobiles))
    assert results.count("sent") == 5
    assert results.count("otp_too_many_requests") == 7
    assert OtpChallenge.objects.count() == 5
