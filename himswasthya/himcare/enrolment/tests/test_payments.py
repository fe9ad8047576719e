"""Online premium payment: the real HTTP client against the gateway simulator on live_server (no mocks)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.enrolment.payments.callbacks import InvalidCallbackUrl
from himswasthya.himcare.enrolment.payments.client import (
    PaymentClient,
    PaymentGatewayError,
    sign,
    verify_signature,
)
from himswasthya.himcare.models import EnrolmentStatus, PaymentStatus
from himswasthya.himcare.tests.factories import make_scheme_year

CALLBACK = "http://testserver/himcare/payment/callback/"


@pytest.fixture
def paysim(live_server, settings):
    settings.HIMCARE_PAYMENT_GATEWAY_URL = f"{live_server.url}/himcare-paysim"
    settings.SMS_BACKEND = "memory"
    return live_server.url


@pytest.fixture
def pending(paysim, citizen, citizen_family):
    make_scheme_year()
    return svc.do_enrol_family(actor=citizen, family=citizen_family, channel="citizen")


def _pay(redirect_url: str, outcome: str = "pay") -> dict[str, str]:
    page = requests.get(redirect_url, timeout=10)
    assert page.status_code == 200 and "Pay" in page.text
    callback = parse_qs(urlsplit(redirect_url).query)["callback_url"][0]
    answer = requests.post(
        redirect_url, data={"outcome": outcome, "callback_url": callback}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_signature_is_hmac_sha256_of_order_and_payment(settings):
    settings.HIMCARE_PAYMENT_KEY_SECRET = "s3cret"
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"order_1|pay_1", hashlib.sha256).hexdigest()
    assert sign("order_1", "pay_1") == expected
    assert verify_signature("order_1", "pay_1", expected)
    assert not verify_signature("order_1", "pay_2", expected)
    assert not verify_signature("order_1", "pay_1", "")


def test_citizen_pays_online_and_the_card_is_issued(pending, citizen):
    assert pending.premium_paise == 365_00  # the head is a single woman (ekal naari): category II
    payment, url = svc.do_start_online_payment(actor=citizen, enrolment=pending, callback_url=CALLBACK)
    assert payment.status == PaymentStatus.INITIATED and payment.order_id.startswith("order_")
    params = _pay(url)
    assert params["razorpay_order_id"] == payment.order_id
    confirmed = svc.do_confirm_online_payment(
        order_id=params["razorpay_order_id"],
        payment_id=params["razorpay_payment_id"],
        signature=params["razorpay_signature"],
    )
    pending.refresh_from_db()
    assert confirmed.status == PaymentStatus.SUCCESS and confirmed.gateway_payment_id.startswith("pay_")
    assert pending.status == EnrolmentStatus.ACTIVE and pending.card_number and pending.wallet.cover_paise
    again = svc.do_confirm_online_payment(
        order_id=params["razorpay_order_id"],
        payment_id=params["razorpay_payment_id"],
        signature=params["razorpay_signature"],
    )
    assert again.pk == confirmed.pk
    assert pending.payments.filter(status="success").count() == 1


def test_forged_or_failed_callback_changes_nothing(pending, citizen):
    payment, url = svc.do_start_online_payment(actor=citizen, enrolment=pending, callback_url=CALLBACK)
    failed = _pay(url, outcome="fail")
    assert "razorpay_signature" not in failed and failed["error_code"]
    with pytest.raises(svc.PaymentNotVerified):
        svc.do_confirm_online_payment(order_id=payment.order_id, payment_id="pay_forged", signature="00" * 32)
    with pytest.raises(svc.PaymentNotVerified):  # signed with another secret
        svc.do_confirm_online_payment(
            order_id=payment.order_id, payment_id="pay_x", signature=sign(payment.order_id, "pay_x", "wrong")
        )
    payment.refresh_from_db()
    pending.refresh_from_db()
    assert payment.status == PaymentStatus.INITIATED
    assert pending.status == EnrolmentStatus.PENDING_PAYMENT and pending.card_number is None


def test_a_non_ascii_signature_on_the_page_callback_is_refused_not_a_500(pending, citizen, client):
    payment, _url = svc.do_start_online_payment(actor=citizen, enrolment=pending, callback_url=CALLBACK)
    response = client.get(
        "/himcare/payment/callback/",
        {
            "razorpay_order_id": payment.order_id,
            "razorpay_payment_id": "pay_x",
            "razorpay_signature": "é" * 64,
        },
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.INITIATED


def test_gateway_refuses_bad_credentials_and_unreachable(paysim, settings):
    with pytest.raises(PaymentGatewayError):
        PaymentClient(key_secret="wrong").create_order(amount_paise=1000_00, receipt="R1")
    with pytest.raises(PaymentGatewayError):
        PaymentClient(base_url="http://127.0.0.1:9").create_order(amount_paise=1000_00, receipt="R1")
    order = PaymentClient().create_order(amount_paise=365_00, receipt="R1")
    assert order.amount_paise == 365_00


def test_other_citizen_cannot_start_payment(pending, db):
    from himswasthya.accounts.models import User

    other = User.objects.create(username="other-citizen", role="citizen", mobile="9000000009")
    with pytest.raises(svc.NotFound):
        svc.do_start_online_payment(actor=other, enrolment=pending, callback_url=CALLBACK)


# --- the callback URL is ours only (issue #10 item 6: an open redirect that received the signature) ---------
EVIL_CALLBACKS = [
    "https://evil.example/himcare/payment/callback/",
    "http://evil.example/himcare/payment/callback/?next=http://testserver/",
    "//evil.example/himcare/payment/callback/",
    "http://testserver@evil.example/himcare/payment/callback/",
    "http://evil.example\\@testserver/himcare/payment/callback/",
    "http://testserver/accounts/login/",
    "http://testserver/himcare/payment/callback/../../admin/",
    "javascript:alert(1)//testserver/himcare/payment/callback/",
    "ftp://testserver/himcare/payment/callback/",
    "/himcare/payment/callback/",
]


@pytest.mark.parametrize("evil", EVIL_CALLBACKS)
def test_foreign_callback_url_is_refused_before_any_order(pending, citizen, evil):
    with pytest.raises(InvalidCallbackUrl) as exc:
        svc.do_start_online_payment(actor=citizen, enrolment=pending, callback_url=evil)
    assert exc.value.field == "callback_url" and exc.value.status == 400
    assert not pending.payments.exists()


def test_api_refuses_an_evil_callback_and_builds_ours_by_default(pending, citizen, login_as):
    client = login_as(citizen)
    url = f"/api/himcare/enrolments/{pending.pk}/online-payment"
    evil = {"callback_url": "https://evil.example/himcare/payment/callback/"}
    response = client.post(url, data=json.dumps(evil), content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "callback_url_invalid" and response.json()["field"] == "callback_url"
    assert not pending.payments.exists()
    response = client.post(url, data="{}", content_type="application/json")
    assert response.status_code == 200, response.content
    callback = parse_qs(urlsplit(response.json()["redirect_url"]).query)["callback_url"][0]
    assert callback == CALLBACK


def test_the_simulated_gateway_redirects_only_to_our_callback(pending, citizen):
    _payment, url = svc.do_start_online_payment(actor=citizen, enrolment=pending, callback_url=CALLBACK)
    evil = url.replace("testserver", "evil.example")
    answer = requests.post(evil, data={"outcome": "pay"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "Location" not in answer.headers
