"""The client address behind our proxies (core/client_address.py) as the OTP limit and the OTP record see it:
forged X-Forwarded-For hops never reach them."""

import pytest
from django.test import Client

from himswasthya.accounts.models import OtpChallenge

PROXY = "10.0.0.5"


@pytest.mark.django_db
def test_rotating_a_forged_first_hop_does_not_escape_the_per_ip_otp_limit(settings):
    """The probe's attack: 5 OTP sends with a new forged first hop each got through a per-IP limit of 3."""
    from django.core.cache import cache

    cache.clear()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 3
    client = Client(REMOTE_ADDR=PROXY)
    statuses = []
    for attempt in range(5):
        response = client.post(
            "/api/accounts/otp/request",
            {"mobile": f"981234560{attempt}"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"100.64.0.{attempt + 1}, 198.51.100.7",
        )
        statuses.append(response.status_code)
    cache.clear()
    assert statuses == [200, 200, 200, 429, 429]
    # What was recorded is the address our proxy saw, never a forged hop.
    assert set(OtpChallenge.objects.values_list("ip", flat=True)) == {"198.51.100.7"}
