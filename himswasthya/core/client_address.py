"""The client's IP address, for rate limits and the audit log (SEC-24, SEC-29).

Each proxy in front of the app appends the address it got the request from to X-Forwarded-For
(nginx's `$proxy_add_x_forwarded_for`), so only the rightmost `TRUSTED_PROXY_COUNT` hops were written by our
proxies; the hops to their left are whatever the client sent and must never be believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address our outermost trusted proxy saw, or the socket peer when no proxy is configured."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come the way we deploy it; trust only the socket peer.
        return peer
    return _valid_ip(hops[-proxies]) or peer
