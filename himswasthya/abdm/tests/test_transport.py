"""Timeouts, retries with backoff and what is never retried, against a tiny scripted local HTTP server."""

from __future__ import annotations

import socket
import time
import uuid

import pytest
from django.core.cache import cache

from himswasthya.abdm import errors
from himswasthya.abdm.client import AbdmClient, AbdmConfig
from himswasthya.abdm.errors import AbdmError

from .conftest import Scripted

SESSION = {"accessToken": "session-token-1", "expiresIn": 1200, "tokenType": "bearer"}
FOUND = {
    "healthIdNumber": "91-7604-8764-7595",
    "abhaAddress": "ramesh.thakur@sbx",
    "fullName": "Ramesh Thakur",
}


def _client(url: str, *, retries: int = 2, timeout: float = 5.0) -> AbdmClient:
    config = AbdmConfig(
        gateway_url=url,
        abha_url=url,
        client_id=f"client-{uuid.uuid4().hex[:8]}",
        client_secret="s",
        cm_id="sbx",
        hip_id="IN0210000001",
        timeout_seconds=timeout,
        retries=retries,
        backoff_seconds=0.01,
        jwks_cache_seconds=60,
        jwt_audience="account",
    )
    cache.delete(config.cache_key("session"))
    return AbdmClient(config)


def test_it_retries_a_5xx_and_then_succeeds(fake_server):
    fake_server.script = [
        Scripted(200, SESSION),
        Scripted(500, "oops"),
        Scripted(503, {}),
        Scripted(200, FOUND),
    ]
    result = _client(fake_server.url).search_abha_address("ramesh.thakur@sbx")
    assert result.abha_number == "91760487647595"
    searches = [r for r in fake_server.received if r["path"].endswith("/abha/search")]
    assert len(searches) == 3
    # the same REQUEST-ID on every attempt (ABDM can drop duplicates), a fresh TIMESTAMP each time
    assert len({r["headers"]["REQUEST-ID"] for r in searches}) == 1
    assert searches[0]["headers"]["Authorization"] == "Bearer session-token-1"


def test_it_gives_up_after_the_configured_retries(fake_server):
    fake_server.script = [Scripted(200, SESSION), Scripted(503, {"code": "ABDM-1024", "message": "down"})]
    with pytest.raises(AbdmError) as caught:
        _client(fake_server.url, retries=2).search_abha_address("ramesh.thakur@sbx")
    assert (caught.value.code, caught.value.http_status, caught.value.status) == ("ABDM-1024", 503, 503)
    assert len(fake_server.received) == 1 + 3


def test_it_never_retries_a_4xx(fake_server):
    fake_server.script = [
        Scripted(200, SESSION),
        Scripted(400, {"code": "ABDM-1211", "message": "User not found."}),
    ]
    with pytest.raises(AbdmError) as caught:
        _client(fake_server.url).search_abha_address("x.y@sbx")
    assert caught.value.code == "ABDM-1211"
    assert len(fake_server.received) == 2


def test_it_times_out_retries_and_reports_a_timeout(fake_server):
    fake_server.script = [Scripted(200, SESSION), Scripted(200, FOUND, delay=60)]
    started = time.monotonic()
    with pytest.raises(AbdmError) as caught:
        _client(fake_server.url, retries=1, timeout=0.2).search_abha_address("ramesh.thakur@sbx")
    assert caught.value.code == errors.TIMEOUT and caught.value.status == 504
    assert len(fake_server.received) == 1 + 2
    assert time.monotonic() - started < 30  # bounded by our timeout, not by the server's 60 s hang


def test_a_hang_followed_by_an_answer_succeeds(fake_server):
    fake_server.script = [Scripted(200, SESSION), Scripted(200, FOUND, delay=60), Scripted(200, FOUND)]
    assert _client(fake_server.url, retries=1, timeout=0.3).search_abha_address("ramesh.thakur@sbx").full_name


def test_it_reports_an_unreachable_host_after_retrying():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(AbdmError) as caught:
        _client(f"http://127.0.0.1:{port}", retries=1).session_token()
    assert caught.value.code == errors.UNREACHABLE and caught.value.status == 503


def test_it_refreshes_the_session_on_401_exactly_once(fake_server):
    invalid = {"code": "900901", "message": "Invalid Credentials"}
    fake_server.script = [
        Scripted(200, SESSION),
        Scripted(401, invalid),
        Scripted(200, SESSION),
        Scripted(401, invalid),
    ]
    with pytest.raises(AbdmError) as caught:
        _client(fake_server.url).search_abha_address("ramesh.thakur@sbx")
    assert caught.value.code == errors.INVALID_TOKEN
    paths = [r["path"] for r in fake_server.received]
    assert paths == ["/gateway/v3/sessions", "/v3/phr/web/login/abha/search"] * 2


def test_it_sends_the_documented_headers(fake_server):
    fake_server.script = [Scripted(200, SESSION), Scripted(202, None)]
    _client(fake_server.url).on_share(
        inbound_request_id="r-1", abha_address="a.b@sbx", context="7", token_number="3"
    )
    session, share = fake_server.received
    assert session["body"] == {
        "clientId": session["body"]["clientId"],
        "clientSecret": "s",
        "grantType": "client_credentials",
    }
    assert "Authorization" not in session["headers"]
    headers = share["headers"]
    uuid.UUID(headers["REQUEST-ID"])
    assert headers["X-CM-ID"] == "sbx" and headers["X-HIP-ID"] == "IN0210000001"
    assert len(headers["TIMESTAMP"]) == 24 and headers["TIMESTAMP"].endswith("Z")


def test_it_refuses_an_unreadable_success(fake_server):
    fake_server.script = [Scripted(200, "<html>maintenance</html>")]
    with pytest.raises(AbdmError) as caught:
        _client(fake_server.url).session_token()
    assert caught.value.code == errors.BAD_RESPONSE
