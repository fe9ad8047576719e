"""The project-wide django-ninja API: one NinjaAPI, one router per app, every error as JSON {code, message}.

Errors (issue #10 items 4 and 5): every error under /api/ is `ErrorOut` JSON - domain errors (DomainError and
its subclasses), input validation (422, with one entry per field), authentication (401), Django's Http404,
ninja's own HTTP errors, and any unexpected exception (500, logged; never the HTML error page). Django's
handler404/handler500/handler403 and the CSRF failure view answer the same JSON for paths under /api/
(`json_error_for_api`, used by himswasthya/urls.py and settings.CSRF_FAILURE_VIEW).

The OpenAPI schema documents every status an operation can answer. Each operation declares its success
schema and the errors particular to it with `errors(...)`; the errors every operation of a kind can return
are added to the schema here (`HimSwasthyaAPI.get_openapi_schema`): 400 and 422 when it takes input (a rule
the schema cannot say, such as text that cannot be stored; invalid input), 401 and 403 when it needs a
session (not signed in; wrong role, CSRF, expired password, second factor), 400 and 404 for the domain
errors of signed-in operations.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Annotated, Any

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import PathView
from ninja.security import django_auth
from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

from himswasthya.core.errors import DomainError
from himswasthya.core.times import local_time

logger = logging.getLogger("himswasthya.api")

API_PREFIX = "/api/"


class ErrorOut(Schema):
    """Every error: a machine code, a message in the user's language, the input field at fault if any."""

    code: str
    message: str
    field: str | None = None


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ValidationErrorOut(ErrorOut):
    """422: the first problem in `code`/`message`/`field`, and every problem in `errors`."""

    errors: list[FieldErrorOut] = []


# --- times of day ---------------------------------------------------------------------------------------
# OPD sessions start and end at a wall-clock time in the state (Asia/Kolkata, no daylight saving). OpenAPI's
# `format: time` is RFC 3339's full-time, which carries an offset: answers say "09:30:00+05:30"; requests may
# give one (converted to the state's wall clock) or not (read as the state's wall clock).
def _state_offset() -> str:
    text = timezone.localtime().strftime("%z")  # "+0530"
    return f"{text[:3]}:{text[3:]}"


def _with_offset(value: dt.time) -> str:
    return f"{local_time(value).isoformat()}{_state_offset()}"


WallTimeIn = Annotated[dt.time, AfterValidator(local_time)]  # core/times.py: the state's wall clock
WallTimeOut = Annotated[
    dt.time,
    PlainSerializer(_with_offset, return_type=str),
    WithJsonSchema({"type": "string", "format": "time", "example": "09:30:00+05:30"}, mode="serialization"),
]


def purpose_schema(purposes: Iterable[str]) -> WithJsonSchema:
    """For `purpose: Annotated[str, purpose_schema(PURPOSES)]`: the schema lists the accepted codes (SEC-1);
    the service refuses any other with 400 purpose_invalid and a translated message."""
    return WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(purposes),
            "description": "Why the record is opened (written to the audit log)",
        }
    )


# Transaction, verification and order ids we hand out are UUIDs or URL-safe tokens: anything else is refused
# (422) before it reaches a cache key or a lookup.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """Error responses for an operation's `response={200: X, **errors(404, 409)}`."""
    return {status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses}


# Statuses every operation of a kind may answer (see the module docstring); added to the schema below.
_INPUT_ERRORS = (400, 422)  # 400: text that cannot be stored (NUL, lone surrogate: core/text.py)
_SESSION_ERRORS = (400, 401, 403, 404)
_DESCRIPTIONS = {
    400: "The request breaks a rule (code and message say which)",
    401: "Not signed in",
    403: "Not allowed (role, scope or CSRF)",
    404: "Not found, or not in your scope",
    409: "Conflicts with the current state",
    422: "Invalid input (field and reason)",
    429: "Too many requests",
    502: "The upstream service answered with an error",
    503: "The upstream service is unavailable",
    504: "The upstream service did not answer in time",
}


class HimSwasthyaAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorOut, FieldErrorOut, ValidationErrorOut):
            if model.__name__ not in components:
                body = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(body.pop("$defs", {}))
                components[model.__name__] = body
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                statuses: list[int] = []
                if operation.get("parameters") or operation.get("requestBody"):
                    statuses.extend(_INPUT_ERRORS)
                if operation.get("security"):
                    statuses.extend(_SESSION_ERRORS)
                responses = operation["responses"]
                for status in statuses:
                    if str(status) in responses or status in responses:
                        continue
                    name = "ValidationErrorOut" if status == 422 else "ErrorOut"
                    responses[status] = {
                        "description": _DESCRIPTIONS.get(status, "Error"),
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                    }
        return schema


api = HimSwasthyaAPI(
    title="HimSwasthya API",
    version="1",
    description=(
        "Digital health services of Himachal Pradesh. Session auth with CSRF (send the `csrftoken` cookie's "
        "value in `X-CSRFToken`). Every error is JSON `{code, message, field}`. Times carry their offset "
        "(Asia/Kolkata)."
    ),
    auth=django_auth,
    urls_namespace="api",
)


def _error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_of(loc: Any) -> str | None:
    """("body", "payload", "signature") -> "signature"; ("query", "page") -> "page"."""
    parts = [str(p) for p in loc]
    if len(parts) > 2 and parts[0] in ("body", "form"):
        parts = parts[2:]  # the view's parameter name ("payload") means nothing to the client
    else:
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors_ = [{"field": _field_of(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    first = errors_[0] if errors_ else {"field": None, "message": "invalid input"}
    return api.create_response(
        request,
        {"code": "invalid", "message": first["message"], "field": first["field"], "errors": errors_},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, _error("not_authenticated", _("Sign in to continue.")), status=exc.status_code
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and "CSRF" in str(exc):  # ninja's session auth: no or a wrong CSRF token
        body = _error("csrf_failed", _("CSRF check failed. Reload the page and try again."))
    else:
        code = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 429: "rate_limited"}.get(
            exc.status_code, "error"
        )
        body = _error(code, str(exc))
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, _error("not_found", _("Not found.")), status=404)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: log it with its traceback, tell the client in JSON, never show the HTML error page."""
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return api.create_response(
        request, _error("server_error", _("Something went wrong on our side. Please try again.")), status=500
    )


# --- Django's error views: JSON under /api/, the site's pages elsewhere ----------------------------------
def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error_for_api(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(_error(code, message), status=status)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error_for_api(request, 404, "not_found", _("Not found."))
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)  # type: ignore[arg-type]


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return json_error_for_api(
            request, 500, "server_error", _("Something went wrong on our side. Please try again.")
        )
    from django.views.defaults import server_error

    return server_error(request)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error_for_api(request, 403, "forbidden", _("You do not have permission to do this."))
    from django.views.defaults import permission_denied

    return permission_denied(request, exception)  # type: ignore[arg-type]


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error_for_api(request, 400, "bad_request", _("The request could not be understood."))
    from django.views.defaults import bad_request

    return bad_request(request, exception)  # type: ignore[arg-type]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: JSON under /api/, Django's page elsewhere."""
    if is_api_request(request):
        return json_error_for_api(
            request, 403, "csrf_failed", _("CSRF check failed. Reload the page and try again.")
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def method_not_allowed_as_json(response: HttpResponse) -> HttpResponse:
    """Ninja answers a wrong method with an HTML-typed 405; keep its Allow header, give a JSON body."""
    allowed = response.headers.get("Allow", "")
    json_response = JsonResponse(
        _error("method_not_allowed", _("This method is not allowed here.")), status=405
    )
    if allowed:
        json_response["Allow"] = allowed
    return json_response


# Ninja builds one PathView per path in every router and answers an unknown method from it with an
# HTML-typed "Method not allowed"; this project has one API, so give every path view the JSON answer.
_ninja_not_allowed = PathView._not_allowed


def _not_allowed(self: PathView) -> HttpResponse:
    return method_not_allowed_as_json(_ninja_not_allowed(self))


PathView._not_allowed = _not_allowed  # type: ignore[method-assign]
