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

from django.conf import settings
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


class DemoNotFoundMiddleware:
    """With DEBUG on, Django answers a missing page with its technical 404 page (for developers, in English).
    A demo (`DEMO_MODE`, which `make demo` serves with DEBUG on) shows visitors the site's own 404 page in
    their language instead, as production does. API answers stay JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and settings.DEMO_MODE
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from himswasthya.core.api import handler404

            return handler404(request, None)
        return response
