"""The simulator's scan-and-share push: the documented PROFILE_SHARE body, with a JWT our verifier accepts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from himswasthya.abdm.client import verify_gateway_jwt
from himswasthya.abdm.simulator.share import push_profile_share

from .conftest import DEMO_ADDRESS, Scripted

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_pushes_the_documented_profile_share(abdm_sim, demo_account, fake_server):
    fake_server.script = [Scripted(202, None)]
    result = push_profile_share(
        f"{fake_server.url}/api/v3/hip/patient/share",
        hip_id="IN0210000001",
        counter="12345",
        abha_address=DEMO_ADDRESS,
    )
    assert result.status_code == 202
    (received,) = fake_server.received
    assert received["path"] == "/api/v3/hip/patient/share"
    headers = received["headers"]
    assert headers["REQUEST-ID"] == result.request_id and headers["X-HIP-ID"] == "IN0210000001"
    assert headers["TIMESTAMP"].endswith("Z")
    scheme, token = headers["Authorization"].split(" ", 1)
    assert scheme == "Bearer"
    assert verify_gateway_jwt(token)["aud"] == "account"
    assert received["body"] == {
        "intent": "PROFILE_SHARE",
        "metaData": {
            "hipId": "IN0210000001",
            "context": "12345",
            "hprId": "",
            "latitude": "31.10",
            "longitude": "77.17",
        },
        "profile": {
            "patient": {
                "abhaNumber": "91-7604-8764-7595",
                "abhaAddress": DEMO_ADDRESS,
                "name": "Ramesh Thakur",
                "gender": "M",
                "dayOfBirth": "5",
                "monthOfBirth": "8",
                "yearOfBirth": "1985",
                "phoneNumber": "9816000001",
                "address": {
                    "line": "Sanjauli",
                    "district": "SHIMLA",
                    "state": "HIMACHAL PRADESH",
                    "pincode": "171006",
                },
            }
        },
    }


def test_the_command_pushes_and_reports(abdm_sim, demo_account, fake_server, capsys):
    fake_server.script = [Scripted(202, None)]
    call_command(
        "abdm_sim_share",
        f"{fake_server.url}/share",
        "--hip-id",
        "IN9",
        "--counter",
        "4",
        "--abha-address",
        DEMO_ADDRESS,
    )
    assert "HTTP 202" in capsys.readouterr().out
    assert fake_server.received[0]["body"]["metaData"]["context"] == "4"


def test_the_command_fails_loudly(abdm_sim, demo_account, fake_server):
    with pytest.raises(CommandError, match="abdm_sim_seed"):
        call_command("abdm_sim_share", fake_server.url, "--abha-address", "nobody@sbx")
    fake_server.script = [Scripted(401, {"error": "no"})]
    with pytest.raises(CommandError, match="did not accept"):
        call_command("abdm_sim_share", fake_server.url, "--abha-address", DEMO_ADDRESS)
