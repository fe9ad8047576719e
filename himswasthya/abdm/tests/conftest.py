"""ABDM test set-up: the real client against the simulator served by pytest-django's live_server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache

from himswasthya.abdm.client import AbdmClient, AbdmConfig
from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT

DEMO_ABHA = DEMO_ACCOUNT["abha_number"]
DEMO_ADDRESS = DEMO_ACCOUNT["abha_address"]


def forget_cached_abdm_state() -> None:
    """Drop the client's cached gateway session, certificate and keys (of the configured gateway)."""
    config = AbdmConfig.from_settings()
    cache.delete_many([config.cache_key(what) for what in ("session", "certificate", "jwks")])


def point_the_client_at_the_simulator(settings, live_server_url: str) -> None:
    """Our client (and the simulator's own credentials) set up for the simulator served by `live_server_url`,
    with quick retries and nothing cached from an earlier test. Call `forget_cached_abdm_state` at the end."""
    settings.ABDM_GATEWAY_URL = f"{live_server_url}/abdm-sim/gateway"
    settings.ABDM_ABHA_URL = f"{live_server_url}/abdm-sim/abha"
    settings.ABDM_CLIENT_ID = settings.ABDM_SIMULATOR_CLIENT_ID = "SBX_TEST"
    settings.ABDM_CLIENT_SECRET = settings.ABDM_SIMULATOR_CLIENT_SECRET = "test-secret"
    settings.ABDM_RETRY_BACKOFF_SECONDS = 0.01
    forget_cached_abdm_state()


@pytest.fixture
def abdm_sim(live_server, settings) -> Iterator[str]:
    """Point the client at the simulator of the live server; returns the live server URL."""
    point_the_client_at_the_simulator(settings, live_server.url)
    settings.ABDM_TIMEOUT_SECONDS = 10
    yield live_server.url
    forget_cached_abdm_state()


@pytest.fixture
def client_for_sim(abdm_sim) -> AbdmClient:
    return AbdmClient()


@pytest.fixture
def demo_account(db) -> SimulatedAbhaAccount:
    fields = dict(DEMO_ACCOUNT)
    return SimulatedAbhaAccount.objects.create(**fields)


# ---- a tiny scripted HTTP server for timeouts, retries and inbound pushes ----------------------------------


@dataclass
class Scripted:
    status: int = 200
    body: Any = None
    delay: float = 0.0  # seconds the server hangs before answering; it stops hanging when the test ends


@dataclass
class FakeServer:
    url: str
    script: list[Scripted] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    test_ended: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """Answers each request with the next scripted reply (the last one repeats) and records what it got."""
    state = FakeServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            state.received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": json.loads(raw) if raw else None,
                }
            )
            step = (
                state.script[min(len(state.received) - 1, len(state.script) - 1)]
                if state.script
                else Scripted()
            )
            if step.delay:
                state.test_ended.wait(step.delay)
            payload = (
                b""
                if step.body is None
                else (step.body.encode() if isinstance(step.body, str) else json.dumps(step.body).encode())
            )
            try:
                self.send_response(step.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass

        do_GET = do_POST = _reply

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.test_ended.set()
    server.shutdown()
    server.server_close()
