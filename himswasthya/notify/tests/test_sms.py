"""SEC-33: the SMS adapter refuses messages without DLT ids or off-template text; a real HTTP backend."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from himswasthya.notify import sms

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def _otp_message(**variables) -> sms.SmsMessage:
    return sms.SmsMessage(
        mobile="9812345678", template_key="otp_login", variables={"otp": "123456", "minutes": 5, **variables}
    )


def test_it_renders_a_registered_template_with_its_ids():
    out = sms.render(_otp_message())
    assert (
        out.text == "123456 is your HimSwasthya login OTP. Valid for 5 minutes. Do not share it. -HP Health"
    )
    assert out.template_id == "1107000000000000001"
    assert out.entity_id == "1101000000000000000"
    assert out.sender == "HPHLTH"


def test_the_hindi_template_renders_and_matches():
    out = sms.render(sms.SmsMessage("9812345678", "otp_login_hi", {"otp": "654321", "minutes": 5}))
    assert out.text.startswith("654321 आपका हिमस्वास्थ्य") and out.template_id == "1107000000000000002"


@pytest.mark.parametrize(
    "variables",
    [{"otp": "12345"}, {"otp": "ABCDEF"}, {"otp": "123456 click http://evil.example"}, {"minutes": "five"}],
)
def test_it_refuses_text_that_does_not_match_the_template(variables):
    with pytest.raises(sms.SmsRefused, match="does not match"):
        sms.render(_otp_message(**variables))


def test_it_refuses_a_missing_template_id(settings):
    settings.SMS_DLT_TEMPLATE_IDS = {"otp_login": ""}
    with pytest.raises(sms.SmsRefused, match="template id"):
        sms.send_sms("9812345678", "otp_login", otp="123456", minutes=5)
    assert not sms.outbox


def test_it_refuses_a_missing_entity_id(settings):
    settings.SMS_DLT_ENTITY_ID = ""
    with pytest.raises(sms.SmsRefused, match="entity"):
        sms.send_sms("9812345678", "otp_login", otp="123456", minutes=5)
    assert not sms.outbox


def test_it_refuses_unknown_templates_and_missing_variables():
    with pytest.raises(sms.SmsRefused, match="unknown"):
        sms.render(sms.SmsMessage("9812345678", "free_text", {}))
    with pytest.raises(sms.SmsRefused, match="missing variable"):
        sms.render(sms.SmsMessage("9812345678", "otp_login", {"otp": "123456"}))


def test_memory_backend_keeps_an_outbox():
    sms.send_sms("9812345678", "otp_login", otp="123456", minutes=5)
    assert [m.mobile for m in sms.outbox] == ["9812345678"]


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "out.log"
    sms.send_sms("9812345678", "otp_login", otp="111111", minutes=5)
    sms.send_sms("9812345679", "otp_login", otp="222222", minutes=5)
    lines = [json.loads(line) for line in settings.SMS_FILE_PATH.read_text().splitlines()]
    assert [line["mobile"] for line in lines] == ["9812345678", "9812345679"]
    assert lines[0]["template_id"] == "1107000000000000001" and lines[0]["entity_id"]


def test_console_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "console"
    sms.send_sms("9812345678", "otp_login", otp="333333", minutes=5)
    assert "333333 is your HimSwasthya login OTP" in capsys.readouterr().out


def test_unknown_backend_is_a_clear_error(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(sms.SmsError, match="unknown SMS_BACKEND"):
        sms.send_sms("9812345678", "otp_login", otp="333333", minutes=5)


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 202

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(
            {"headers": dict(self.headers), "body": json.loads(body), "path": self.path}
        )
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.received = []
    _Gateway.status = 202
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_http_backend_posts_json_with_the_api_key(settings, gateway):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{gateway.server_port}/v1/sms"
    settings.SMS_HTTP_API_KEY = "test-key"
    sms.send_sms("9812345678", "otp_login", otp="444444", minutes=5)
    (request,) = _Gateway.received
    assert request["path"] == "/v1/sms"
    assert request["headers"]["X-API-Key"] == "test-key"
    assert request["body"] == {
        "sender": "HPHLTH",
        "entity_id": "1101000000000000000",
        "template_id": "1107000000000000001",
        "mobile": "9812345678",
        "text": "444444 is your HimSwasthya login OTP. Valid for 5 minutes. Do not share it. -HP Health",
    }


def test_http_backend_raises_on_non_2xx(settings, gateway):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{gateway.server_port}/v1/sms"
    _Gateway.status = 503
    with pytest.raises(sms.SmsDeliveryError, match="HTTP 503"):
        sms.send_sms("9812345678", "otp_login", otp="444444", minutes=5)


def test_http_backend_never_posts_a_refused_message(settings, gateway):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{gateway.server_port}/v1/sms"
    with pytest.raises(sms.SmsRefused):
        sms.send_sms("9812345678", "otp_login", otp="not-an-otp", minutes=5)
    assert _Gateway.received == []


def test_http_backend_unreachable_gateway(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/v1/sms"  # discard port: connection refused
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2
    with pytest.raises(sms.SmsDeliveryError, match="unreachable"):
        sms.send_sms("9812345678", "otp_login", otp="444444", minutes=5)


@pytest.mark.parametrize(
    "template, variables",
    [
        ("appointment_booked", {"number": "OPD261126-12-7", "token": 7}),
        ("appointment_cancelled", {"number": "OPD261126-12-7"}),
        ("appointment_rescheduled", {"number": "OPD261126-12-7", "token": 7}),
        ("scan_share_token", {"number": "OPD261126-12-7", "token": 7}),
    ],
)
@pytest.mark.parametrize("language", ["", "_hi"])
def test_every_opd_template_renders_and_matches_its_dlt_pattern(template, variables, language):
    out = sms.render(
        sms.SmsMessage(mobile="9876543210", template_key=template + language, variables=variables)
    )
    assert "OPD261126-12-7" in out.text and out.template_id


def test_the_registered_pattern_is_the_literal_text_with_each_variable_shape():
    pattern = sms.registered_pattern("Booking {number} (token {token}). -HP Health")
    assert pattern == r"Booking\ OPD\d{6}-\d{1,10}-\d{1,4}\ \(token\ \d{1,4}\)\.\ \-HP\ Health"


def test_every_template_has_an_english_and_a_hindi_text_and_only_known_variables():
    keys = set(sms.TEMPLATES)
    assert {key for key in keys if not key.endswith("_hi")} == {
        key[: -len("_hi")] for key in keys if key.endswith("_hi")
    }
    assert all(sms.TEMPLATES[key].pattern for key in keys)  # an unknown {variable} fails at import (KeyError)
