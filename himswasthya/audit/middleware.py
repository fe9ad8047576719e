"""Makes the request (actor, role, IP) available to audit.record() without threading it through services."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from himswasthya.audit.context import bind_request, clear_request


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = bind_request(request)
        try:
            return self.get_response(request)
        finally:
            clear_request(token)
