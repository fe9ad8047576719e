"""The register client against a tiny local http.server: retries on 5xx and timeouts, none on 4xx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from himswasthya.himparivar.sync.client import RegisterClient, RegisterConfig, RegisterError

PAGE = {"changes": [{"id": "1", "type": "member.deceased", "member_id": "HPM1"}], "next_cursor": "1"}


class Register:
    def __init__(self) -> None:
        self.script: list[tuple[int, object, float]] = []  # (status, body, delay) per request
        self.requests: list[dict[str, str]] = []
        self.test_ended = threading.Event()  # a delayed answer stops waiting when the test ends


@pytest.fixture
def fake_register() -> Iterator[tuple[Register, str]]:
    register = Register()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            register.requests.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
            status, body, delay = register.script.pop(0) if register.script else (200, PAGE, 0.0)
            if delay:
                register.test_ended.wait(delay)
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield register, f"http://127.0.0.1:{server.server_port}"
    register.test_ended.set()
    server.shutdown()
    server.server_close()


def _client(url: str, timeout: float = 2.0, retries: int = 2) -> RegisterClient:
    return RegisterClient(RegisterConfig(url, "secret-token", timeout, retries, 0.01))


def test_it_sends_the_cursor_and_the_token(fake_register):
    register, url = fake_register
    page = _client(url).changes("41", limit=7)
    assert page.next_cursor == "1" and page.changes[0]["member_id"] == "HPM1" and not page.has_more
    assert register.requests[0]["path"] == "/api/v1/changes?since=41&limit=7"
    assert register.requests[0]["auth"] == "Bearer secret-token"


def test_it_retries_a_server_error_then_succeeds(fake_register):
    register, url = fake_register
    register.script = [(503, {"error": "busy"}, 0.0), (502, "bad gateway", 0.0)]
    page = _client(url).changes("")
    assert page.next_cursor == "1" and len(register.requests) == 3


def test_it_gives_up_after_the_retries_with_a_clear_error(fake_register):
    register, url = fake_register
    register.script = [(500, {}, 0.0)] * 3
    with pytest.raises(RegisterError) as caught:
        _client(url).changes("")
    assert caught.value.code == "server_error" and caught.value.http_status == 500
    assert "reported an error" in str(caught.value.message)
    assert len(register.requests) == 3


def test_a_timeout_is_retried_and_reported(fake_register):
    register, url = fake_register
    register.script = [(200, PAGE, 60), (200, PAGE, 60)]  # hangs for longer than the test
    with pytest.raises(RegisterError) as caught:
        _client(url, timeout=0.2, retries=1).changes("")
    assert caught.value.code == "timeout" and len(register.requests) == 2


def test_a_client_error_is_not_retried(fake_register):
    register, url = fake_register
    register.script = [(400, {"error": "bad since"}, 0.0)]
    with pytest.raises(RegisterError) as caught:
        _client(url).changes("x")
    assert caught.value.code == "bad_request" and len(register.requests) == 1


def test_an_unreadable_answer_is_a_bad_response(fake_register):
    register, url = fake_register
    register.script = [(200, "<html>maintenance</html>", 0.0)]
    with pytest.raises(RegisterError) as caught:
        _client(url).changes("")
    assert caught.value.code == "bad_response"


def test_an_unreachable_register_is_reported():
    with pytest.raises(RegisterError) as caught:
        _client("http://127.0.0.1:9", retries=0).changes("")
    assert caught.value.code == "unreachable"
