"""A real HTTP SMS gateway on a local port (`sms_gateway` fixture) and a port where none listens, for tests of
the `http` backend and the outbox; registration's tests use them too."""

from __future__ import annotations

import http.server
import json
import socket
import threading

import pytest


def closed_port() -> int:
    """A local port with nothing listening (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append(json.loads(body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def sms_gateway():
    """(url, received): the gateway's URL and the JSON bodies it accepted, in order."""
    _Gateway.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", _Gateway.received
    server.shutdown()
    server.server_close()
