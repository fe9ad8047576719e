"""/fhir/: the FHIR API's operations (api.py), every other path an OperationOutcome 404, every error of the
operations' own making (ninja's 405 for a wrong method) an OperationOutcome too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _

from himswasthya.records.fhir.api import FHIR_JSON, fhir_api, operation_outcome

app_name = "fhir"


def _as_operation_outcome(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An error answered in another format (ninja's JSON 405) becomes an OperationOutcome."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(FHIR_JSON):
            outcome = operation_outcome(
                response.status_code,
                _("This method is not allowed here.")
                if response.status_code == 405
                else _("The request could not be understood."),
            )
            if response.has_header("Allow"):
                outcome["Allow"] = response["Allow"]
            return outcome
        return response

    for name in ("csrf_exempt",):
        if hasattr(view, name):
            setattr(wrapped, name, getattr(view, name))
    return wrapped


def unknown(request: HttpRequest) -> HttpResponse:
    return operation_outcome(404, _("There is no such FHIR resource or operation here."))


def _patterns() -> list[Any]:
    found = []
    for pattern in fhir_api.urls[0]:
        if (
            getattr(pattern, "name", None) == "api-root"
        ):  # ninja's index (no docs here): the catch-all answers
            continue
        if isinstance(pattern, URLPattern):
            pattern.callback = _as_operation_outcome(pattern.callback)
        found.append(pattern)
    return found


urlpatterns = [*_patterns(), re_path(r"^.*$", unknown, name="unknown")]
