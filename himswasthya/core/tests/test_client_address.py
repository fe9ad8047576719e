"""The client address behind our proxies: forged X-Forwarded-For hops never reach rate limits or the audit."""

import pytest
from django.test import RequestFactory

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
