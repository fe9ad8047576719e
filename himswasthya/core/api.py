"""The project-wide django-ninja API: one NinjaAPI, one router per app, DomainError -> 4xx."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from himswasthya.core.errors import DomainError

api = NinjaAPI(
    title="HimSwasthya API",
    version="1",
    description=(
        "Digital health services of Himachal Pradesh. Session auth with CSRF; errors carry a machine code."
    ),
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None, "message": e.get("msg", "")}
        for e in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    return api.create_response(
        request,
        {"code": "invalid", "message": first["message"], "field": first["field"], "errors": errors},
        status=422,
    )
