"""The current request, held in a context variable so services can audit without a request argument."""

from __future__ import annotations

import contextvars

from django.http import HttpRequest

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def bind_request(request: HttpRequest) -> contextvars.Token:
    return _current_request.set(request)


def clear_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest) -> str | None:
    # Behind the state data centre's proxy the client address is the first X-Forwarded-For hop.
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
