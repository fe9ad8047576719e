"""The client address behind our proxies: forged X-Forwarded-For hops never reach rate limits or the audit."""

import pytest
from django.test import Client, RequestFactory

from himswasthya.accounts.models import OtpChallenge
from himswasthya.core.client_address import client_ip

PROXY = "10.0.0.5"


def _request(forwarded: str | None, peer: str = PROXY):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_socket_peer_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("1.2.3.4", peer="203.0.113.9")) == "203.0.113.9"


def test_one_proxy_takes_the_rightmost_hop_not_the_forged_first(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appended the real client (198.51.100.7) to what the client sent.
    assert client_ip(_request("6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("198.51.100.7")) == "198.51.100.7"


def test_two_proxies_take_the_second_hop_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("6.6.6.6, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_fewer_hops_than_proxies_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("198.51.100.7")) == PROXY


@pytest.mark.parametrize("garbage", ["not-an-ip", "", "1.2.3.4.5", "<script>"])
def test_a_hop_that_is_not_an_address_falls_back_to_the_peer(settings, garbage):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(f"1.1.1.1, {garbage}")) == PROXY


def test_no_header_behind_a_proxy_is_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(None)) == PROXY


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
