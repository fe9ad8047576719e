"""HTTP client of the premium payment gateway (Razorpay-style orders API and checkout verification).

Create an order (`POST {gateway}/v1/orders`, HTTP basic auth with the key id and secret, JSON
{amount, currency, receipt, notes}); send the payer to the hosted checkout page; the gateway redirects back to
our callback with the order id, the payment id and a signature, HMAC-SHA256 over "order_id|payment_id" keyed
by the key secret - the verification Razorpay documents for its standard checkout.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError


class PaymentGatewayError(DomainError):
    code = "payment_gateway_unavailable"
    status = 502


@dataclass(frozen=True)
class Order:
    id: str
    amount_paise: int
    receipt: str


def sign(order_id: str, payment_id: str, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.HIMCARE_PAYMENT_KEY_SECRET).encode()
    return hmac.new(key, f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


def verify_signature(order_id: str, payment_id: str, signature: str) -> bool:
    """True only when `signature` is the gateway's HMAC over "order_id|payment_id" (constant-time compare)."""
    if not (order_id and payment_id and signature and settings.HIMCARE_PAYMENT_KEY_SECRET):
        return False
    # compare_digest refuses non-ASCII text with a TypeError: such a signature is simply wrong, never a 500.
    return hmac.compare_digest(sign(order_id, payment_id).encode(), signature.strip().lower().encode())


class PaymentClient:
    def __init__(self, base_url: str | None = None, key_id: str | None = None, key_secret: str | None = None):
        self.base_url = (base_url or settings.HIMCARE_PAYMENT_GATEWAY_URL).rstrip("/")
        self.key_id = key_id if key_id is not None else settings.HIMCARE_PAYMENT_KEY_ID
        self.key_secret = key_secret if key_secret is not None else settings.HIMCARE_PAYMENT_KEY_SECRET
        self.timeout = settings.HIMCARE_PAYMENT_TIMEOUT_SECONDS

    def create_order(self, *, amount_paise: int, receipt: str, notes: dict[str, Any] | None = None) -> Order:
        try:
            response = requests.post(
                f"{self.base_url}/v1/orders",
                json={"amount": amount_paise, "currency": "INR", "receipt": receipt, "notes": notes or {}},
                auth=(self.key_id, self.key_secret),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise PaymentGatewayError(
                _("The payment gateway cannot be reached. Please try again in a few minutes."),
                field="payment",
            ) from exc
        if response.status_code != 200:
            raise PaymentGatewayError(
                _("The payment gateway refused the order. Please try again in a few minutes."),
                field="payment",
            )
        body = response.json()
        if body.get("amount") != amount_paise or not body.get("id"):
            raise PaymentGatewayError(
                _("The payment gateway refused the order. Please try again in a few minutes."),
                field="payment",
            )
        return Order(
            id=str(body["id"]), amount_paise=int(body["amount"]), receipt=str(body.get("receipt", ""))
        )

    def checkout_url(self, order_id: str, callback_url: str) -> str:
        """The hosted page where the payer pays; the gateway then redirects to `callback_url`."""
        return f"{self.base_url}/pay/{order_id}?" + urlencode(
            {"key_id": self.key_id, "callback_url": callback_url}
        )
