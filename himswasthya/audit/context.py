"""The current request, held in a context variable so services can audit without a request argument."""

from __future__ import annotations

import contextvars

from django.http import HttpRequest

from himswasthya.core.client_address import client_ip

__all__ = ["bind_request", "clear_request", "client_ip", "current_request"]

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def bind_request(request: HttpRequest) -> contextvars.Token:
    return _current_request.set(request)


def clear_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()
