"""Response headers that Django 5.2 does not set itself (SEC-32).

Content-Security-Policy (issue #10 item 6): no inline script at all (`script-src 'self'`: every script is a
static file under `static/js/`, behaviour hangs on data- attributes, no on*= handlers), and no inline style
except `<style>` blocks carrying this request's nonce (`<style nonce="{{ request.csp_nonce }}">`); style
attributes are replaced by classes in `static/css/site.css`. `tests/test_csp.py` keeps the templates that
way. Django's admin works under this policy: its scripts are static files and its templates have no inline
script or style.
"""

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'nonce-{nonce}'; "
    "script-src 'self'; object-src 'none'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def content_security_policy(nonce: str) -> str:
    return CONTENT_SECURITY_POLICY.format(nonce=nonce)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A fresh nonce per response, for the templates' <style> blocks (no page is cached on the server).
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(self), microphone=()")
        # Pages for signed-in users may show personal data: never cache them (SEC-32, 8.2.1).
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
