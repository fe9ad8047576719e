"""A local stand-in for the premium payment gateway (mounted at /himcare-paysim/ when
HIMCARE_PAYMENT_SIMULATOR_ENABLED): the orders API, and a hosted checkout page where the tester presses Pay
or Fail. Pay redirects to the merchant's callback with payment id and a real HMAC-SHA256 signature, exactly as
the client verifies it; Fail redirects with an error and no signature. Orders live in the cache for a day.
"""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from himswasthya.himcare.enrolment.payments.callbacks import InvalidCallbackUrl, check_callback_url
from himswasthya.himcare.enrolment.payments.client import sign

ORDER_TTL = 24 * 60 * 60


def _key(order_id: str) -> str:
    return f"himcare-paysim:order:{order_id}"


def _authorised(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        key_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    return secrets.compare_digest(key_id, settings.HIMCARE_PAYMENT_KEY_ID) and secrets.compare_digest(
        secret, settings.HIMCARE_PAYMENT_KEY_SECRET
    )


@csrf_exempt
@require_http_methods(["POST"])
def create_order(request: HttpRequest) -> JsonResponse:
    if not _authorised(request):
        return JsonResponse(
            {"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}}, status=401
        )
    try:
        body = json.loads(request.body)
        amount = int(body["amount"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return JsonResponse(
            {"error": {"code": "BAD_REQUEST_ERROR", "description": "amount is required"}}, status=400
        )
    if amount < 100:
        return JsonResponse(
            {"error": {"code": "BAD_REQUEST_ERROR", "description": "amount must be at least 100 paise"}},
            status=400,
        )
    order = {
        "id": f"order_{secrets.token_hex(7)}",
        "entity": "order",
        "amount": amount,
        "currency": body.get("currency", "INR"),
        "receipt": str(body.get("receipt", ""))[:40],
        "notes": body.get("notes") or {},
        "status": "created",
    }
    cache.set(_key(order["id"]), order, ORDER_TTL)
    return JsonResponse(order)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest, order_id: str) -> HttpResponse:
    order = cache.get(_key(order_id))
    callback = request.GET.get("callback_url") or request.POST.get("callback_url") or ""
    if order is None:
        return HttpResponse("Unknown order", status=404, content_type="text/plain")
    try:  # like a gateway with registered callback URLs: only the merchant's own callback
        check_callback_url(callback, request)
    except InvalidCallbackUrl:
        return HttpResponse(
            "callback_url is not the merchant's callback", status=400, content_type="text/plain"
        )
    if request.method == "POST":
        if request.POST.get("outcome") == "pay":
            payment_id = f"pay_{secrets.token_hex(7)}"
            order["status"] = "paid"
            cache.set(_key(order_id), order, ORDER_TTL)
            query = {
                "razorpay_order_id": order_id,
                "razorpay_payment_id": payment_id,
                "razorpay_signature": sign(order_id, payment_id),
            }
        else:
            query = {
                "razorpay_order_id": order_id,
                "error_code": "BAD_REQUEST_ERROR",
                "error_description": "Payment failed",
            }
        separator = "&" if "?" in callback else "?"
        return HttpResponseRedirect(callback + separator + urlencode(query))
    return render(
        request,
        "himcare/enrolment/paysim.html",
        {"order": order, "rupees": order["amount"] / 100, "callback_url": callback},
    )


urlpatterns = [
    path("v1/orders", create_order, name="himcare_paysim_orders"),
    path("pay/<str:order_id>", pay_page, name="himcare_paysim_pay"),
]
