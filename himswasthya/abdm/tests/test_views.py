"""/abdm/verify/: the staff page, in English and Hindi; citizens and anonymous visitors are turned away."""

from __future__ import annotations

import pytest

from .conftest import DEMO_ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/abdm/verify/"


def test_it_walks_a_clerk_through_number_otp_and_profile(abdm_sim, demo_account, clerk, login_as):
    client = login_as(clerk)
    page = client.get(URL)
    assert page.status_code == 200 and b'name="abha_number"' in page.content
    sent = client.post(URL, {"step": "request", "abha_number": "91-7604-8764-7595", "otp_system": "abdm"})
    assert sent.status_code == 200 and b'name="otp"' in sent.content
    txn_id = sent.context["confirm_form"].initial["txn_id"]
    done = client.post(URL, {"step": "confirm", "txn_id": txn_id, "otp": "123456"})
    assert done.status_code == 200
    assert b"91-7604-8764-7595" in done.content and b"Ramesh Thakur" in done.content


def test_it_searches_by_address_and_shows_errors(abdm_sim, demo_account, doctor, login_as):
    client = login_as(doctor)
    found = client.post(URL, {"step": "search", "abha_address": DEMO_ADDRESS})
    assert b"91-XXXX-XXXX-7595" in found.content
    missing = client.post(URL, {"step": "search", "abha_address": "nobody.here@sbx"})
    assert missing.status_code == 400 and b"No ABHA account was found" in missing.content


def test_it_speaks_hindi(abdm_sim, clerk, login_as):
    client = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi")
    page = client.get(URL)
    assert "<h1>ABHA सत्यापित करें</h1>" in page.content.decode()
    assert "ओटीपी भेजें" in page.content.decode()


def test_citizens_and_anonymous_visitors_are_refused(abdm_sim, citizen, login_as, client):
    assert client.get(URL).status_code == 302
    assert login_as(citizen).get(URL).status_code == 403
